package loggerjs

import (
	"errors"
	"log/slog"
	"reflect"
	"testing"
	"time"
)

// TestFreeClearsRecord fills every field of a pooled record, frees it and
// checks that nothing but its emptied attr slices survives: a field added
// to Record and not reset in free would carry one record's data into the
// next.
func TestFreeClearsRecord(t *testing.T) {
	for _, n := range []int{3, 8, 20} {
		r := getRecord()
		rv := reflect.ValueOf(r).Elem()
		r.Time, r.Level, r.PC, r.Category, r.Scope, r.Source, r.Seq = time.Now(), 4, 1, []string{"a"}, new(Scope), "s", 9
		r.Err, r.msg, r.lazy, r.lazyMsg, r.lazyRan, r.catName = errors.New("e"), "m", func() string { return "" }, "l", true, "a"
		r.shared, r.rootShared, r.eng, r.textRd, r.textRdSet = false, false, &engine{}, nil, true
		for i := range n {
			r.attrs = append(r.attrs, slog.Int("k", i))
			r.root = append(r.root, slog.String("r", "v"))
		}
		// Every field is set (textRd is an interface left nil on purpose).
		for i := range rv.NumField() {
			f := rv.Type().Field(i)
			if f.Name != "textRd" && f.Name != "shared" && f.Name != "rootShared" && rv.Field(i).IsZero() {
				t.Fatalf("test does not set Record.%s: set it, and reset it in free", f.Name)
			}
		}
		r.free()
		for i := range rv.NumField() {
			f := rv.Type().Field(i)
			switch f.Name {
			case "attrs", "root":
				s := rv.Field(i)
				if s.Len() != 0 {
					t.Errorf("n=%d: %s has %d elements after free", n, f.Name, s.Len())
				}
				for j := range s.Cap() {
					if !s.Slice(0, s.Cap()).Index(j).IsZero() {
						t.Errorf("n=%d: %s[%d] not cleared", n, f.Name, j)
					}
				}
			case "inline":
				if !rv.Field(i).IsZero() {
					t.Errorf("n=%d: inline holds stale attrs", n)
				}
			default:
				if !rv.Field(i).IsZero() {
					t.Errorf("n=%d: Record.%s = %v after free", n, f.Name, rv.Field(i))
				}
			}
		}
	}
}
