package redact

import (
	"reflect"
	"strings"
	"unsafe"
)

// The walk hides credentials in net/url's URL, Userinfo and Error values
// without importing net/url: importing it would link net/url, net/netip
// and unique into every program that logs, about 100 KB, for values most
// programs never log. It recognises the types by package path and name
// and reads and writes their fields by name through reflect. Should a
// field it needs be missing (a net/url it does not know), it fails
// closed: a URL or Userinfo becomes the mask, and a URL error is redacted
// as any other error, through its text.

// netURLStruct reports whether t is the struct type net/url.<name>.
func netURLStruct(t reflect.Type, name string) bool {
	return t.Kind() == reflect.Struct && t.Name() == name && t.PkgPath() == "net/url"
}

// netURLPointer reports whether t is *net/url.<name>.
func netURLPointer(t reflect.Type, name string) bool {
	return t.Kind() == reflect.Pointer && netURLStruct(t.Elem(), name)
}

// fieldOf returns the index of the field of the struct type t that Go
// names name, if it has kind k.
func fieldOf(t reflect.Type, name string, k reflect.Kind) (int, bool) {
	for _, f := range structFields(t) {
		if f.goName == name {
			return f.index, t.Field(f.index).Type.Kind() == k
		}
	}
	return 0, false
}

// urlFields are the fields of net/url.URL that redactURL reads and writes.
type urlFields struct {
	opaque, user, rawQuery, fragment, rawFragment int
}

func urlFieldsOf(t reflect.Type) (urlFields, bool) {
	var f urlFields
	var ok [5]bool
	f.opaque, ok[0] = fieldOf(t, "Opaque", reflect.String)
	f.user, ok[1] = fieldOf(t, "User", reflect.Pointer)
	f.rawQuery, ok[2] = fieldOf(t, "RawQuery", reflect.String)
	f.fragment, ok[3] = fieldOf(t, "Fragment", reflect.String)
	f.rawFragment, ok[4] = fieldOf(t, "RawFragment", reflect.String)
	return f, ok == [5]bool{true, true, true, true, true} && netURLPointer(t.Field(f.user).Type, "Userinfo")
}

// redactURL redacts v, a net/url.URL: its userinfo hidden (the password
// when there is one, else the user name), the values of sensitive query
// and fragment parameters hidden, and the text of an opaque URL redacted.
// The result is a copy of v's type, or the mask when v's fields are not
// the ones it knows; v and false when there is nothing to hide. v must be
// readable (CanInterface).
func (r *Redactor) redactURL(v reflect.Value) (reflect.Value, bool) {
	t := v.Type()
	f, ok := urlFieldsOf(t)
	if !ok {
		return reflect.ValueOf(r.mask), true
	}
	var user reflect.Value
	if u := v.Field(f.user); !u.IsNil() {
		user, ok = r.redactUserinfo(u.Elem(), true)
		if !ok {
			return reflect.ValueOf(r.mask), true
		}
	}
	rawQuery, fragment, opaque := v.Field(f.rawQuery).String(), v.Field(f.fragment).String(), v.Field(f.opaque).String()
	q, qok := r.redactQuery(rawQuery)
	var fok bool
	if strings.IndexByte(fragment, '=') >= 0 {
		fragment, fok = r.redactQuery(fragment)
	}
	opaque, ook := r.text(opaque)
	if !user.IsValid() && !qok && !fok && !ook {
		return v, false
	}
	cp := reflect.New(t).Elem()
	cp.Set(v)
	if user.IsValid() {
		cp.Field(f.user).Set(user)
	}
	if qok {
		cp.Field(f.rawQuery).SetString(q)
	}
	if fok {
		cp.Field(f.fragment).SetString(fragment)
		cp.Field(f.rawFragment).SetString("")
	}
	if ook {
		cp.Field(f.opaque).SetString(opaque)
	}
	return cp, true
}

// redactUserinfo returns a new *net/url.Userinfo for ui, a
// net/url.Userinfo: with keepUser, ui's user name and the mask as its
// password when ui has one, as url.UserPassword(name, mask) makes it;
// else, or when ui has no password, the mask as its user name, as
// url.User(mask) makes it. It returns false when ui's fields are not the
// ones it knows.
func (r *Redactor) redactUserinfo(ui reflect.Value, keepUser bool) (reflect.Value, bool) {
	t := ui.Type()
	name, nok := fieldOf(t, "username", reflect.String)
	pass, pok := fieldOf(t, "password", reflect.String)
	set, sok := fieldOf(t, "passwordSet", reflect.Bool)
	if !nok || !pok || !sok {
		return reflect.Value{}, false
	}
	p := reflect.New(t)
	// The fields are unexported: they are written through their address
	// in the Userinfo just allocated, which nothing else holds.
	field := func(i int) reflect.Value {
		f := p.Elem().Field(i)
		return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
	}
	if keepUser && ui.Field(set).Bool() {
		field(name).SetString(ui.Field(name).String())
		field(pass).SetString(r.mask)
		field(set).SetBool(true)
	} else {
		field(name).SetString(r.mask)
	}
	return p, true
}

// urlErrorFields are the fields of net/url.Error.
type urlErrorFields struct{ op, url, err int }

func urlErrorFieldsOf(t reflect.Type) (urlErrorFields, bool) {
	var f urlErrorFields
	var ok [3]bool
	f.op, ok[0] = fieldOf(t, "Op", reflect.String)
	f.url, ok[1] = fieldOf(t, "URL", reflect.String)
	f.err, ok[2] = fieldOf(t, "Err", reflect.Interface)
	return f, ok == [3]bool{true, true, true} && t.Field(f.err).Type == errorType
}

// redactURLError returns a copy of err, a non-nil *net/url.Error whose
// fields are f, with its URL's text and the error it wraps redacted, or
// err and false when neither holds a secret.
func (w *walker) redactURLError(path []string, err error, f urlErrorFields, depth int) (error, bool) {
	e := reflect.ValueOf(err).Elem()
	inner, _ := e.Field(f.err).Interface().(error)
	u, uok := w.r.text(e.Field(f.url).String())
	inner, iok := w.redactError(path, inner, depth+1)
	if !uok && !iok {
		return err, false
	}
	p := reflect.New(e.Type())
	p.Elem().Field(f.op).SetString(e.Field(f.op).String())
	p.Elem().Field(f.url).SetString(u)
	p.Elem().Field(f.err).Set(reflect.ValueOf(&inner).Elem())
	out, _ := p.Interface().(error)
	return out, true
}

// redactQuery hides the values of sensitive parameters in a query string.
func (r *Redactor) redactQuery(q string) (string, bool) {
	if q == "" {
		return q, false
	}
	var b strings.Builder
	changed := false
	for rest := q; ; {
		part, tail, more := cutAny(rest, "&;")
		key, _, hasValue := strings.Cut(part, "=")
		if k, ok := queryUnescape(key); ok {
			key = k
		}
		if hasValue && r.secret.matchKey(key) {
			if !changed {
				b.WriteString(q[:len(q)-len(rest)])
				changed = true
			}
			b.WriteString(part[:strings.IndexByte(part, '=')+1])
			b.WriteString(r.mask)
		} else if changed {
			b.WriteString(part)
		}
		if !more {
			break
		}
		if changed {
			b.WriteByte(rest[len(part)])
		}
		rest = tail
	}
	if !changed {
		return q, false
	}
	return b.String(), true
}

func cutAny(s, seps string) (before, after string, found bool) {
	if i := strings.IndexAny(s, seps); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

// queryUnescape decodes a query component as url.QueryUnescape does: '+'
// is a space and %XX a byte. It returns false for a '%' not followed by
// two hexadecimal digits.
func queryUnescape(s string) (string, bool) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b = append(b, ' ')
		case '%':
			if i+2 >= len(s) || unhex(s[i+1]) < 0 || unhex(s[i+2]) < 0 {
				return "", false
			}
			b = append(b, byte(unhex(s[i+1])<<4|unhex(s[i+2])))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b), true
}

// unhex returns the value of the hexadecimal digit c, or -1.
func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}
