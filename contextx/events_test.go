package contextx_test

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs/contextx"
)

func render(attrs []slog.Attr) string {
	var b strings.Builder
	for i, a := range attrs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(a.String())
	}
	return b.String()
}

func TestSemanticEvents(t *testing.T) {
	err := errors.New("boom")
	for _, tt := range []struct {
		name string
		ev   interface {
			Attrs() []slog.Attr
			LogValue() slog.Value
		}
		want string
	}{
		{"error", contextx.ErrorEvent{Err: err, Stack: "s", Handled: true}, "error=boom error.type=*errors.errorString stack=s error.handled=true"},
		{"error panic", contextx.ErrorEvent{Panic: "p", Type: "panic", Unhandled: true}, "error.type=panic panic=p error.handled=false"},
		{"error empty", contextx.ErrorEvent{}, ""},
		{"http server", contextx.HTTPEvent{Method: "GET", Route: "/u/{id}", Path: "/u/1", Status: 200, ResponseSize: 0, ClientAddress: "::1", Duration: time.Millisecond},
			"http.request.method=GET http.route=/u/{id} url.path=/u/1 http.response.status_code=200 http.response.body.size=0 client.address=::1 duration=1ms"},
		{"http client", contextx.HTTPEvent{Method: "POST", URL: "https://x/y", ServerAddress: "x", ServerPort: 443, Status: 503, ResponseSize: -1, ErrorType: "503"},
			"http.request.method=POST url.full=https://x/y http.response.status_code=503 server.address=x server.port=443 error.type=503"},
		{"http no response", contextx.HTTPEvent{Method: "GET", RequestSize: 12, ErrorType: "timeout"}, "http.request.method=GET http.request.body.size=12 error.type=timeout"},
		{"db", contextx.DBEvent{System: "postgresql", Namespace: "shop", Operation: "SELECT", Collection: "orders", Query: "SELECT 1", Rows: 3, StatusCode: "08006", ServerAddress: "db1", Duration: 2 * time.Millisecond, ErrorType: "io"},
			"db.system.name=postgresql db.namespace=shop db.operation.name=SELECT db.collection.name=orders db.query.text=SELECT 1 db.response.returned_rows=3 db.response.status_code=08006 server.address=db1 duration=2ms error.type=io"},
		{"job", contextx.JobEvent{Name: "mail", ID: "j1", Queue: "q", Attempt: 2, Status: "retrying", Duration: time.Second, ErrorType: "smtp"},
			"job.name=mail job.id=j1 job.queue=q job.attempt=2 job.status=retrying duration=1s error.type=smtp"},
		{"ui", contextx.UIEvent{Action: "click", Component: "Cart", Element: "checkout", Page: "/cart", Duration: time.Millisecond},
			"ui.action=click ui.component=Cart ui.element=checkout url.path=/cart duration=1ms"},
		{"action", contextx.ActionEvent{Name: "checkout", Outcome: "success", Target: "order-7", UserID: "u1", Duration: time.Second},
			"action.name=checkout action.outcome=success action.target=order-7 user.id=u1 duration=1s"},
		{"security", contextx.SecurityEvent{Name: "login.failed", Outcome: "failure", Reason: "bad password", UserID: "u1", ClientAddress: "10.0.0.1"},
			"security.event=login.failed security.outcome=failure security.reason=bad password user.id=u1 client.address=10.0.0.1"},
		{"performance", contextx.PerformanceEvent{Name: "render", Duration: 3 * time.Second, Budget: time.Second},
			"performance.name=render duration=3s performance.budget=1s performance.over_budget=true"},
		{"performance value", contextx.PerformanceEvent{Name: "heap", Value: 12.5, Unit: "MiB"}, "performance.name=heap performance.value=12.5 performance.unit=MiB"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(tt.ev.Attrs()); got != tt.want {
				t.Errorf("Attrs\n got %s\nwant %s", got, tt.want)
			}
			v := tt.ev.LogValue()
			if v.Kind() != slog.KindGroup || render(v.Group()) != tt.want {
				t.Errorf("LogValue: %v", v)
			}
		})
	}
	// AppendAttrs appends to what is there, without allocating when
	// there is room.
	buf := make([]slog.Attr, 1, 16)
	ev := contextx.HTTPEvent{Method: "GET", Status: 204}
	if n := testing.AllocsPerRun(100, func() { ev.AppendAttrs(buf[:1]) }); n != 0 {
		t.Errorf("AppendAttrs allocates %v times", n)
	}
	if got := ev.AppendAttrs(buf[:1]); len(got) != 4 {
		t.Errorf("AppendAttrs: %v", got)
	}
}
