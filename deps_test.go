package loggerjs_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestRootImports checks that the root package links neither net/http,
// net/url, expvar, crypto/tls, regexp nor crypto/hmac, and nothing
// outside the standard library but this module's internal packages:
// every program that imports it pays for what it links.
func TestRootImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}|{{.ImportPath}}", ".").CombinedOutput()
	if err != nil {
		t.Skipf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		nonStd, path, _ := strings.Cut(line, "|")
		switch {
		case path == "net/http" || path == "net/url" || path == "expvar" || path == "crypto/tls" || path == "regexp" || path == "crypto/hmac":
			t.Errorf("the root package links %s", path)
		case nonStd != "" && nonStd != "github.com/loggerjs/loggerjs" && !strings.HasPrefix(nonStd, "github.com/loggerjs/loggerjs/internal/"):
			t.Errorf("the root package imports %s, outside the standard library", nonStd)
		}
	}
}
