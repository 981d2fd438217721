package codecs

import (
	"strings"
	"sync/atomic"
)

// keyCache holds the encoded form of keys a codec has written before, so
// that the keys a program logs again and again (most of them) skip the
// scan for bytes to escape. A slot is filled once, by the first key that
// hashes to it and needs no escaping, and never replaced: a codec
// allocates at most len(keyCache) entries in its life, however many
// different keys it sees; the others take the ordinary path.
type keyCache [64]atomic.Pointer[cachedKey]

type cachedKey struct {
	key     string
	encoded string // the key as the codec writes it, e.g. `"key":`
}

// maxCachedKey bounds the length of a cached key.
const maxCachedKey = 32

// slot returns the slot of k, which is not empty.
func (c *keyCache) slot(k string) *atomic.Pointer[cachedKey] {
	h := uint(len(k))*31 + uint(k[0])*7 + uint(k[len(k)-1])
	return &c[h%uint(len(c))]
}

// lookup returns the encoded form of k, or "" if k is not cached.
func (c *keyCache) lookup(k string) string {
	if len(k) == 0 || len(k) > maxCachedKey {
		return ""
	}
	if e := c.slot(k).Load(); e != nil && e.key == k {
		return e.encoded
	}
	return ""
}

// add caches k and encoded, both copied (k may be built over memory its
// caller reuses), if k's slot is free; when it is taken, add neither
// copies nor allocates.
func (c *keyCache) add(k string, encoded []byte) {
	if len(k) == 0 || len(k) > maxCachedKey {
		return
	}
	s := c.slot(k)
	if s.Load() == nil {
		s.CompareAndSwap(nil, &cachedKey{key: strings.Clone(k), encoded: string(encoded)})
	}
}
