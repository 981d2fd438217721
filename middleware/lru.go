package middleware

// lru is a map bounded to max entries that evicts the least recently
// used one. It is not safe for concurrent use; its owner locks it.
type lru[K comparable, V any] struct {
	m          map[K]*lruEntry[K, V]
	head, tail *lruEntry[K, V] // head is the most recently used
	max        int
}

type lruEntry[K comparable, V any] struct {
	key        K
	val        V
	prev, next *lruEntry[K, V]
}

func newLRU[K comparable, V any](max int) *lru[K, V] {
	return &lru[K, V]{m: make(map[K]*lruEntry[K, V]), max: max}
}

// get returns the entry for k, marking it used.
func (l *lru[K, V]) get(k K) (*lruEntry[K, V], bool) {
	e, ok := l.m[k]
	if ok && e != l.head {
		l.unlink(e)
		l.pushFront(e)
	}
	return e, ok
}

// add inserts a new entry for k, which must not be present, and returns
// the entry it evicted to make room, if any.
func (l *lru[K, V]) add(k K, v V) (added, evicted *lruEntry[K, V]) {
	if len(l.m) >= l.max && l.tail != nil {
		evicted = l.tail
		l.unlink(evicted)
		delete(l.m, evicted.key)
	}
	e := &lruEntry[K, V]{key: k, val: v}
	l.m[k] = e
	l.pushFront(e)
	return e, evicted
}

func (l *lru[K, V]) len() int { return len(l.m) }

// oldest returns the least recently used entry, or nil.
func (l *lru[K, V]) oldest() *lruEntry[K, V] { return l.tail }

// remove deletes e, which must be in l.
func (l *lru[K, V]) remove(e *lruEntry[K, V]) {
	l.unlink(e)
	delete(l.m, e.key)
}

// touch marks e, which must be in l, as the most recently used.
func (l *lru[K, V]) touch(e *lruEntry[K, V]) {
	if e != l.head {
		l.unlink(e)
		l.pushFront(e)
	}
}

// each calls f on every entry, most recent first.
func (l *lru[K, V]) each(f func(*lruEntry[K, V])) {
	for e := l.head; e != nil; e = e.next {
		f(e)
	}
}

func (l *lru[K, V]) unlink(e *lruEntry[K, V]) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		l.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		l.tail = e.prev
	}
	e.prev, e.next = nil, nil
}

func (l *lru[K, V]) pushFront(e *lruEntry[K, V]) {
	e.next = l.head
	if l.head != nil {
		l.head.prev = e
	}
	l.head = e
	if l.tail == nil {
		l.tail = e
	}
}
