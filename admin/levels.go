package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/loggerjs/loggerjs"
)

// Options configure NewHandler. A nil *Options means the defaults.
type Options struct {
	// Tree is the handler tree the handler reads and changes. Default
	// nil: the process-wide registry (loggerjs.Configure, SetLevel,
	// Levels and Stats).
	Tree *loggerjs.Handler
}

// maxBody bounds the body of a PUT; a level change is a few dozen bytes.
const maxBody = 4 << 10

// NewHandler returns an http.Handler that reads and changes the levels of
// a handler tree's categories at run time and serves its counters. Its
// paths are relative to where it is mounted; mount it with
// http.StripPrefix:
//
//	mux.Handle("/debug/loggerjs/", http.StripPrefix("/debug/loggerjs", admin.NewHandler(nil)))
//
// It serves:
//
//	GET    /levels             every category configured or logged to so far, with its
//	                           effective level, what sets it and from which category
//	GET    /levels/{category}  one category ("app.db"); 404 if it is neither configured nor seen
//	PUT    /levels/{category}  set its level: ?level=debug, or a body {"level":"debug"};
//	                           the level "reset" resets it
//	DELETE /levels/{category}  reset it: the environment's or the configuration's level applies again
//	PUT    /levels             as PUT /levels/{category}, for the category in the body
//	                           ({"category":"app.db","level":"debug"}); without one, the root
//	DELETE /levels             reset the root category ("" in the listing)
//	GET    /stats              the tree's Stats as JSON
//
// A level is a name as loggerjs.ParseLevel reads it (trace, debug, info,
// warn, error, fatal, off, with an offset such as info+2, or an integer);
// in a JSON body it may also be a number. A level set here is a runtime
// level (loggerjs.SetLevel): it wins over LOGGERJS_LEVEL and the
// configuration and survives Configure until reset.
//
// An unknown level, a malformed category (an empty segment as in
// "app..db", a control character or invalid UTF-8), a malformed or
// oversized body, or a category or level given twice with different
// values is answered 400 with a JSON body {"error":"…"} that says what is
// wrong; nothing changes. Other methods are answered 405.
//
// The handler has no authentication of its own: anyone who can reach it
// can change what the service logs. Mount it behind the application's
// own authentication, or on a listener only operators can reach.
func NewHandler(opts *Options) http.Handler {
	s := &server{}
	if opts != nil && opts.Tree != nil {
		t := opts.Tree
		s.set, s.reset, s.levels, s.stats = t.SetLevel, t.ResetLevel, t.Levels, t.Stats
		s.logger = func(names ...string) *slog.Logger {
			return slog.New(t.WithAttrs([]slog.Attr{loggerjs.Category(names...)}))
		}
	} else {
		s.logger = loggerjs.GetLogger
		s.set, s.reset, s.levels, s.stats = loggerjs.SetLevel, loggerjs.ResetLevel, loggerjs.Levels, loggerjs.Stats
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /levels", s.list)
	mux.HandleFunc("PUT /levels", s.put)
	mux.HandleFunc("DELETE /levels", s.del)
	mux.HandleFunc("GET /levels/{category}", s.get)
	mux.HandleFunc("PUT /levels/{category}", s.put)
	mux.HandleFunc("DELETE /levels/{category}", s.del)
	mux.HandleFunc("GET /stats", s.serveStats)
	return mux
}

type server struct {
	logger func(names ...string) *slog.Logger
	set    func(string, slog.Level) error
	reset  func(string) error
	levels func() []loggerjs.CategoryLevel
	stats  func() loggerjs.MetaStats
}

// Level is one category's level as the handler writes it in JSON.
type Level struct {
	// Category is the dotted category; "" is the root.
	Category string `json:"category"`
	// Level is the name of the lowest level that reaches a sink from the
	// category (loggerjs.LevelName), "OFF" when none does.
	Level string `json:"level"`
	// Source is what sets the gate nearest the category: "runtime",
	// "env", "config", or "" when no level is set on its path.
	Source string `json:"source"`
	// From is the category whose setting Source names.
	From string `json:"from"`
	// Configured reports whether the category is configured itself,
	// rather than only seen.
	Configured bool `json:"configured"`
}

func levelOf(c loggerjs.CategoryLevel) Level {
	return Level{Category: c.Category, Level: loggerjs.LevelName(c.Level), Source: c.Source, From: c.From, Configured: c.Configured}
}

func (s *server) list(w http.ResponseWriter, r *http.Request) {
	levels := s.levels()
	out := make([]Level, 0, len(levels))
	for _, c := range levels {
		out = append(out, levelOf(c))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *server) get(w http.ResponseWriter, r *http.Request) {
	cat := r.PathValue("category")
	if err := checkCategory(cat); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	if l, ok := s.find(cat); ok {
		writeJSON(w, http.StatusOK, l)
		return
	}
	writeError(w, http.StatusNotFound, fmt.Errorf("category %q is neither configured nor logged to yet", cat))
}

func (s *server) find(cat string) (Level, bool) {
	for _, c := range s.levels() {
		if c.Category == cat {
			return levelOf(c), true
		}
	}
	return Level{}, false
}

// putBody is the JSON body of a PUT.
type putBody struct {
	Category *string         `json:"category"`
	Level    json.RawMessage `json:"level"`
}

func (s *server) put(w http.ResponseWriter, r *http.Request) {
	cat, level, err := s.request(w, r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	if strings.EqualFold(level, "reset") {
		s.doReset(w, cat)
		return
	}
	l, err := parseLevel(level)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	if err := s.set(cat, l); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	s.answer(w, cat, Level{Category: cat, Level: loggerjs.LevelName(l), Source: "runtime", From: cat, Configured: true})
}

func (s *server) del(w http.ResponseWriter, r *http.Request) {
	cat := r.PathValue("category")
	if err := checkCategory(cat); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	s.doReset(w, cat)
}

func (s *server) doReset(w http.ResponseWriter, cat string) {
	if err := s.reset(cat); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	s.answer(w, cat, Level{Category: cat})
}

// answer writes the category's level after a change, or pending when the
// tree has no configuration yet (the change waits for the first one).
// A change forgets which categories were logged to, so answer first
// resolves cat's route, as logging to it would, to list it again.
func (s *server) answer(w http.ResponseWriter, cat string, pending Level) {
	if names, _ := loggerjs.ParseCategory(cat); len(names) > 0 {
		s.logger(names...).Enabled(context.Background(), loggerjs.LevelTrace)
	}
	if l, ok := s.find(cat); ok {
		writeJSON(w, http.StatusOK, l)
		return
	}
	writeJSON(w, http.StatusOK, pending)
}

// request reads the category and level of a PUT from its path, query and
// body. A value given in two places must be the same in both.
func (s *server) request(w http.ResponseWriter, r *http.Request) (cat, level string, err error) {
	cat = r.PathValue("category")
	inPath := r.Pattern == "PUT /levels/{category}"
	q := r.URL.Query()
	level = q.Get("level")
	if vs, ok := q["level"]; ok && (len(vs) > 1 || level == "") {
		return "", "", errors.New(`query: give "level" once, not empty`)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return "", "", fmt.Errorf("body: larger than %d bytes", maxBody)
		}
		return "", "", fmt.Errorf("body: %v", err)
	}
	if len(bytes.TrimSpace(body)) > 0 {
		var b putBody
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&b); err != nil {
			return "", "", fmt.Errorf(`body: want a JSON object such as {"level":"debug"}: %v`, err)
		}
		if dec.More() {
			return "", "", errors.New("body: data after the JSON object")
		}
		if b.Category != nil {
			if inPath && *b.Category != cat {
				return "", "", fmt.Errorf("body: category %q differs from %q in the path", *b.Category, cat)
			}
			cat = *b.Category
		}
		if len(b.Level) > 0 {
			bl, err := rawLevel(b.Level)
			if err != nil {
				return "", "", err
			}
			if level != "" && !strings.EqualFold(level, bl) {
				return "", "", fmt.Errorf("level %q in the body differs from %q in the query", bl, level)
			}
			level = bl
		}
	}
	if err := checkCategory(cat); err != nil {
		return "", "", err
	}
	if level == "" {
		return "", "", errors.New(`missing level: give ?level=debug or a body {"level":"debug"}`)
	}
	return cat, level, nil
}

// rawLevel reads a body's level: a JSON string or number.
func rawLevel(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if s == "" {
			return "", errors.New("body: empty level")
		}
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String(), nil
	}
	return "", fmt.Errorf("body: level must be a string or an integer, not %s", raw)
}

func parseLevel(s string) (slog.Level, error) {
	l, err := loggerjs.ParseLevel(s)
	if err != nil {
		return 0, fmt.Errorf("unknown level %q: want trace, debug, info, warn, error, fatal or off, "+
			"with an optional offset (info+2), an integer, or reset", s)
	}
	return l, nil
}

// checkCategory reports a category that loggerjs.ParseCategory rejects,
// or that holds a control character or invalid UTF-8.
func checkCategory(cat string) error {
	if !utf8.ValidString(cat) {
		return fmt.Errorf("malformed category %q: invalid UTF-8", cat)
	}
	if i := strings.IndexFunc(cat, unicode.IsControl); i >= 0 {
		return fmt.Errorf("malformed category %q: control character at byte %d", cat, i)
	}
	if _, err := loggerjs.ParseCategory(cat); err != nil {
		return fmt.Errorf("malformed category %q: empty segment (categories are dotted names such as app.db)", cat)
	}
	return nil
}

func (s *server) serveStats(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.stats())
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}

func writeError(w http.ResponseWriter, code int, err error) {
	b, _ := json.Marshal(struct {
		Error string `json:"error"`
	}{err.Error()})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}
