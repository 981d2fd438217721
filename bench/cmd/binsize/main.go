// Command binsize measures what loggerjs adds to the size of a program.
// It writes tiny programs, each in a module of its own that replaces
// github.com/loggerjs/loggerjs (and the bridges) with this checkout,
// builds each with and without -ldflags="-s -w" (CGO_ENABLED=0, for
// GOOS/GOARCH of the environment), and prints their sizes against a
// log/slog hello world and, for the bridges, against the same program
// with the bridged library alone.
//
// Run it from the bench module:
//
//	cd bench && go run ./cmd/binsize
//
// It needs the Go module proxy for the bridges' dependencies (zap,
// zerolog, the OpenTelemetry SDK, sentry-go); a bridge whose directory is
// missing is skipped, and one that fails to build is reported.
//
// With -check it builds only the slog hello world and the root program
// (unless -only names others) and exits 1 when importing the root and
// calling GetLogger adds more than -limit bytes, 400 KB by default, to the
// stripped hello world. TestRootBudget runs the same check under go test.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/tabwriter"
)

// program is one program to build. base names the program it is
// compared with besides the slog hello world; module is the bridge
// module it needs replaced, or "".
type program struct {
	name   string
	base   string
	module string
	src    string
}

const helloSlog = `package main

import "log/slog"

func main() { slog.Info("hello", "n", 1) }
`

var programs = []program{
	{name: "slog", src: helloSlog},
	{name: "root", base: "slog", src: `package main

import "github.com/loggerjs/loggerjs"

func main() { loggerjs.GetLogger("app").Info("hello", "n", 1) }
`},
	{name: "root+codecs+file", base: "root", src: `package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
)

func main() {
	file, err := sinks.File(filepath.Join(os.TempDir(), "binsize.log"), &sinks.FileOptions{Codec: codecs.JSON(nil), MaxSize: 10 << 20, Compress: true})
	if err != nil {
		panic(err)
	}
	err = loggerjs.Configure(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"console": sinks.Console(nil), "file": file},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"console", "file"}, Level: slog.LevelInfo}},
	})
	if err != nil {
		panic(err)
	}
	defer loggerjs.Shutdown(context.Background())
	loggerjs.GetLogger("app").Info("hello", "n", 1)
}
`},
	{name: "net/http", src: `package main

import (
	"log/slog"
	"net/http"
)

func main() {
	slog.Info("hello", "n", 1)
	http.ListenAndServe("localhost:0", http.NewServeMux())
}
`},
	{name: "net/http+root+admin", base: "net/http", src: `package main

import (
	"net/http"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/admin"
)

func main() {
	loggerjs.GetLogger("app").Info("hello", "n", 1)
	mux := http.NewServeMux()
	mux.Handle("/debug/loggerjs/", http.StripPrefix("/debug/loggerjs", admin.NewHandler(nil)))
	admin.PublishExpvar()
	http.ListenAndServe("localhost:0", mux)
}
`},
	{name: "zap", src: `package main

import "go.uber.org/zap"

func main() { zap.NewExample().Info("hello", zap.Int("n", 1)) }
`, module: "bridges/zapbridge"},
	{name: "zap+zapbridge", base: "zap", module: "bridges/zapbridge", src: `package main

import (
	"go.uber.org/zap"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/zapbridge"
)

func main() { zapbridge.New(loggerjs.GetLogger("app")).Info("hello", zap.Int("n", 1)) }
`},
	{name: "zerolog", module: "bridges/zerologbridge", src: `package main

import (
	"os"

	"github.com/rs/zerolog"
)

func main() {
	l := zerolog.New(os.Stderr)
	l.Info().Int("n", 1).Msg("hello")
}
`},
	{name: "zerolog+zerologbridge", base: "zerolog", module: "bridges/zerologbridge", src: `package main

import (
	"github.com/rs/zerolog"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/zerologbridge"
)

func main() {
	l := zerolog.New(zerologbridge.NewWriter(loggerjs.GetLogger("app"), nil))
	l.Info().Int("n", 1).Msg("hello")
}
`},
	{name: "logrus", module: "bridges/logrusbridge", src: `package main

import "github.com/sirupsen/logrus"

func main() { logrus.WithField("n", 1).Info("hello") }
`},
	{name: "logrus+logrusbridge", base: "logrus", module: "bridges/logrusbridge", src: `package main

import (
	"github.com/sirupsen/logrus"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/logrusbridge"
)

func main() {
	logrusbridge.Install(nil, loggerjs.GetLogger("app"), nil)
	logrus.WithField("n", 1).Info("hello")
}
`},
	{name: "otel-sdk", module: "bridges/otelbridge", src: `package main

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
)

type discard struct{}

func (discard) Export(context.Context, []sdklog.Record) error { return nil }
func (discard) Shutdown(context.Context) error                { return nil }
func (discard) ForceFlush(context.Context) error              { return nil }

func main() {
	p := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewBatchProcessor(discard{})))
	var r otellog.Record
	r.SetBody(attribute.StringValue("hello"))
	r.AddAttributes(attribute.Int("n", 1))
	p.Logger("app").Emit(context.Background(), r)
	p.Shutdown(context.Background())
}
`},
	{name: "otel-sdk+otelbridge", base: "otel-sdk", module: "bridges/otelbridge", src: `package main

import (
	"context"

	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/otelbridge"
)

type discard struct{}

func (discard) Export(context.Context, []sdklog.Record) error { return nil }
func (discard) Shutdown(context.Context) error                { return nil }
func (discard) ForceFlush(context.Context) error              { return nil }

func main() {
	sink, err := otelbridge.New(otelbridge.Options{Exporter: discard{}})
	if err != nil {
		panic(err)
	}
	loggerjs.Configure(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"otel": sink},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"otel"}}},
	})
	loggerjs.GetLogger("app").Info("hello", "n", 1)
	loggerjs.Shutdown(context.Background())
}
`},
	{name: "sentry", module: "bridges/sentrybridge", src: `package main

import "github.com/getsentry/sentry-go"

func main() {
	sentry.Init(sentry.ClientOptions{})
	sentry.CaptureMessage("hello")
}
`},
	{name: "sentry+sentrybridge", base: "sentry", module: "bridges/sentrybridge", src: `package main

import (
	"context"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/sentrybridge"
)

func main() {
	sink, err := sentrybridge.New(sentrybridge.Options{})
	if err != nil {
		panic(err)
	}
	loggerjs.Configure(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"sentry": sink},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"sentry"}}},
	})
	loggerjs.GetLogger("app").Error("hello", "n", 1)
	loggerjs.Shutdown(context.Background())
}
`},
}

// rootBudget is the most bytes importing the root and calling GetLogger
// may add to the stripped slog hello world.
const rootBudget = 400 << 10

// sizes are a program's sizes: default link flags, and -s -w.
type sizes struct{ full, stripped int64 }

func main() {
	root := flag.String("root", "..", "the loggerjs checkout (the directory of its root go.mod)")
	only := flag.String("only", "", "build only the programs whose names contain this")
	check := flag.Bool("check", false, "build slog and root only (unless -only) and exit 1 if the root adds more than -limit bytes to the stripped slog hello world")
	limit := flag.Int64("limit", rootBudget, "the most bytes the root may add, with -check")
	keep := flag.Bool("keep", false, "keep the generated programs and print where")
	flag.Parse()
	abs, err := filepath.Abs(*root)
	if err != nil {
		fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(abs, "go.mod")); err != nil || !strings.HasPrefix(string(b), "module github.com/loggerjs/loggerjs\n") {
		fatal(fmt.Errorf("-root %s is not the loggerjs checkout", abs))
	}
	work, err := os.MkdirTemp("", "binsize-")
	if err != nil {
		fatal(err)
	}
	if *keep {
		fmt.Fprintln(os.Stderr, "programs in", work)
	} else {
		defer os.RemoveAll(work)
	}

	want := map[string]bool{"slog": true}
	if *check && *only == "" {
		want["root"] = true
	} else {
		for _, p := range programs {
			if strings.Contains(p.name, *only) {
				want[p.name], want[p.base] = true, true
			}
		}
	}
	got := map[string]sizes{}
	var order []string
	for _, p := range programs {
		if !want[p.name] {
			continue
		}
		if p.module != "" {
			if _, err := os.Stat(filepath.Join(abs, p.module, "go.mod")); err != nil {
				fmt.Fprintf(os.Stderr, "skip %s: no module %s\n", p.name, p.module)
				continue
			}
		}
		s, err := build(work, abs, p)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", p.name, err)
			continue
		}
		got[p.name] = s
		order = append(order, p.name)
	}

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "program\tbytes\t-s -w\tvs slog\tvs slog -s -w\tvs base\tvs base -s -w\tbase\t")
	base := got["slog"]
	byName := map[string]program{}
	for _, p := range programs {
		byName[p.name] = p
	}
	for _, name := range order {
		s := got[name]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t", name, kb(s.full), kb(s.stripped), delta(s.full, base.full), delta(s.stripped, base.stripped))
		if b, ok := got[byName[name].base]; ok && byName[name].base != "slog" {
			fmt.Fprintf(tw, "%s\t%s\t%s\t\n", delta(s.full, b.full), delta(s.stripped, b.stripped), byName[name].base)
		} else {
			fmt.Fprintf(tw, "\t\t\t\n")
		}
	}
	tw.Flush()
	fmt.Println("KB = 1024 bytes; CGO_ENABLED=0; built with", goVersion())
	if *check {
		r, ok := got["root"]
		if !ok {
			fatal(errors.New("-check: the root program did not build"))
		}
		d := r.stripped - base.stripped
		if d > *limit {
			fmt.Fprintf(os.Stderr, "the root adds %d bytes to the stripped slog hello world, more than %d\n", d, *limit)
			os.Exit(1)
		}
		fmt.Printf("the root adds %d bytes to the stripped slog hello world, within %d\n", d, *limit)
	}
}

// build writes p as a module under work and builds it twice.
func build(work, root string, p program) (sizes, error) {
	dir := filepath.Join(work, strings.NewReplacer("/", "_", "+", "_").Replace(p.name))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return sizes{}, err
	}
	mod := "module binsize/prog\n\ngo 1.25\n\nreplace github.com/loggerjs/loggerjs => " + root + "\n"
	if p.module != "" {
		mod += "\nreplace github.com/loggerjs/loggerjs/" + p.module + " => " + filepath.Join(root, p.module) + "\n"
		// The bridged library alone must resolve to the version the
		// bridge pins, so the bridge module is required in both.
		mod += "\nrequire github.com/loggerjs/loggerjs/" + p.module + " v0.0.0-00010101000000-000000000000\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		return sizes{}, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(p.src), 0o644); err != nil {
		return sizes{}, err
	}
	if p.module != "" && !strings.Contains(p.src, p.module) {
		// Keep the bridge module in the build list without linking it.
		blank := "//go:build tools\n\npackage main\n\nimport _ \"github.com/loggerjs/loggerjs/" + p.module + "\"\n"
		if err := os.WriteFile(filepath.Join(dir, "tools.go"), []byte(blank), 0o644); err != nil {
			return sizes{}, err
		}
	}
	if err := run(dir, "go", "mod", "tidy"); err != nil {
		return sizes{}, err
	}
	var s sizes
	for i, flags := range []string{"", "-s -w"} {
		out := filepath.Join(dir, fmt.Sprint("prog", i))
		if err := run(dir, "go", "build", "-ldflags="+flags, "-o", out, "."); err != nil {
			return sizes{}, err
		}
		fi, err := os.Stat(out)
		if err != nil {
			return sizes{}, err
		}
		if i == 0 {
			s.full = fi.Size()
		} else {
			s.stripped = fi.Size()
		}
	}
	return s, nil
}

func run(dir string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

func goVersion() string {
	out, err := exec.Command("go", "env", "GOVERSION", "GOOS", "GOARCH").Output()
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func kb(n int64) string { return fmt.Sprintf("%.0f KB", float64(n)/1024) }

func delta(n, base int64) string {
	if base == 0 {
		return ""
	}
	return fmt.Sprintf("%+.0f KB", float64(n-base)/1024)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "binsize:", err)
	os.Exit(2)
}
