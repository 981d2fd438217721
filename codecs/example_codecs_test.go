package codecs_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
)

// exampleLogger returns a logger writing to w through codec, with every
// record's time fixed so the examples' output is stable.
func exampleLogger(w interface{ Write([]byte) (int, error) }, codec loggerjs.Codec) *slog.Logger {
	fixedClock := loggerjs.MiddlewareFunc(func(_ context.Context, r *loggerjs.Record) bool {
		r.Time = time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)
		return true
	})
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"out": sinks.Writer(w, codec)},
		Middleware: []loggerjs.Middleware{fixedClock},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
	})
	if err != nil {
		panic(err)
	}
	return logger
}

func ExamplePretty() {
	// In a program: codecs.Pretty(&codecs.PrettyOptions{Output: os.Stderr})
	// colours the output when stderr is a terminal.
	codec := codecs.Pretty(&codecs.PrettyOptions{Color: codecs.ColorNever})
	logger := exampleLogger(os.Stdout, codec)
	db := loggerjs.Child(logger, "app", "db")
	db.Info("connected", "host", "db1", slog.Group("pool", "size", 10))
	err := fmt.Errorf("query users: %w", errors.New("connection refused"))
	db.Error("query failed", "err", err, "attempt", 3)
	// Output:
	// 09:30:00.000 INFO  app.db: connected host=db1 pool.size=10
	// 09:30:00.000 ERROR app.db: query failed err="query users: connection refused" attempt=3
	//     err:
	//       query users [*fmt.wrapError]
	//       └─ connection refused [*errors.errorString]
}

func ExampleLogfmt() {
	logger := exampleLogger(os.Stdout, codecs.Logfmt(nil))
	loggerjs.Child(logger, "app", "http").With("svc", "api").WithGroup("req").
		Info("served", "method", "GET", "path", "/a b", "took", 1500*time.Microsecond)
	// Output:
	// time=2026-11-21T09:30:00.000Z level=INFO msg=served logger=app.http svc=api req.method=GET req.path="/a b" req.took=1.5ms
}

func ExampleStructured() {
	var buf bytes.Buffer
	codec := codecs.Structured()
	logger := exampleLogger(&buf, codec)
	loop := map[string]any{"name": "loop"}
	loop["self"] = loop
	logger.Warn("kinds", "big", 1<<62, "nan", 0.0/zeroFloat(), "raw", []byte(nil), "loop", loop,
		"err", fmt.Errorf("open: %w", os.ErrNotExist))

	recs, err := codec.Decode(buf.Bytes())
	if err != nil {
		panic(err)
	}
	r := recs[0]
	fmt.Println(r.Level, r.Message())
	r.Attrs(func(a slog.Attr) bool {
		switch v := a.Value.Any().(type) {
		case map[string]any:
			self := v["self"].(map[string]any)
			fmt.Printf("%s: a map that holds itself: %v\n", a.Key, self["self"].(map[string]any)["name"])
		case *codecs.DecodedError:
			fmt.Printf("%s: %s (%s) wraps %q\n", a.Key, v.Msg, v.Type, v.Wrapped[0])
		default:
			fmt.Printf("%s: %s %#v\n", a.Key, a.Value.Kind(), v)
		}
		return true
	})
	// Output:
	// WARN kinds
	// big: Int64 4611686018427387904
	// nan: Float64 NaN
	// raw: Any []byte(nil)
	// loop: a map that holds itself: loop
	// err: open: file does not exist (*fmt.wrapError) wraps "file does not exist"
}

func zeroFloat() float64 { return 0 }

func ExampleMsgpack() {
	var buf bytes.Buffer
	codec := codecs.Msgpack()
	logger := exampleLogger(&buf, codec)
	loggerjs.Child(logger, "app").Info("first", "n", 1)
	logger.WithGroup("req").Warn("second", "ok", false)

	recs, err := codec.Decode(buf.Bytes())
	if err != nil {
		panic(err)
	}
	for _, r := range recs {
		fmt.Println(r.Time.Format(time.RFC3339), r.Level, r.CategoryName(), r.Message(), r.SlogRecord().NumAttrs(), codec.ContentType())
	}
	// Output:
	// 2026-11-21T09:30:00Z INFO app first 1 application/msgpack
	// 2026-11-21T09:30:00Z WARN  second 1 application/msgpack
}

func ExampleProjector() {
	codec := codecs.Projector(func(r *loggerjs.Record, e *codecs.Encoder) {
		e.Time("ts", r.Time)
		e.String("sev", loggerjs.LevelName(r.Level))
		e.String("text", r.Message())
		e.Open("fields")
		e.RecordAttrs(r)
		e.Close()
	})
	logger := exampleLogger(os.Stdout, codec)
	logger.With("user", 42).Info("signed in", "method", "otp")
	// Output:
	// {"ts":"2026-11-21T09:30:00Z","sev":"INFO","text":"signed in","fields":{"user":42,"method":"otp"}}
}

func ExampleECS() {
	logger := exampleLogger(os.Stdout, codecs.ECS(&codecs.ECSOptions{ServiceName: "checkout"}))
	ctx := loggerjs.WithContextAttrs(context.Background(), slog.String("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"))
	loggerjs.Child(logger, "app").ErrorContext(ctx, "payment failed", "err", errors.New("card declined"))
	// Output:
	// {"@timestamp":"2026-11-21T09:30:00Z","log.level":"error","message":"payment failed","ecs.version":"8.11.0","log.logger":"app","service.name":"checkout","trace.id":"4bf92f3577b34da6a3ce929d0e0e4736","error.message":"card declined","error.type":"*errors.errorString","err":"card declined"}
}

func ExampleGoogleCloud() {
	logger := exampleLogger(os.Stdout, codecs.GoogleCloud(&codecs.GoogleCloudOptions{ProjectID: "my-project"}))
	ctx := loggerjs.WithContextAttrs(context.Background(), slog.String("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"))
	loggerjs.Child(logger, "app").WarnContext(ctx, "slow", "ms", 812)
	// Output:
	// {"severity":"WARNING","message":"slow","time":"2026-11-21T09:30:00Z","logging.googleapis.com/labels":{"logger":"app"},"logging.googleapis.com/trace":"projects/my-project/traces/4bf92f3577b34da6a3ce929d0e0e4736","ms":812}
}

func ExampleOTLPJSON() {
	codec := codecs.OTLPJSON(&codecs.OTLPJSONOptions{Resource: []slog.Attr{slog.String("service.name", "checkout")}})
	logger := exampleLogger(os.Stdout, codec)
	loggerjs.Child(logger, "app", "db").Info("connected", "pool", 4)
	// Output:
	// {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},"scopeLogs":[{"scope":{"name":"app.db"},"logRecords":[{"timeUnixNano":"1795253400000000000","observedTimeUnixNano":"1795253400000000000","severityNumber":9,"severityText":"INFO","body":{"stringValue":"connected"},"attributes":[{"key":"pool","value":{"intValue":"4"}}]}]}]}]}
}

func ExampleIsTerminal() {
	var buf bytes.Buffer
	fmt.Println(codecs.IsTerminal(&buf))
	// Output:
	// false
}
