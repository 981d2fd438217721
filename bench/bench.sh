#!/bin/sh
# bench.sh runs the peer benchmarks of the bench module and the file
# benchmark, and prints a benchstat table, the ratios to
# slog.NewJSONHandler (LogAttrs) with the targets of issue 6, and the
# file benchmark's table. `make bench` at the repository root runs it.
#
# The benchmarks run COUNT times; each time, every scenario family runs
# once (-count=1) in a new shuffled order, so that slow spells of a
# shared machine spread over all loggers instead of landing on one.
#
# Settings, from the environment:
#   COUNT        runs of each benchmark (default 6)
#   BENCHTIME    -benchtime of each run (default 300ms)
#   FAMILIES     scenario families (default: S1 S2 S3 S4 S5 S6 S7 S3Parallel)
#   FILE_N       records per logger per round in filebench (default 1000000)
#   FILE_ROUNDS  filebench rounds (default 5)
#   OUT          directory for the raw output (default: out, beside this script)
set -eu
cd "$(dirname "$0")"

COUNT=${COUNT:-6}
BENCHTIME=${BENCHTIME:-300ms}
FAMILIES=${FAMILIES:-"S1 S2 S3 S4 S5 S6 S7 S3Parallel"}
FILE_N=${FILE_N:-1000000}
FILE_ROUNDS=${FILE_ROUNDS:-5}
OUT=${OUT:-out}

loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown; }

mkdir -p "$OUT"
raw="$OUT/raw.txt"
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //'), $(go version | cut -d' ' -f3-)"
echo "== load average at the start: $(loadavg)"
go test -c -o "$OUT/bench.test" .
: >"$raw"
echo "== $COUNT interleaved runs of: $FAMILIES (benchtime $BENCHTIME); raw output in bench/$raw"
i=1
while [ "$i" -le "$COUNT" ]; do
	order=$(printf '%s\n' $FAMILIES | shuf | tr '\n' ' ')
	echo "run $i/$COUNT: $order"
	for fam in $order; do
		"$OUT/bench.test" -test.run '^$' -test.bench "^Benchmark$fam\$" \
			-test.benchtime "$BENCHTIME" -test.count 1 >>"$raw"
	done
	i=$((i + 1))
done

echo "== load average after the benchmarks: $(loadavg)"
echo
echo "== benchstat"
go tool benchstat "$raw"
echo
echo "== ratios to slog.NewJSONHandler (LogAttrs), and the targets"
go run ./cmd/ratios "$raw" | tee "$OUT/ratios.md"
echo
echo "== file benchmark"
go run ./cmd/filebench -n "$FILE_N" -rounds "$FILE_ROUNDS" | tee "$OUT/filebench.md"
echo "== load average at the end: $(loadavg)"
