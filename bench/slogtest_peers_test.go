package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
	"github.com/loggerjs/loggerjs/slogtest"
	phuslu "github.com/phuslu/log"
	"github.com/rs/zerolog"
	slogmulti "github.com/samber/slog-multi"
	slogzap "github.com/samber/slog-zap/v2"
	slogzerolog "github.com/samber/slog-zerolog/v2"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"
	"go.uber.org/zap/zapcore"
)

// peersTable is where TestSlogtestPeers keeps the cases of the slogtest
// suite that each peer fails.
const peersTable = "testdata/slogtest_peers.txt"

// A peer is a slog.Handler users compare loggerjs with. newHandler makes
// one writing JSON lines to each of ws (most use one); keys renames its
// builtin keys to slog's, so that the suite finds them.
type peer struct {
	name    string
	modules []string // the modules whose versions the table names
	writers int
	new     func(ws []io.Writer) slog.Handler
	keys    map[string]string
	// dotted reads keys with dots as paths of groups, for a handler
	// that writes groups as dotted keys rather than nested objects.
	dotted bool
}

var (
	zapKeys     = map[string]string{"ts": slog.TimeKey}
	zerologKeys = map[string]string{zerolog.MessageFieldName: slog.MessageKey}
)

// passThrough is the smallest slog-multi middleware: it hands each record on.
var passThrough = slogmulti.NewHandleInlineMiddleware(func(ctx context.Context, r slog.Record, next func(context.Context, slog.Record) error) error {
	return next(ctx, r)
})

var peers = []peer{
	{name: "loggerjs (JSON codec)", writers: 1, new: func(ws []io.Writer) slog.Handler {
		h, err := loggerjs.NewHandler(loggerjs.Config{
			Sinks:   map[string]loggerjs.Sink{"out": sinks.Writer(ws[0], codecs.JSON(nil))},
			Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"out"}, Level: slog.LevelInfo}},
		})
		if err != nil {
			panic(err)
		}
		return h
	}},
	{name: "slog.JSONHandler", writers: 1, new: func(ws []io.Writer) slog.Handler {
		return slog.NewJSONHandler(ws[0], nil)
	}},
	{name: "slog.NewMultiHandler", writers: 2, new: func(ws []io.Writer) slog.Handler {
		return slog.NewMultiHandler(slog.NewJSONHandler(ws[0], nil), slog.NewJSONHandler(ws[1], nil))
	}},
	{name: "slog-multi Fanout", modules: []string{"github.com/samber/slog-multi"}, writers: 2, new: func(ws []io.Writer) slog.Handler {
		return slogmulti.Fanout(slog.NewJSONHandler(ws[0], nil), slog.NewJSONHandler(ws[1], nil))
	}},
	{name: "slog-multi Router", modules: []string{"github.com/samber/slog-multi"}, writers: 1, new: func(ws []io.Writer) slog.Handler {
		return slogmulti.Router().Add(slog.NewJSONHandler(ws[0], nil)).Handler()
	}},
	{name: "slog-multi Pipe", modules: []string{"github.com/samber/slog-multi"}, writers: 1, new: func(ws []io.Writer) slog.Handler {
		return slogmulti.Pipe(passThrough).Handler(slog.NewJSONHandler(ws[0], nil))
	}},
	{name: "zapslog", modules: []string{"go.uber.org/zap/exp", "go.uber.org/zap"}, writers: 1, keys: zapKeys, new: func(ws []io.Writer) slog.Handler {
		return zapslog.NewHandler(NewZapCore(zapcore.AddSync(ws[0])))
	}},
	{name: "phuslu/log SlogNewJSONHandler", modules: []string{"github.com/phuslu/log"}, writers: 1, new: func(ws []io.Writer) slog.Handler {
		return phuslu.SlogNewJSONHandler(ws[0], nil)
	}},
	{name: "samber/slog-zap", modules: []string{"github.com/samber/slog-zap/v2", "go.uber.org/zap"}, writers: 1, keys: zapKeys, new: func(ws []io.Writer) slog.Handler {
		return slogzap.Option{Level: slog.LevelInfo, Logger: zap.New(NewZapCore(zapcore.AddSync(ws[0])))}.NewZapHandler()
	}},
	{name: "samber/slog-zerolog", modules: []string{"github.com/samber/slog-zerolog/v2", "github.com/rs/zerolog"}, writers: 1, keys: zerologKeys, new: func(ws []io.Writer) slog.Handler {
		zl := zerolog.New(ws[0]).Level(zerolog.InfoLevel)
		return slogzerolog.Option{Level: slog.LevelInfo, Logger: &zl}.NewZerologHandler()
	}},
	{name: "zerolog NewSlogHandler", modules: []string{"github.com/rs/zerolog"}, writers: 1, keys: zerologKeys, new: newZerologSlog},
	{name: "zerolog NewSlogHandler, dotted keys read as groups", modules: []string{"github.com/rs/zerolog"}, writers: 1, keys: zerologKeys, dotted: true, new: newZerologSlog},
}

func newZerologSlog(ws []io.Writer) slog.Handler {
	return zerolog.NewSlogHandler(zerolog.New(ws[0]).Level(zerolog.InfoLevel))
}

// envPeer names the peer TestSlogtestPeer runs the suite over, in the
// child processes TestSlogtestPeers starts.
const envPeer = "SLOGTEST_PEER"

// TestSlogtestPeer runs the slogtest suite over one peer. It runs only in a
// child process of TestSlogtestPeers, which records the cases it fails:
// peers' failures are facts to record, not failures of this module.
func TestSlogtestPeer(t *testing.T) {
	name := os.Getenv(envPeer)
	if name == "" {
		t.Skip("run by TestSlogtestPeers")
	}
	i := slices.IndexFunc(peers, func(p peer) bool { return p.name == name })
	if i < 0 {
		t.Fatalf("no peer %q", name)
	}
	p := peers[i]
	var outs []*lockedBuffer
	slogtest.Run(t, func(t *testing.T) slog.Handler {
		outs = make([]*lockedBuffer, p.writers)
		ws := make([]io.Writer, p.writers)
		for i := range outs {
			outs[i] = &lockedBuffer{}
			ws[i] = outs[i]
		}
		return p.new(ws)
	}, func(t *testing.T) []map[string]any {
		recs, err := slogtest.ParseJSON(outs[0].bytes())
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range recs {
			if p.dotted {
				if r, err = undot(r); err != nil {
					t.Fatal(err)
				}
				recs[i] = r
			}
			for from, to := range p.keys {
				if v, ok := r[from]; ok {
					delete(r, from)
					r[to] = v
				}
			}
		}
		return recs
	}, nil)
}

// undot returns m with keys that hold dots made paths of groups:
// {"G.a": 1} becomes {"G": {"a": 1}}.
func undot(m map[string]any) (map[string]any, error) {
	out := map[string]any{}
	for k, v := range m {
		path := strings.Split(k, ".")
		at := out
		for _, g := range path[:len(path)-1] {
			next, ok := at[g].(map[string]any)
			if !ok {
				if _, taken := at[g]; taken {
					return nil, fmt.Errorf("key %q is both a value and a group in %v", k, m)
				}
				next = map[string]any{}
				at[g] = next
			}
			at = next
		}
		at[path[len(path)-1]] = v
	}
	return out, nil
}

// TestSlogtestPeers runs the slogtest suite over each peer, each in a
// child process, and compares the cases each fails with the table in
// testdata/slogtest_peers.txt. It fails only when the table is stale:
// SLOGTEST_UPDATE=1 go test -run TestSlogtestPeers rewrites it.
func TestSlogtestPeers(t *testing.T) {
	if os.Getenv(envPeer) != "" {
		t.Skip("in a child")
	}
	if testing.Short() {
		t.Skip("starts a process per peer")
	}
	table := peersTableText(t)
	if os.Getenv("SLOGTEST_UPDATE") == "1" {
		if err := os.WriteFile(peersTable, []byte(table), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", peersTable)
		return
	}
	old, err := os.ReadFile(peersTable)
	if err != nil {
		t.Fatalf("%v (SLOGTEST_UPDATE=1 go test -run TestSlogtestPeers writes it)", err)
	}
	if string(old) != table {
		t.Errorf("%s is stale; SLOGTEST_UPDATE=1 go test -run TestSlogtestPeers rewrites it. Now:\n%s", peersTable, table)
	}
}

var failLine = regexp.MustCompile(`(?m)^\s*--- FAIL: TestSlogtestPeer/(\S+)`)

// peerFailures runs the suite over p in a child process and returns the
// cases it fails, "Stdlib/<name>" for those of testing/slogtest.
func peerFailures(t *testing.T, p peer) []string {
	cmd := exec.Command(os.Args[0], "-test.run=^TestSlogtestPeer$", "-test.v", "-test.count=1", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), envPeer+"="+p.name)
	out, err := cmd.CombinedOutput()
	var failed []string
	for _, m := range failLine.FindAllStringSubmatch(string(out), -1) {
		failed = append(failed, m[1])
	}
	// A failing testing/slogtest case fails "Stdlib" too; name the case.
	failed = slices.DeleteFunc(failed, func(c string) bool {
		return c == "Stdlib" && slices.ContainsFunc(failed, func(s string) bool { return strings.HasPrefix(s, "Stdlib/") })
	})
	if !bytes.Contains(out, []byte("--- ")) || (err != nil && len(failed) == 0) {
		t.Errorf("the suite did not run to the end over %s (%v):\n%s", p.name, err, out)
		return []string{"(did not finish)"}
	}
	slices.Sort(failed)
	return failed
}

// peersTableText runs the suite over every peer and formats the table.
func peersTableText(t *testing.T) string {
	versions := requiredVersions(t)
	var b strings.Builder
	fmt.Fprintf(&b, "# Cases of the slogtest suite (github.com/loggerjs/loggerjs/slogtest) each peer fails,\n")
	fmt.Fprintf(&b, "# written by SLOGTEST_UPDATE=1 go test -run TestSlogtestPeers in bench/ with %s on %s/%s.\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&b, "# Builtin keys are renamed to slog's (zap's ts, zerolog's message) before the suite reads them.\n")
	fmt.Fprintf(&b, "# Stdlib/<case> is a case of testing/slogtest. Every handler writes JSON lines; fan-outs write\n")
	fmt.Fprintf(&b, "# to two slog.JSONHandlers and the first one's output is read. The package documentation\n")
	fmt.Fprintf(&b, "# of slogtest says what each case checks.\n\n")
	for _, p := range peers {
		var vs []string
		vs = append(vs, "go "+runtime.Version())
		for _, m := range p.modules {
			v, ok := versions[m]
			if !ok {
				t.Fatalf("go.mod requires no %s", m)
			}
			vs = append(vs, m+" "+v)
		}
		failed := peerFailures(t, p)
		fmt.Fprintf(&b, "%s\n\tversions: %s\n", p.name, strings.Join(vs, ", "))
		if len(failed) == 0 {
			fmt.Fprintf(&b, "\tfails: none\n\n")
			continue
		}
		fmt.Fprintf(&b, "\tfails: %d\n", len(failed))
		for _, c := range failed {
			fmt.Fprintf(&b, "\t\t%s\n", c)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// requiredVersions returns the versions go.mod requires, by module path.
func requiredVersions(t *testing.T) map[string]string {
	data, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	versions := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
		if len(f) >= 2 && strings.HasPrefix(f[1], "v") {
			versions[f[0]] = f[1]
		}
	}
	return versions
}

// lockedBuffer is a bytes.Buffer that many goroutines may write to.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.buf.Bytes())
}
