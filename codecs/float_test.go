package codecs

import (
	"bytes"
	"encoding/json"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"testing"
)

// checkJSONFloat fails t unless appendJSONFloat writes f as the reference
// does, appending to what dst held. It reports whether the fast path
// wrote it.
func checkJSONFloat(t *testing.T, f float64) (fast bool) {
	t.Helper()
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return false
	}
	got := appendJSONFloat([]byte("x:"), f)
	want := appendJSONFloatStrconv([]byte("x:"), f)
	if !bytes.Equal(got, want) {
		t.Fatalf("%v (bits %#016x): appendJSONFloat wrote %s, want %s", f, math.Float64bits(f), got, want)
	}
	short, ok := appendShortFloat([]byte("x:"), f)
	if ok && !bytes.Equal(short, want) {
		t.Fatalf("%v (bits %#016x): appendShortFloat wrote %s, want %s", f, math.Float64bits(f), short, want)
	}
	if !ok && string(short) != "x:" {
		t.Fatalf("%v: appendShortFloat declined but appended %q", f, short)
	}
	return ok
}

// humanFloat returns the float64 nearest mant*10^-scale, negated if neg,
// as strconv.ParseFloat reads the decimal. scale may be negative.
func humanFloat(mant uint64, scale int, neg bool) float64 {
	s := strconv.FormatUint(mant, 10) + "e" + strconv.Itoa(-scale)
	if neg {
		s = "-" + s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		panic(err)
	}
	return f
}

// sigDigits is the number of significant digits of mant.
func sigDigits(mant uint64) int {
	for mant != 0 && mant%10 == 0 {
		mant /= 10
	}
	return len(strconv.FormatUint(mant, 10))
}

// TestAppendJSONFloat compares appendJSONFloat, fast path and all, with
// the strconv reference over boundaries, neighbours of powers of two and
// ten, random bit patterns, random decimals of every length and their
// neighbours, integers and dyadic fractions; every 16th value also with
// encoding/json itself. Decimals of up to 15 significant digits in the
// fast path's range must take it.
func TestAppendJSONFloat(t *testing.T) {
	n := 100000
	if testing.Short() {
		n = 10000
	}
	checked := 0
	check := func(f float64) bool {
		fast := checkJSONFloat(t, f)
		fast2 := checkJSONFloat(t, -f)
		if fast != fast2 {
			t.Fatalf("%v: fast path %v, for its negation %v", f, fast, fast2)
		}
		if checked++; checked%16 == 0 && !math.IsNaN(f) && !math.IsInf(f, 0) {
			j, err := json.Marshal(f)
			if err != nil {
				t.Fatal(err)
			}
			if got := appendJSONFloat(nil, f); !bytes.Equal(got, j) {
				t.Fatalf("%v: appendJSONFloat wrote %s, encoding/json %s", f, got, j)
			}
		}
		return fast
	}
	neighbours := func(f float64) {
		up, down := f, f
		for range 3 {
			up, down = math.Nextafter(up, math.Inf(1)), math.Nextafter(down, math.Inf(-1))
			check(up)
			check(down)
		}
	}

	// Boundaries and familiar values.
	for _, f := range []float64{
		0, 1e-6, 1e21, 1 << 50, 1<<50 - 1, 1<<50 - 0.5, 1<<50 - 0.25, 1 << 53, 1<<53 - 1, 1<<53 + 2,
		1 << 49, 1<<49 + 0.5, math.MaxFloat64, math.SmallestNonzeroFloat64, 0x1p-1022, 0x1p-1023,
		0.1, 0.2, 0.3, 0.1 + 0.2, 3.14159, 3.25, 0.75, 1, 10, 100, 1.5, 1e15, 1e16, 1e17, 123456789012345,
		999999999999999, 99999999999999.9, 0.999999999999999, 9.99999999999999, 1.00000000000001,
		1.0 / 3, 2.0 / 3, math.Pi, math.E, math.Sqrt2, 1e-5, 1.5e-6, 9.99999e-7, 1e-7, 5e-324,
		0.000001, 0.0000011, 0.00000100000000000001, 1125899906842623.5, 1125899906842623.75,
		562949953421311.9, 4503599627370495.5, 12345678.9, 1234567.891, 0.5, 0.25, 0.125, 1e-3, 33.333,
	} {
		check(f)
		neighbours(f)
	}
	if !checkJSONFloat(t, math.Copysign(0, -1)) {
		t.Error("negative zero did not take the fast path")
	}
	if got := string(appendJSONFloat(nil, math.Copysign(0, -1))); got != "-0" {
		t.Errorf("negative zero: %s", got)
	}
	for e := -1075; e <= 1024; e++ {
		f := math.Ldexp(1, e)
		check(f)
		neighbours(f)
	}
	for k := -330; k <= 310; k++ {
		f, _ := strconv.ParseFloat("1e"+strconv.Itoa(k), 64)
		check(f)
		neighbours(f)
		for _, m := range []string{"5", "9", "15", "25", "123456789012345", "999999999999999", "1125899906842623", "1125899906842624"} {
			f, _ := strconv.ParseFloat(m+"e"+strconv.Itoa(k), 64)
			check(f)
			neighbours(f)
		}
	}
	// Subnormals.
	for b := range uint64(1000) {
		check(math.Float64frombits(b))
		check(math.Float64frombits(1<<52 - 1 - b))
	}

	rng := rand.New(rand.NewPCG(11, 12))
	pow10 := [18]uint64{1}
	for i := 1; i < len(pow10); i++ {
		pow10[i] = pow10[i-1] * 10
	}
	fastDecimals := 0
	for range n {
		// Any bit pattern.
		check(math.Float64frombits(rng.Uint64()))
		// Any bit pattern with an exponent near the fast path's range.
		exp := uint64(1023 + rng.IntN(80) - 25)
		check(math.Float64frombits(exp<<52 | rng.Uint64()&(1<<52-1)))

		// A decimal of 1 to 17 significant digits, from 1e-25 to 1e22.
		digits := 1 + rng.IntN(17)
		mant := pow10[digits-1] + rng.Uint64N(pow10[digits]-pow10[digits-1])
		if rng.IntN(4) == 0 {
			mant = mant / pow10[digits-1] * pow10[digits-1] // one digit
		}
		scale := rng.IntN(42) - 5
		f := humanFloat(mant, scale, false)
		fast := check(f)
		if a := math.Abs(f); a >= 1e-6 && a < 1<<50 && sigDigits(mant) <= 15 {
			if !fast {
				t.Fatalf("%de-%d (%v) has %d significant digits and missed the fast path", mant, scale, f, sigDigits(mant))
			}
			fastDecimals++
		}
		neighbours(f)

		// Integers, and dyadic fractions: halves, quarters, ...
		i := rng.Uint64N(1 << 56)
		check(float64(i))
		check(float64(i>>rng.IntN(56)) / float64(uint64(1)<<rng.IntN(40)))
		check(float64(i>>20) + 0.5)

		// Decimals of d fractional digits near the fast path's 2^50 bound.
		d := rng.IntN(22)
		check(humanFloat(1<<50-rng.Uint64N(1000), d, false))
		check(humanFloat(1<<50+rng.Uint64N(1000), d, false))
	}
	t.Logf("%d values checked; %d random decimals took the fast path", checked, fastDecimals)
	if fastDecimals < n/4 {
		t.Errorf("only %d of %d random decimals took the fast path", fastDecimals, n)
	}
}

// TestFracDigitsByExp checks the table against exact arithmetic: for each
// exponent e, 10^d * 2^(e+1) <= 2^50 < 10^(d+1) * 2^(e+1).
func TestFracDigitsByExp(t *testing.T) {
	limit := new(big.Int).Lsh(big.NewInt(1), 50)
	for i, d := range fracDigitsByExp {
		e := i + minShortExp
		at := func(d int64) *big.Int {
			x := new(big.Int).Exp(big.NewInt(10), big.NewInt(d), nil)
			return x.Lsh(x, uint(e+1+64)) // scaled by 2^64 to keep e+1 >= 0
		}
		scaled := new(big.Int).Lsh(limit, 64)
		if at(int64(d)).Cmp(scaled) > 0 || at(int64(d)+1).Cmp(scaled) <= 0 {
			t.Errorf("e=%d: d=%d", e, d)
		}
		if exactPow10[d+1] != math.Pow(10, float64(d+1)) {
			t.Errorf("10^%d is not exact", d+1)
		}
	}
	if e := math.Ilogb(1e-6); e != minShortExp {
		t.Errorf("the binary exponent of 1e-6 is %d, not minShortExp", e)
	}
}

// FuzzJSONFloat compares appendJSONFloat with the strconv reference for a
// fuzzed float64, a fuzzed decimal mant*10^-scale and their neighbours.
func FuzzJSONFloat(f *testing.F) {
	f.Add(3.14159, uint64(314159), uint8(5), false)
	f.Add(0.1, uint64(1), uint8(1), true)
	f.Add(1e21, uint64(1125899906842623), uint8(21), false)
	f.Add(math.Copysign(0, -1), uint64(0), uint8(0), true)
	f.Add(5e-324, uint64(99999999999999999), uint8(30), false)
	f.Fuzz(func(t *testing.T, x float64, mant uint64, scale uint8, neg bool) {
		for _, v := range []float64{x, humanFloat(mant, int(scale%40), neg)} {
			checkJSONFloat(t, v)
			checkJSONFloat(t, math.Nextafter(v, math.Inf(1)))
			checkJSONFloat(t, math.Nextafter(v, math.Inf(-1)))
		}
	})
}

// BenchmarkAppendJSONFloat times appendJSONFloat and the strconv reference
// on values the fast path writes and on one it leaves to strconv (2/3,
// which needs 16 digits).
func BenchmarkAppendJSONFloat(b *testing.B) {
	for _, f := range []float64{3.14159, 0.75, 1234.5, 0.001, 12345678.901, 2.0 / 3} {
		name := strconv.FormatFloat(f, 'g', 4, 64)
		buf := make([]byte, 0, 32)
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				buf = appendJSONFloat(buf[:0], f)
			}
		})
		b.Run(name+"/strconv", func(b *testing.B) {
			for b.Loop() {
				buf = appendJSONFloatStrconv(buf[:0], f)
			}
		})
	}
}
