package sentrybridge

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/getsentry/sentry-go"

	"github.com/loggerjs/loggerjs"
)

// Options configure New. The zero Options, but for ClientOptions.Dsn,
// means the defaults.
type Options struct {
	// ClientOptions make the sentry-go Client the sink owns (Dsn,
	// Release, Environment, SampleRate, BeforeSend, …). Its
	// HTTPTransport (default http.DefaultTransport) is wrapped so that
	// the sink sees which events the Sentry endpoint took.
	ClientOptions sentry.ClientOptions

	// EventLevel is the level at or above which a record that carries an
	// error becomes a Sentry event (an issue). Default slog.LevelError.
	EventLevel slog.Leveler
	// MessageEvents makes a record at or above EventLevel without an
	// error an event too (with its message as the event's). By default
	// it is a breadcrumb like the lower records.
	MessageEvents bool
	// BreadcrumbLevel is the level at or above which other records become
	// breadcrumbs on the hub in the record's context (sentry.
	// GetHubFromContext), or on the sink's hub. Default slog.LevelInfo.
	// Records below it are dropped on purpose and not counted.
	BreadcrumbLevel slog.Leveler
	// Logs sends the records that are not events as Sentry structured
	// logs instead of breadcrumbs.
	Logs bool

	// TagKeys names attrs (at the top level of the record, bound or
	// logged) that become tags of an event, as strings.
	TagKeys []string
	// Fingerprint, when set, returns an event's fingerprint (how Sentry
	// groups events into issues); nil or empty keeps Sentry's default.
	Fingerprint func(r *loggerjs.Record) []string
}

// Sink turns records into Sentry events, breadcrumbs or logs through
// sentry-go. A record at or above EventLevel that carries an error
// (loggerjs.Record.Err) becomes an event: its level, the message, the
// category as the logger, the error chain as exceptions (each with the
// stack trace sentry-go finds on it, and else the record's stack, the
// root attr loggerjs.StackKey, on the outermost), the attrs (bound ones
// and groups included) as the "attributes" context, the trace ids
// (root attrs trace_id and span_id) as the trace context, the tags and
// fingerprint that Options say, and the scope (user, tags, breadcrumbs)
// of the hub in the record's context. Lower records become breadcrumbs
// on that hub, or structured logs with Options.Logs.
//
// It is safe for concurrent use. SinkStats counts the events captured,
// those the Sentry endpoint took (sent), and those lost on the way:
// dropped_by_client (sentry-go dropped them: BeforeSend, SampleRate,
// IgnoreErrors, its rate limits), dropped_send_failed (the endpoint
// answered an error, or the request failed) and dropped_queue_full
// (sentry-go's transport queue overflowed, as of the last Flush or
// Close); loggerjs.MetaStats.Lost includes them.
type Sink struct {
	client *sentry.Client
	hub    *sentry.Hub
	opt    Options
	rt     *countingTransport
	tags   map[string]bool

	captured, byClient, afterClose atomic.Int64
	queueDrops                     atomic.Int64
	accountMu                      sync.Mutex
	closed                         atomic.Bool
	closeOnce                      sync.Once
}

var (
	_ loggerjs.Sink          = (*Sink)(nil)
	_ loggerjs.StatsReporter = (*Sink)(nil)
)

// New returns a sink over a sentry-go Client made from
// opts.ClientOptions. It returns sentry-go's error for a bad DSN.
func New(opts Options) (*Sink, error) {
	s := &Sink{opt: opts, tags: map[string]bool{}}
	for _, k := range opts.TagKeys {
		s.tags[k] = true
	}
	if s.opt.EventLevel == nil {
		s.opt.EventLevel = slog.LevelError
	}
	if s.opt.BreadcrumbLevel == nil {
		s.opt.BreadcrumbLevel = slog.LevelInfo
	}
	co := opts.ClientOptions
	if co.Dsn == "" {
		return nil, errors.New("sentrybridge: Options.ClientOptions.Dsn is empty")
	}
	next := co.HTTPTransport
	if next == nil {
		next = http.DefaultTransport
	}
	s.rt = &countingTransport{next: next}
	co.HTTPTransport = s.rt
	client, err := sentry.NewClient(co)
	if err != nil {
		return nil, fmt.Errorf("sentrybridge: %w", err)
	}
	s.client = client
	s.hub = sentry.NewHub(client, sentry.NewScope())
	return s, nil
}

// Hub returns the sink's own hub, whose client is the sink's.
func (s *Sink) Hub() *sentry.Hub { return s.hub }

// sentryLevel maps a level onto Sentry's five.
func sentryLevel(l slog.Level) sentry.Level {
	switch {
	case l >= loggerjs.LevelFatal:
		return sentry.LevelFatal
	case l >= slog.LevelError:
		return sentry.LevelError
	case l >= slog.LevelWarn:
		return sentry.LevelWarning
	case l >= slog.LevelInfo:
		return sentry.LevelInfo
	}
	return sentry.LevelDebug
}

// Write turns r into an event, a breadcrumb or a log, as Options say.
func (s *Sink) Write(ctx context.Context, r *loggerjs.Record) error {
	if s.closed.Load() {
		s.afterClose.Add(1)
		return loggerjs.ErrClosed
	}
	if ctx == nil {
		ctx = context.Background()
	}
	hub := sentry.GetHubFromContext(ctx)
	if hub == nil {
		hub = s.hub
	}
	if r.Level >= s.opt.EventLevel.Level() && (r.Err != nil || s.opt.MessageEvents) {
		s.captured.Add(1)
		e, tc := s.event(r)
		scope := hub.Scope()
		if tc != nil {
			// The scope writes its own trace context over the event's:
			// give it the record's.
			scope = scope.Clone()
			scope.SetPropagationContext(*tc)
		}
		if id := s.client.CaptureEvent(e, &sentry.EventHint{Context: ctx, OriginalException: r.Err}, scope); id == nil {
			s.byClient.Add(1)
		}
		return nil
	}
	if r.Level < s.opt.BreadcrumbLevel.Level() {
		return nil
	}
	attrs := attrMap(r)
	if s.opt.Logs {
		s.log(sentry.SetHubOnContext(ctx, sentry.NewHub(s.client, hub.Scope())), r, attrs)
		return nil
	}
	hub.AddBreadcrumb(&sentry.Breadcrumb{
		Type:      "default",
		Category:  r.CategoryName(),
		Message:   r.Message(),
		Data:      attrs,
		Level:     sentryLevel(r.Level),
		Timestamp: r.Time,
	}, nil)
	return nil
}

// event builds the Sentry event of r, and the trace context of its
// trace root attrs, if they are valid ids.
func (s *Sink) event(r *loggerjs.Record) (*sentry.Event, *sentry.PropagationContext) {
	e := sentry.NewEvent()
	e.Level = sentryLevel(r.Level)
	e.Message = r.Message()
	e.Logger = r.CategoryName()
	if !r.Time.IsZero() {
		e.Timestamp = r.Time
	}
	var stack, traceID, spanID string
	r.RootAttrs(func(a slog.Attr) bool {
		switch a.Key {
		case loggerjs.StackKey:
			stack = a.Value.String()
		case loggerjs.TraceIDKey:
			traceID = a.Value.String()
		case loggerjs.SpanIDKey:
			spanID = a.Value.String()
		}
		return true
	})
	if r.Err != nil {
		e.SetException(r.Err, s.client.Options().MaxErrorDepth)
		for i := range e.Exception {
			e.Exception[i].Value = r.RedactText(e.Exception[i].Value)
		}
		// Without a stack on the error itself, sentry-go puts the stack of
		// this call on the outermost exception: loggerjs's frames, not the
		// logging call's. The record's stack names the logging call.
		if n := len(e.Exception); n > 0 && stack != "" && sentry.ExtractStacktrace(r.Err) == nil {
			e.Exception[n-1].Stacktrace = parseStack(stack)
		}
	}
	if attrs := attrMap(r); len(attrs) > 0 {
		e.Contexts["attributes"] = attrs
	}
	var tc *sentry.PropagationContext
	if tid, err := hex.DecodeString(traceID); err == nil && len(tid) == 16 {
		pc := sentry.NewPropagationContext()
		copy(pc.TraceID[:], tid)
		if sid, err := hex.DecodeString(spanID); err == nil && len(sid) == 8 {
			copy(pc.SpanID[:], sid)
		}
		tc = &pc
	}
	if len(s.tags) > 0 {
		tag := func(a slog.Attr) bool {
			if s.tags[a.Key] {
				if e.Tags == nil {
					e.Tags = map[string]string{}
				}
				e.Tags[a.Key] = r.RedactText(a.Value.Resolve().String())
			}
			return true
		}
		for sc := r.Scope; sc != nil; sc = sc.Parent() {
			if len(sc.Groups()) == 0 {
				for _, a := range sc.Attrs() {
					tag(a)
				}
			}
		}
		if len(r.Scope.Groups()) == 0 {
			r.Attrs(tag)
		}
		r.RootAttrs(tag)
	}
	if s.opt.Fingerprint != nil {
		if fp := s.opt.Fingerprint(r); len(fp) > 0 {
			e.Fingerprint = fp
		}
	}
	return e, tc
}

// log sends r as a Sentry structured log.
func (s *Sink) log(ctx context.Context, r *loggerjs.Record, attrs map[string]any) {
	l := sentry.NewLogger(ctx)
	var entry sentry.LogEntry
	switch sentryLevel(r.Level) {
	case sentry.LevelFatal:
		entry = l.Fatal()
	case sentry.LevelError:
		entry = l.Error()
	case sentry.LevelWarning:
		entry = l.Warn()
	case sentry.LevelInfo:
		entry = l.Info()
	default:
		if r.Level < slog.LevelDebug {
			entry = l.Trace()
		} else {
			entry = l.Debug()
		}
	}
	entry = entry.WithCtx(ctx)
	if cat := r.CategoryName(); cat != "" {
		entry = entry.String("logger", cat)
	}
	for k, v := range flattenAttrs(attrs, "") {
		switch v := v.(type) {
		case string:
			entry = entry.String(k, v)
		case int64:
			entry = entry.Int64(k, v)
		case float64:
			entry = entry.Float64(k, v)
		case bool:
			entry = entry.Bool(k, v)
		default:
			b, _ := json.Marshal(v)
			entry = entry.String(k, string(b))
		}
	}
	entry.Emit(r.Message())
}

// flattenAttrs flattens nested maps into dotted keys, as Sentry logs
// take only scalar attributes.
func flattenAttrs(m map[string]any, prefix string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			for fk, fv := range flattenAttrs(sub, prefix+k+".") {
				out[fk] = fv
			}
			continue
		}
		out[prefix+k] = v
	}
	return out
}

// parseStack turns a stack as loggerjs writes it (function, then a tab
// and file:line, innermost first) into a Sentry stack trace (outermost
// first).
func parseStack(s string) *sentry.Stacktrace {
	lines := strings.Split(s, "\n")
	var frames []sentry.Frame
	for i := 0; i+1 < len(lines); i += 2 {
		fn := lines[i]
		loc := strings.TrimPrefix(lines[i+1], "\t")
		file, line := loc, 0
		if j := strings.LastIndexByte(loc, ':'); j > 0 {
			if n, err := strconv.Atoi(loc[j+1:]); err == nil {
				file, line = loc[:j], n
			}
		}
		module, function := splitFunction(fn)
		frames = append(frames, sentry.Frame{Function: function, Module: module, AbsPath: file, Filename: file, Lineno: line, InApp: true})
	}
	if len(frames) == 0 {
		return nil
	}
	for i, j := 0, len(frames)-1; i < j; i, j = i+1, j-1 {
		frames[i], frames[j] = frames[j], frames[i]
	}
	return &sentry.Stacktrace{Frames: frames}
}

// splitFunction splits "github.com/a/b.(*T).M" into the package path and
// the function.
func splitFunction(fn string) (module, function string) {
	slash := strings.LastIndexByte(fn, '/')
	if dot := strings.IndexByte(fn[slash+1:], '.'); dot >= 0 {
		return fn[:slash+1+dot], fn[slash+1+dot+1:]
	}
	return "", fn
}

// Flush waits, until ctx is done, for sentry-go to send what it holds.
func (s *Sink) Flush(ctx context.Context) error {
	if !s.client.FlushWithContext(ctx) {
		return fmt.Errorf("sentrybridge: events still unsent when the flush deadline passed: %w", ctx.Err())
	}
	s.account()
	return nil
}

// Close flushes within ctx's deadline and closes the client; later
// writes return loggerjs.ErrClosed. A second call does nothing.
func (s *Sink) Close(ctx context.Context) error {
	var err error
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		err = s.Flush(ctx)
		s.client.Close()
		s.account()
	})
	return err
}

// account works out the events sentry-go's transport dropped: after a
// flush that returned, every event captured before it was sent, failed,
// or dropped.
func (s *Sink) account() {
	s.accountMu.Lock()
	defer s.accountMu.Unlock()
	gone := s.captured.Load() - s.byClient.Load() - s.rt.sent.Load() - s.rt.failed.Load()
	if gone > s.queueDrops.Load() {
		s.queueDrops.Store(gone)
	}
}

// SinkStats returns captured (records made events), sent (events the
// endpoint took), the dropped_* counters and write_after_close.
func (s *Sink) SinkStats() map[string]int64 {
	return map[string]int64{
		"captured":            s.captured.Load(),
		"sent":                s.rt.sent.Load(),
		"dropped_by_client":   s.byClient.Load(),
		"dropped_send_failed": s.rt.failed.Load(),
		"dropped_queue_full":  s.queueDrops.Load(),
		"write_after_close":   s.afterClose.Load(),
	}
}

// countingTransport counts the events in the envelopes sentry-go sends,
// by the answer they got.
type countingTransport struct {
	next         http.RoundTripper
	sent, failed atomic.Int64
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	n := 0
	if req.Body != nil && req.GetBody != nil {
		if body, err := req.GetBody(); err == nil {
			n = countEvents(body, req.Header.Get("Content-Encoding") == "gzip")
			body.Close()
		}
	}
	resp, err := t.next.RoundTrip(req)
	switch {
	case n == 0:
	case err != nil || resp.StatusCode/100 != 2:
		t.failed.Add(int64(n))
	default:
		t.sent.Add(int64(n))
	}
	return resp, err
}

// countEvents counts the items of type "event" in an envelope.
func countEvents(body io.Reader, gz bool) int {
	if gz {
		zr, err := gzip.NewReader(body)
		if err != nil {
			return 0
		}
		body = zr
	}
	data, err := io.ReadAll(io.LimitReader(body, 64<<20))
	if err != nil {
		return 0
	}
	_, items := parseEnvelope(data)
	n := 0
	for _, it := range items {
		if it.Type == "event" {
			n++
		}
	}
	return n
}

// envelopeItem is one item of a Sentry envelope.
type envelopeItem struct {
	Type    string
	Payload []byte
}

// parseEnvelope splits an envelope into its header and items: a header
// line, then for each item a header line and a payload of the header's
// length, or up to the next newline.
func parseEnvelope(data []byte) (header []byte, items []envelopeItem) {
	line := func() []byte {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			l := data
			data = nil
			return l
		}
		l := data[:i]
		data = data[i+1:]
		return l
	}
	header = line()
	for len(data) > 0 {
		h := line()
		if len(bytes.TrimSpace(h)) == 0 {
			continue
		}
		var ih struct {
			Type   string `json:"type"`
			Length *int   `json:"length"`
		}
		if json.Unmarshal(h, &ih) != nil {
			return header, items
		}
		var payload []byte
		if ih.Length != nil && *ih.Length <= len(data) && *ih.Length >= 0 {
			payload = data[:*ih.Length]
			data = data[*ih.Length:]
			if len(data) > 0 && data[0] == '\n' {
				data = data[1:]
			}
		} else {
			payload = line()
		}
		items = append(items, envelopeItem{Type: ih.Type, Payload: payload})
	}
	return header, items
}

// attrMap returns the record's attrs (root, bound and its own, with the
// scope's groups) as a map for Sentry's JSON, secrets already redacted
// by the handler, user method output redacted here.
func attrMap(r *loggerjs.Record) map[string]any {
	top := map[string]any{}
	r.RootAttrs(func(a slog.Attr) bool {
		if a.Key != loggerjs.StackKey {
			putAttr(r, top, a, 0)
		}
		return true
	})
	cur := top
	var buf [8]*loggerjs.Scope
	for _, l := range r.Scope.Links(buf[:0]) {
		if g := l.Group(); g != "" {
			next := map[string]any{}
			cur[g] = next
			cur = next
			continue
		}
		for _, a := range l.Attrs() {
			putAttr(r, cur, a, 0)
		}
	}
	r.Attrs(func(a slog.Attr) bool { putAttr(r, cur, a, 0); return true })
	pruneEmpty(top)
	return top
}

// pruneEmpty removes groups left empty.
func pruneEmpty(m map[string]any) bool {
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok && pruneEmpty(sub) {
			delete(m, k)
		}
	}
	return len(m) == 0
}

const maxDepth = 100

// putAttr stores a in m, converted to what encoding/json writes as
// slog.JSONHandler would: groups as maps, durations as nanoseconds,
// times in RFC 3339, errors as their text, uint64 above MaxInt64 as
// its decimal string.
func putAttr(r *loggerjs.Record, m map[string]any, a slog.Attr, depth int) {
	v := resolve(a.Value)
	if v.Kind() == slog.KindGroup {
		if depth >= maxDepth {
			m[a.Key] = "!ERROR: too deep"
			return
		}
		dst := m
		if a.Key != "" {
			sub := map[string]any{}
			m[a.Key] = sub
			dst = sub
		}
		for _, ga := range v.Group() {
			putAttr(r, dst, ga, depth+1)
		}
		return
	}
	if a.Key == "" && v.Kind() == slog.KindAny && v.Any() == nil {
		return
	}
	m[a.Key] = scalar(r, v)
}

func resolve(v slog.Value) (out slog.Value) {
	if v.Kind() != slog.KindLogValuer {
		return v
	}
	defer func() {
		if p := recover(); p != nil {
			out = slog.StringValue(fmt.Sprintf("!PANIC: %v", p))
		}
	}()
	return v.Resolve()
}

func scalar(r *loggerjs.Record, v slog.Value) (out any) {
	switch v.Kind() {
	case slog.KindString:
		return v.String()
	case slog.KindInt64:
		return v.Int64()
	case slog.KindUint64:
		if u := v.Uint64(); u <= math.MaxInt64 {
			return int64(u)
		}
		return strconv.FormatUint(v.Uint64(), 10)
	case slog.KindFloat64:
		f := v.Float64()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return strconv.FormatFloat(f, 'g', -1, 64)
		}
		return f
	case slog.KindBool:
		return v.Bool()
	case slog.KindDuration:
		return int64(v.Duration())
	case slog.KindTime:
		return v.Time().Format(time.RFC3339Nano)
	}
	x := v.Any()
	defer func() {
		if p := recover(); p != nil {
			out = fmt.Sprintf("!PANIC: %v", p)
		}
	}()
	switch x := x.(type) {
	case nil:
		return nil
	case error:
		if _, ok := x.(json.Marshaler); !ok {
			return r.RedactText(x.Error())
		}
	case []byte:
		return x // base64, as encoding/json writes it
	}
	raw, err := json.Marshal(x)
	if err != nil {
		return "!ERROR:" + r.RedactText(err.Error())
	}
	if red := r.RedactText(string(raw)); red != string(raw) {
		if !json.Valid([]byte(red)) {
			return "!ERROR: redacted value is not JSON"
		}
		raw = []byte(red)
	}
	return json.RawMessage(raw)
}
