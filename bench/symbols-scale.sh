#!/bin/sh
# symbols-scale.sh: how long detprof takes to name the functions of a
# program with very many of them in one compile unit, next to addr2line
# naming the same functions in one batch.
#
# Usage: bench/symbols-scale.sh BUILDDIR [N_FUNCTIONS]
#        (or `make bench-symbols`)
#
# The program (default: 100,000 functions, each called once) is written
# by bench/make-many-functions.sh and compiled with $CC (default cc)
# once, into BUILDDIR/bench/, and again only when the generator changes.
# It is built without optimisation: GCC's time to compile 100,000
# functions at -O2 grows faster than their number, and the debug
# information that matters here (one unit, one DW_TAG_subprogram per
# function) has the same shape either way.
#
# detprof runs it with -b 0 (no calibration) and -o, so that what is
# timed is running the program, resolving every function and every call
# site, and building and writing the statistics. addr2line -f -e PROGRAM
# reads the entry addresses of the same functions, all of them, on its
# standard input. Each side's best wall time of SYMBOLS_BENCH_RUNS runs
# (default 3) counts, and a run longer than SYMBOLS_BENCH_TIMEOUT seconds
# (default 600) is stopped. The target: detprof within twice addr2line's
# time. Both must name every function with the same file and line.
#
# For the share of that time that naming takes, bench/symbols-resolve
# times the symbolizer alone, naming each function and a call site in
# each, in a shared library linked from the same object as the program.
#
# Before detprof-symbols.c found functions in a sorted table of each unit
# (it walked the whole unit for each function, and read the whole symbol
# table for each function's ELF symbol), this script measured, on two
# shared and busy cores (one unit, -O0, gcc 12, elfutils 0.188):
#
#   functions   detprof    addr2line      after: detprof   naming alone
#       2,500     0.81 s      0.01 s               0.08 s       0.01 s
#      10,000     11.8 s      0.04 s               0.22 s       0.03 s
#      30,000      137 s      0.15 s               0.42 s       0.08 s
#     100,000     1190 s      0.29 s               1.64 s       0.27 s
#
# Naming now takes about as long as addr2line. The rest was building and
# writing the statistics: 0.8 s of the 1.64 s went to a tree of marshal
# values made for the dump and freed after. Written straight from the
# table, each key and file name once and then by reference, the dump of
# 100,000 functions takes 0.05 s and 14 MB (it was 41 MB), and the whole
# run 0.55-0.65 s against addr2line's 0.28-0.32 s (two busy cores).
#
# The error bounds and the calling-context paths, kept by default since,
# brought the run to 0.67-0.79 s (2.4-2.8 times addr2line). Then the
# statistics stopped copying every name twice and looking each function's
# row up in a hash table, the profiler's records came from blocks instead
# of one allocation each, the symbolizer read each DIE once, and the dump
# went straight into its file instead of through a 28 MB buffer: 0.43-0.55 s
# against addr2line's 0.27-0.30 s, 1.56-1.84 times (two cores, another
# program calibrating on them).

set -u

builddir=${1:?usage: symbols-scale.sh BUILDDIR [N_FUNCTIONS]}
n=${2:-100000}
runs=${SYMBOLS_BENCH_RUNS:-3}
limit=${SYMBOLS_BENCH_TIMEOUT:-600}
cc=${CC:-cc}
here=$(cd "$(dirname "$0")" && pwd)
detprof="$builddir/src/detprof"
generator="$here/make-many-functions.sh"

[ -x "$detprof" ] || { echo "symbols-scale.sh: $detprof is not built (run make)" >&2; exit 1; }
command -v addr2line > /dev/null || { echo "symbols-scale.sh: addr2line (binutils) is not installed" >&2; exit 1; }
command -v nm > /dev/null || { echo "symbols-scale.sh: nm (binutils) is not installed" >&2; exit 1; }

mkdir -p "$builddir/bench"
source="$builddir/bench/many-functions-$n.c"
object="$builddir/bench/many-functions-$n.o"
program="$builddir/bench/many-functions-$n"
library="$builddir/bench/many-functions-$n.so"
if [ ! -x "$program" ] || [ ! -f "$library" ] || [ "$generator" -nt "$program" ]; then
  echo "Compiling $program ($n functions in one unit; a few minutes for 100,000)..."
  sh "$generator" "$n" > "$source.tmp" && mv "$source.tmp" "$source" || exit 1
  $cc -g -O0 -fPIC -finstrument-functions -DMANY_FUNCTIONS_MAIN -c -o "$object" "$source" || exit 1
  $cc -shared -o "$library" "$object" || exit 1
  $cc -o "$program.tmp" "$object" && mv "$program.tmp" "$program" || exit 1
  rm -f "$object"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/symbols-scale.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM

# The entry addresses of f0 ... f<n-1>, as the file's symbols give them.
nm "$program" | awk '$3 ~ /^f[0-9]+$/ { print "0x" $1 }' > "$work/addresses"
found=$(wc -l < "$work/addresses")
[ "$found" -eq "$n" ] || { echo "symbols-scale.sh: $found functions in $program, not $n" >&2; exit 1; }

now () { date +%s%N; }
seconds () { awk "BEGIN { printf \"%.2f\", $1 / 1e9 }"; }

# best CMD...: runs CMD $runs times, its output in $work/out; prints the
# smallest wall time in nanoseconds, or "timeout".
best () {
  b=
  i=0
  while [ $i -lt "$runs" ]; do
    start=$(now)
    timeout "$limit" "$@" > "$work/out" 2> "$work/err" < "$work/in"
    status=$?
    end=$(now)
    [ $status -eq 124 ] && { echo timeout; return; }
    [ $status -eq 0 ] || { echo "symbols-scale.sh: $* failed:" >&2; cat "$work/err" >&2; exit 1; }
    t=$((end - start))
    if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
    i=$((i + 1))
  done
  echo "$b"
}

echo "$n functions in one compile unit, each called once, from $n call sites"

: > "$work/in"
ours=$(best "$detprof" -b 0 -o "$work/out.prof" "$program")
[ -n "$ours" ] || exit 1
[ "$ours" = timeout ] && { echo "detprof: stopped after $limit s"; echo "verdict: OVER target"; exit 0; }
printf '  %-46s %8s s\n' "detprof -b 0 -o FILE PROGRAM" "$(seconds "$ours")"

# The symbolizer alone, best of $runs too.
naming=
i=0
while [ $i -lt "$runs" ]; do
  "$builddir/bench/symbols-resolve" "$library" > "$work/resolve" || exit 1
  read -r t total named < "$work/resolve"
  if [ -z "$naming" ] || awk "BEGIN { exit !($t < $naming) }"; then naming=$t; fi
  i=$((i + 1))
done
printf '  %-46s %8.2f s  (%s of %s named fK)\n' "naming alone, the same as a library" "$naming" "$named" "$total"

cp "$work/addresses" "$work/in"
theirs=$(best addr2line -f -e "$program")
[ -n "$theirs" ] || exit 1
[ "$theirs" = timeout ] && { echo "addr2line: stopped after $limit s"; exit 1; }
printf '  %-46s %8s s\n' "addr2line -f -e PROGRAM < $n addresses" "$(seconds "$theirs")"

# The same names and lines from both: addr2line's "fK\nFILE:LINE" pairs
# against detprof-stats' "FILE:LINE(fK)" rows.
awk 'NR % 2 == 1 { name = $0; next } { print $0 "(" name ")" }' "$work/out" | sort > "$work/theirs"
"$builddir/src/detprof-stats" -s nfl "$work/out.prof" \
  | awk '$NF ~ /\(f[0-9]+\)$/ { print $NF }' | sort > "$work/ours"
agree=$(comm -12 "$work/ours" "$work/theirs" | wc -l)
echo "  functions named alike by both: $agree of $n"

echo "  naming alone / addr2line: $(awk "BEGIN { printf \"%.2f\", $naming * 1e9 / $theirs }")"
echo "  detprof / addr2line: $(awk "BEGIN { printf \"%.2f\", $ours / $theirs }") (target: at most 2)"
if [ "$agree" -eq "$n" ] && awk "BEGIN { exit !($ours <= 2 * $theirs) }"; then
  echo "verdict: within target"
else
  echo "verdict: OVER target"
fi
