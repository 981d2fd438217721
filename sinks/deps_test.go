package sinks_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestSinksLinkNoNetHTTP checks that package sinks links neither
// net/http nor crypto/tls: a program that logs to files, the console or
// an async queue does not pay for an HTTP client. The remote sinks live
// in package remote.
func TestSinksLinkNoNetHTTP(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Skipf("go list: %v\n%s", err, out)
	}
	for _, path := range strings.Fields(string(out)) {
		if path == "net/http" || path == "crypto/tls" || path == "net" {
			t.Errorf("package sinks links %s", path)
		}
	}
}
