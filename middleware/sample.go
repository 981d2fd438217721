package middleware

import (
	"context"
	"log/slog"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/loggerjs/loggerjs"
)

// SampleOptions refine Sample. A nil *SampleOptions means the defaults.
type SampleOptions struct {
	// Levels sets the rate for records of an exact level, in place of
	// Sample's rate.
	Levels map[slog.Level]float64
	// Categories sets the rate for a dotted category and everything under
	// it ("app.db" covers app.db and app.db.pool), in place of the level's
	// rate. The longest matching category wins.
	Categories map[string]float64
	// Key names an attr (logged with the record, bound with With, or a
	// root attr such as a trace_id) whose value decides instead of chance: records with the
	// same value are all kept or all dropped, so a sampled request keeps
	// every record. Records without the attr are decided by chance.
	Key string
	// KeepLevel is the level from which every record is kept; nil means
	// slog.LevelError, so errors and fatal records are never sampled out.
	KeepLevel slog.Leveler
	// Random returns uniformly distributed numbers; nil means the
	// math/rand/v2 top-level source, which has no lock and no shared
	// state between goroutines. It must be safe for concurrent use.
	Random func() uint64
}

// Sampler keeps a fraction of records and drops the rest. It is safe for
// concurrent use; Dropped counts what it dropped.
type Sampler struct {
	rate      float64
	levels    map[slog.Level]float64
	cats      []catRate // longest first
	key       string
	keepLevel slog.Leveler
	random    func() uint64
	kept      atomic.Uint64
	dropped   atomic.Uint64
}

type catRate struct {
	name string
	rate float64
}

var _ loggerjs.Middleware = (*Sampler)(nil)

// Sample returns middleware that keeps each record below the keep level
// (Error, by default) with probability rate, between 0 and 1, and drops
// the rest. The options set rates by level and category, and a key attr
// that makes the decision the same for records that share its value.
func Sample(rate float64, opts *SampleOptions) *Sampler {
	s := &Sampler{rate: rate, keepLevel: slog.LevelError, random: rand.Uint64}
	if opts != nil {
		s.levels = opts.Levels
		for name, r := range opts.Categories {
			s.cats = append(s.cats, catRate{name, r})
		}
		slices.SortFunc(s.cats, func(a, b catRate) int { return len(b.name) - len(a.name) })
		s.key = opts.Key
		if opts.KeepLevel != nil {
			s.keepLevel = opts.KeepLevel
		}
		if opts.Random != nil {
			s.random = opts.Random
		}
	}
	return s
}

// Process keeps or drops r.
func (s *Sampler) Process(_ context.Context, r *loggerjs.Record) bool {
	if r.Level >= s.keepLevel.Level() {
		s.kept.Add(1)
		return true
	}
	rate := s.rateFor(r)
	var keep bool
	switch {
	case rate >= 1:
		keep = true
	case rate <= 0 || math.IsNaN(rate):
		keep = false
	default:
		threshold := uint64(rate * (1 << 64))
		x, ok := s.keyHash(r)
		if !ok {
			x = s.random()
		}
		keep = x < threshold
	}
	if keep {
		s.kept.Add(1)
	} else {
		s.dropped.Add(1)
	}
	return keep
}

func (s *Sampler) rateFor(r *loggerjs.Record) float64 {
	if len(s.cats) > 0 {
		name := r.CategoryName()
		for _, c := range s.cats {
			if underCategory(name, c.name) {
				return c.rate
			}
		}
	}
	if rate, ok := s.levels[r.Level]; ok {
		return rate
	}
	return s.rate
}

// underCategory reports whether the dotted category name is prefix or
// below it.
func underCategory(name, prefix string) bool {
	if prefix == "" {
		return true
	}
	return strings.HasPrefix(name, prefix) && (len(name) == len(prefix) || name[len(prefix)] == '.')
}

// keyHash hashes the value of the key attr, if the record has it.
func (s *Sampler) keyHash(r *loggerjs.Record) (uint64, bool) {
	if s.key == "" {
		return 0, false
	}
	v, ok := findAttr(r, s.key)
	if !ok {
		return 0, false
	}
	h := newFNV()
	h.value(v)
	// Spread the FNV bits over the whole range before comparing.
	return mix64(uint64(h)), true
}

// Kept returns the number of records kept.
func (s *Sampler) Kept() uint64 { return s.kept.Load() }

// Dropped returns the number of records dropped.
func (s *Sampler) Dropped() uint64 { return s.dropped.Load() }

// findAttr finds an attr by key among the record's attrs, its root attrs
// (context attrs, trace ids), then the attrs bound to its logger, the
// innermost first. Attrs nested in a slog.Group are not searched.
func findAttr(r *loggerjs.Record, key string) (slog.Value, bool) {
	for i := range r.NumAttrs() {
		if a := r.Attr(i); a.Key == key {
			return a.Value, true
		}
	}
	for i := range r.NumRootAttrs() {
		if a := r.RootAttr(i); a.Key == key {
			return a.Value, true
		}
	}
	for sc := r.Scope; sc != nil; sc = sc.Parent() {
		for _, a := range sc.Attrs() {
			if a.Key == key {
				return a.Value, true
			}
		}
	}
	return slog.Value{}, false
}

// fnv is a 64-bit FNV-1a hash, written out so that hashing a record's
// fields allocates nothing.
type fnv uint64

func newFNV() fnv { return 14695981039346656037 }

func (h *fnv) byte(b byte) {
	*h ^= fnv(b)
	*h *= 1099511628211
}

func (h *fnv) string(s string) {
	for i := 0; i < len(s); i++ {
		h.byte(s[i])
	}
	h.byte(0xff) // a separator no UTF-8 text holds
}

func (h *fnv) uint64(x uint64) {
	for range 8 {
		h.byte(byte(x))
		x >>= 8
	}
}

func (h *fnv) value(v slog.Value) {
	h.byte(byte(v.Kind()))
	switch v.Kind() {
	case slog.KindString:
		h.string(v.String())
	case slog.KindInt64:
		h.uint64(uint64(v.Int64()))
	case slog.KindUint64:
		h.uint64(v.Uint64())
	case slog.KindBool:
		if v.Bool() {
			h.byte(1)
		} else {
			h.byte(0)
		}
	case slog.KindFloat64:
		h.uint64(math.Float64bits(v.Float64()))
	case slog.KindDuration:
		h.uint64(uint64(v.Duration()))
	default:
		h.string(safeString(v))
	}
}

// safeString is v.String() with a panicking LogValue or String turned
// into a fixed text.
func safeString(v slog.Value) (s string) {
	defer func() {
		if recover() != nil {
			s = "!PANIC"
		}
	}()
	return v.Resolve().String()
}

// mix64 is the splitmix64 finaliser.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
