package main

import (
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strings"
)

// A report is what instr measured: the instructions per record of each
// benchmark, once per measurement.
type report struct {
	// Header is the paragraph above the tables.
	Header string
	// Names are the benchmarks in the order they were listed.
	Names []string
	// Samples holds each benchmark's instructions per record.
	Samples map[string][]float64
}

// A place is where a benchmark's count goes in the tables: the scenario
// table (row S3, column loggerjs), the codec table (row JSON), or the
// table of other benchmarks (row: the whole name).
type place struct {
	table    tableKind
	row, col string
}

type tableKind int

const (
	scenarioTable tableKind = iota
	codecTable
	otherTable
)

var scenarioRE = regexp.MustCompile(`^S[0-9]+$`)

// placeOf places a benchmark by its name:
// BenchmarkS3/out=discard/logger=zap, BenchmarkCodecs/codec=JSON, or
// anything else.
func placeOf(name string) place {
	parts := strings.Split(strings.TrimPrefix(name, "Benchmark"), "/")
	switch {
	case len(parts) == 3 && scenarioRE.MatchString(parts[0]) && parts[1] == "out=discard" && strings.HasPrefix(parts[2], "logger="):
		return place{scenarioTable, parts[0], strings.TrimPrefix(parts[2], "logger=")}
	case len(parts) == 2 && parts[0] == "Codecs" && strings.HasPrefix(parts[1], "codec="):
		return place{codecTable, strings.TrimPrefix(parts[1], "codec="), ""}
	}
	return place{otherTable, name, ""}
}

// A ratio is a column of the scenario table that divides one cell by
// another: for a row, the numerator's and the denominator's row and
// column, or ok false where the ratio has no cell.
type ratio struct {
	title string
	of    func(row string) (numRow, numCol, denRow, denCol string, ok bool)
}

// ratios are the ratios the performance targets are stated in: loggerjs
// against the fastest slog-handler peer, phuslu-slog (with and without
// the default redaction), and a scenario against the one it adds to
// (S4's bound attrs to S2's bare record, S6's and S7's two sinks and
// middleware to S3's one sink).
var ratios = []ratio{
	{"loggerjs ÷ phuslu-slog", func(row string) (string, string, string, string, bool) {
		return row, "loggerjs", row, "phuslu-slog", true
	}},
	{"loggerjs-NoRedaction ÷ phuslu-slog", func(row string) (string, string, string, string, bool) {
		return row, "loggerjs-NoRedaction", row, "phuslu-slog", true
	}},
	{"loggerjs ÷ loggerjs in S2 (S4), S3 (S6, S7)", func(row string) (string, string, string, string, bool) {
		base, ok := map[string]string{"S4": "S2", "S6": "S3", "S7": "S3"}[row]
		return row, "loggerjs", base, "loggerjs", ok
	}},
}

// median returns the median of v, NaN if v is empty.
func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func fmtRatio(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return ""
	}
	return fmt.Sprintf("%.2f×", r)
}

// writeReport writes the header and, for the benchmarks there are, the
// scenario table (a row per scenario, a column per logger in the order
// first listed with the do-nothing handler last, then the ratio columns
// that have a value), the codec table, the table of other benchmarks,
// and, if any benchmark was measured more than once, the spread of its
// measurements.
func writeReport(w io.Writer, r report) {
	if r.Header != "" {
		fmt.Fprintf(w, "%s\n", r.Header)
	}
	cells := map[place]float64{}
	var rows [3][]string
	var cols []string
	for _, name := range r.Names {
		p := placeOf(name)
		cells[p] = median(r.Samples[name])
		if !slices.Contains(rows[p.table], p.row) {
			rows[p.table] = append(rows[p.table], p.row)
		}
		if p.table == scenarioTable && !slices.Contains(cols, p.col) {
			cols = append(cols, p.col)
		}
	}
	if i := slices.Index(cols, "floor"); i >= 0 {
		cols = append(slices.Delete(cols, i, i+1), "floor")
	}
	cell := func(row, col string) float64 {
		if v, ok := cells[place{scenarioTable, row, col}]; ok {
			return v
		}
		return math.NaN()
	}

	if len(rows[scenarioTable]) > 0 {
		ratioOf := func(rt ratio, row string) string {
			nr, nc, dr, dc, ok := rt.of(row)
			if !ok {
				return ""
			}
			return fmtRatio(cell(nr, nc) / cell(dr, dc))
		}
		var shown []ratio
		for _, rt := range ratios {
			for _, row := range rows[scenarioTable] {
				if ratioOf(rt, row) != "" {
					shown = append(shown, rt)
					break
				}
			}
		}
		fmt.Fprintf(w, "\n| scenario | %s |", strings.Join(cols, " | "))
		for _, rt := range shown {
			fmt.Fprintf(w, " %s |", rt.title)
		}
		fmt.Fprintf(w, "\n|---|%s%s\n", strings.Repeat("---:|", len(cols)), strings.Repeat("---:|", len(shown)))
		for _, row := range rows[scenarioTable] {
			fmt.Fprintf(w, "| %s |", row)
			for _, col := range cols {
				if v := cell(row, col); !math.IsNaN(v) {
					writeCell(w, thousands(v))
				} else {
					writeCell(w, "")
				}
			}
			for _, rt := range shown {
				writeCell(w, ratioOf(rt, row))
			}
			fmt.Fprintln(w)
		}
	}

	if len(rows[codecTable]) > 0 {
		json, hasJSON := cells[place{codecTable, "JSON", ""}]
		fmt.Fprint(w, "\n| codec (S3's record, loggerjs, io.Discard) | instructions per record |")
		if hasJSON {
			fmt.Fprint(w, " ÷ JSON |")
		}
		fmt.Fprint(w, "\n|---|---:|")
		if hasJSON {
			fmt.Fprint(w, "---:|")
		}
		fmt.Fprintln(w)
		for _, row := range rows[codecTable] {
			v := cells[place{codecTable, row, ""}]
			fmt.Fprintf(w, "| %s | %s |", row, thousands(v))
			if hasJSON {
				writeCell(w, fmtRatio(v/json))
			}
			fmt.Fprintln(w)
		}
	}

	if len(rows[otherTable]) > 0 {
		fmt.Fprint(w, "\n| benchmark | instructions per record |\n|---|---:|\n")
		for _, row := range rows[otherTable] {
			fmt.Fprintf(w, "| %s | %s |\n", row, thousands(cells[place{otherTable, row, ""}]))
		}
	}

	var repeated []string
	for _, name := range r.Names {
		if len(r.Samples[name]) > 1 {
			repeated = append(repeated, name)
		}
	}
	if len(repeated) > 0 {
		fmt.Fprint(w, "\n| benchmark | measurements | median | min | max | (max − min) ÷ median |\n|---|---:|---:|---:|---:|---:|\n")
		for _, name := range repeated {
			s := r.Samples[name]
			med, lo, hi := median(s), slices.Min(s), slices.Max(s)
			fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %.2f%% |\n", name, len(s),
				thousands(med), thousands(lo), thousands(hi), 100*(hi-lo)/med)
		}
	}
}

// writeCell writes a table cell after the opening "|", empty ones as " |".
func writeCell(w io.Writer, s string) {
	if s == "" {
		fmt.Fprint(w, " |")
		return
	}
	fmt.Fprintf(w, " %s |", s)
}
