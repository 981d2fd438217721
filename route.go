package loggerjs

import (
	"context"
	"log/slog"
	"math"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
)

// snapshot is one immutable configuration as the hot path reads it. A new
// Configure builds a new snapshot and swaps it in atomically; handlers
// notice by comparing the snapshot their cached route was resolved for.
type snapshot struct {
	eng   *engine
	sinks []*sinkEntry // sorted by name
	// metaConfigured is set when a LoggerConfig or an EnvLevel directive
	// names the meta category or its parent: then routing alone decides
	// where meta records go, and none fall back to stderr.
	metaConfigured bool
	stackLevel     *stackTraces // nil: no stacks
	providers      []func(context.Context) []slog.Attr
	byName         map[string]*sinkEntry
	global         []stage
	redactor       Redactor // nil: none
	root           *node
	routes         sync.Map // categoryKey -> *route
	meta           *route
	early          *earlyRing // set on a buffering configuration
	pinned         []pinnedLevel
}

// pinnedLevel is a LoggerConfig.Level that an EnvLevel directive overrides.
type pinnedLevel struct {
	category   []string
	env        slog.Level
	configured slog.Leveler
}

// sinkEntry is a configured sink under its name.
type sinkEntry struct {
	name       string
	configured Sink // as given in Config.Sinks, for identity
	sink       Sink // with any WithMiddleware wrapper removed
	mw         []stage
	stats      *sinkCounters
}

// node is one category in the configuration tree.
type node struct {
	children    map[string]*node
	configured  bool
	level       slog.Leveler
	fromEnv     bool // set by EnvLevel or at run time: the last word for its subtree
	fromRuntime bool
	override    bool
	sinks       []*sinkEntry
	mw          []stage
}

// stage is one middleware in a route with the counter of the records it
// dropped.
type stage struct {
	m        Middleware
	filtered *atomic.Uint64
}

func (n *node) descend(cat []string) *node {
	for _, name := range cat {
		c := n.children[name]
		if c == nil {
			if n.children == nil {
				n.children = map[string]*node{}
			}
			c = &node{}
			n.children[name] = c
		}
		n = c
	}
	return n
}

// route is the resolved plan for one category in one snapshot: the
// middleware to run and the sinks to reach, each with its level gate.
type route struct {
	snap     *snapshot
	category []string
	catName  string
	min      slog.Level // the lowest level any target accepts
	dynamic  bool       // some gate reads a Leveler that may change
	mw       []stage
	redactor Redactor
	targets  []target
	shares   bool // some targets share one encoding
	early    *earlyRing
}

// disabled is the min of a route that reaches no sink.
const disabled = slog.Level(math.MaxInt)

// target is one sink of a route with its gate: the record passes when its
// level is at or above the gate of at least one path to the sink.
type target struct {
	entry *sinkEntry
	// encw is set when the sink shares its codec with another target of
	// the route: the record is encoded once for all of them.
	encw  EncodedWriter
	codec Codec
	level slog.Level // the static gate, when no path is dynamic
	paths []gate     // set only when the route is dynamic
}

// gate is the level gate along one path: the highest of the levels set on
// it.
type gate struct {
	static  slog.Level
	dynamic []slog.Leveler
}

func (g gate) level() slog.Level {
	l := g.static
	for _, d := range g.dynamic {
		l = max(l, d.Level())
	}
	return l
}

func (g gate) with(lv slog.Leveler) gate {
	if l, ok := lv.(slog.Level); ok {
		g.static = max(g.static, l)
		return g
	}
	g.dynamic = append(slices.Clip(g.dynamic), lv)
	return g
}

// gate returns the level a record must reach for t.
func (t *target) gate() slog.Level {
	if t.paths == nil {
		return t.level
	}
	l := disabled
	for _, p := range t.paths {
		if g := p.level(); g < LevelOff {
			l = min(l, g)
		}
	}
	return l
}

// minLevel returns the lowest level that reaches any sink of rt.
func (rt *route) minLevel() slog.Level {
	if !rt.dynamic || rt.early != nil {
		return rt.min
	}
	l := disabled
	for i := range rt.targets {
		l = min(l, rt.targets[i].gate())
	}
	return l
}

// routeFor returns the cached route for a category, resolving it on first
// use.
func (s *snapshot) routeFor(cat []string, key string) *route {
	if v, ok := s.routes.Load(key); ok {
		return v.(*route)
	}
	rt := s.resolve(cat)
	v, loaded := s.routes.LoadOrStore(key, rt)
	if !loaded && s.eng != nil && s.early == nil {
		s.eng.seen.LoadOrStore(key, rt.category)
	}
	return v.(*route)
}

// resolve applies the routing rules of LoggerConfig to one category.
func (s *snapshot) resolve(cat []string) *route {
	rt := &route{snap: s, category: cat, catName: joinCategory(cat), min: disabled, early: s.early}
	if s.early != nil {
		rt.min = slog.Level(math.MinInt)
		rt.dynamic = s.early.keepFirst // Enabled asks the ring
		return rt
	}
	path := make([]*node, 0, len(cat)+1)
	n := s.root
	if n.configured {
		path = append(path, n)
	}
	for _, name := range cat {
		if n = n.children[name]; n == nil {
			break
		}
		if n.configured {
			path = append(path, n)
		}
	}
	rt.redactor = s.redactor
	rt.mw = slices.Clone(s.global)
	for _, p := range path {
		rt.mw = append(rt.mw, p.mw...)
	}
	if len(rt.mw) == 0 {
		rt.mw = nil
	}

	// Walk from the category up: the gate accumulates every level passed,
	// until a level from the environment freezes it; an Override stops
	// collecting sinks above it.
	paths := map[*sinkEntry][]gate{}
	reached := make([]bool, len(path))
	cur := gate{static: slog.Level(math.MinInt)}
	frozen, cut := false, false
	for i := len(path) - 1; i >= 0; i-- {
		p := path[i]
		if p.level != nil && !frozen {
			cur = cur.with(p.level)
			frozen = p.fromEnv
		}
		if !cut {
			reached[i] = true
			for _, e := range p.sinks {
				paths[e] = append(paths[e], cur)
			}
		}
		if p.override {
			cut = true
		}
	}
	// Sinks are called root-most logger first, and within one logger in
	// the order its Sinks lists them; a sink reached twice keeps its
	// first place.
	var order []*sinkEntry
	for i, p := range path {
		if !reached[i] {
			continue
		}
		for _, e := range p.sinks {
			if !slices.Contains(order, e) {
				order = append(order, e)
			}
		}
	}
	for _, e := range order {
		gs := paths[e]
		t := target{entry: e, level: disabled}
		for _, g := range gs {
			if len(g.dynamic) > 0 {
				t.paths = gs
				rt.dynamic = true
				break
			}
			if g.static < LevelOff {
				t.level = min(t.level, g.static)
			}
		}
		if t.paths == nil && t.level == disabled {
			continue // silenced by LevelOff on every path
		}
		rt.targets = append(rt.targets, t)
		rt.min = min(rt.min, t.level)
	}
	if rt.dynamic {
		rt.min = rt.minLevel()
	}
	rt.shares = shareEncodings(rt.targets)
	return rt
}

// shareEncodings marks the targets whose sinks take encoded bytes and
// share a codec with another target, and reports whether there are any.
func shareEncodings(targets []target) bool {
	users := map[Codec]int{}
	codecOf := func(t *target) (EncodedWriter, Codec) {
		if t.entry.mw != nil {
			return nil, nil
		}
		ew, ok := t.entry.sink.(EncodedWriter)
		if !ok {
			return nil, nil
		}
		c := safeCodec(ew)
		if c == nil || !reflect.TypeOf(c).Comparable() {
			return nil, nil
		}
		return ew, c
	}
	for i := range targets {
		if _, c := codecOf(&targets[i]); c != nil {
			users[c]++
		}
	}
	shares := false
	for i := range targets {
		if ew, c := codecOf(&targets[i]); c != nil && users[c] > 1 {
			targets[i].encw, targets[i].codec = ew, c
			shares = true
		}
	}
	return shares
}

func safeCodec(ew EncodedWriter) (c Codec) {
	defer func() {
		if recover() != nil {
			c = nil
		}
	}()
	return ew.Codec()
}

// earlyRing keeps the records of a buffering configuration.
type earlyRing struct {
	mu        sync.Mutex
	recs      []*Record
	start     int
	n         int
	dropped   uint64
	keepFirst bool        // when full, drop the newest record, not the oldest
	full      atomic.Bool // keepFirst and full: Enabled says no
}

func newEarlyRing(size int) *earlyRing { return &earlyRing{recs: make([]*Record, size)} }

// push keeps r, dropping the oldest record when full (or r itself, for a
// ring that keeps the first records); it reports whether one was dropped.
func (b *earlyRing) push(r *Record) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.n < len(b.recs) {
		b.recs[(b.start+b.n)%len(b.recs)] = r
		b.n++
		if b.keepFirst && b.n == len(b.recs) {
			b.full.Store(true)
		}
		return false
	}
	if b.keepFirst {
		b.dropped++
		return true
	}
	b.recs[b.start] = r
	b.start = (b.start + 1) % len(b.recs)
	b.dropped++
	return true
}

// drain returns the kept records, oldest first, and how many were dropped.
func (b *earlyRing) drain() ([]*Record, uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]*Record, 0, b.n)
	for i := 0; i < b.n; i++ {
		out = append(out, b.recs[(b.start+i)%len(b.recs)])
	}
	d := b.dropped
	clear(b.recs)
	b.n, b.start, b.dropped = 0, 0, 0
	b.full.Store(false)
	return out, d
}
