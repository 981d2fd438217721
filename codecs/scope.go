package codecs

import "github.com/loggerjs/loggerjs"

// cachedScope returns the form of sc that build derives, built once per
// scope and kept in sc's cache under key (the codec); the nil scope has
// the form empty. Every codec encodes bound attrs this way, once per
// logger rather than once per record.
func cachedScope[T any](key any, sc *loggerjs.Scope, empty *T, build func(*loggerjs.Scope) any) *T {
	if sc == nil {
		return empty
	}
	return sc.Cache(key, build).(*T)
}
