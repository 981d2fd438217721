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
type keyCache [128]atomic.Pointer[cachedKey]

type cachedKey struct {
	key     string
	encoded string // the key as the codec writes it, e.g. `"key":`
}

// maxCachedKey bounds the length of a cached key.
const maxCachedKey = 32

// slot returns the slot of k, which is not empty.
func (c *keyCache) slot(k string) *atomic.Pointer[cachedKey] {
	h := uint64(len(k)) | uint64(k[0])<<8 | uint64(k[len(k)/2])<<16 | uint64(k[len(k)-1])<<24
	return &c[(h*0x9E3779B97F4A7C15)>>57] // the top 7 bits: 128 slots
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

// vacant reports whether k could be cached: its slot is free.
func (c *keyCache) vacant(k string) bool {
	return len(k) > 0 && len(k) <= maxCachedKey && c.slot(k).Load() == nil
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
