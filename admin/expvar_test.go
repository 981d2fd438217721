package admin_test

import (
	"encoding/json"
	"expvar"
	"testing"

	"github.com/loggerjs/loggerjs/admin"
)

// TestPublishExpvar checks that the counters are published on expvar
// once asked, under their documented field names.
func TestPublishExpvar(t *testing.T) {
	if expvar.Get(admin.ExpvarName) != nil {
		t.Fatal("published before PublishExpvar")
	}
	if !admin.PublishExpvar() {
		t.Fatal("PublishExpvar reported failure")
	}
	if !admin.PublishExpvar() {
		t.Fatal("a second PublishExpvar reported failure")
	}
	v := expvar.Get(admin.ExpvarName)
	if v == nil {
		t.Fatal("loggerjs not published on expvar")
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(v.String()), &m); err != nil {
		t.Fatalf("%v: %s", err, v.String())
	}
	for _, k := range []string{"MiddlewarePanics", "RedactorPanics", "SinkErrors", "SinkPanics", "WriteAfterClose",
		"CodecFallbacks", "EarlyBufferOverflow", "EarlyBufferDiscarded", "AfterShutdown", "MetaSuppressed"} {
		if _, ok := m[k]; !ok {
			t.Errorf("expvar lacks %s: %s", k, v.String())
		}
	}
}
