#!/bin/sh
# demo.sh BUILDDIR: the classroom demonstrations of profiler error.
#
# Six demos. Each profiles a small instrumented workload (examples/demos)
# uncorrected (-b 0) and corrected (-b auto), next to the truth measured
# without a profiler (demos-plain --truth), and says why they differ.
# doc/teaching-demos.md says how to use them in class; tests/test-demos.c
# checks each claim exactly, on a virtual clock. The numbers here are
# real, so they move from run to run, and a busy machine blurs them.
#
# Demo 6 also draws a plot when GNUPLOT names gnuplot (by default, what
# configure found).
set -eu
top=$1
detprof="$top/src/detprof"
demos="$top/examples/demos/demos"
plain="$top/examples/demos/demos-plain"
numbers="$top/examples/demos/demo-numbers"
spread="$top/examples/demos/calibration-spread"
: "${GNUPLOT=$(sed -n 's/^GNUPLOT = //p' "$top/Makefile" 2>/dev/null)}"

work=$(mktemp -d "${TMPDIR:-/tmp}/detprof-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

say () { printf '\n== %s\n\n' "$*"; }

# profile NAME "DETPROF-OPTIONS" DEMO [ARGS]: profiles "demos DEMO ARGS"
# three times and keeps the numbers (see demo-numbers.c) in $work/NAME,
# the least of the three for each function: noise only ever adds time,
# and the truth is the best of its runs too.
profile ()
{
  name=$1 options=$2
  shift 2
  for run in 1 2 3; do
    # The options are split on purpose.
    # shellcheck disable=SC2086
    "$detprof" $options -o "$work/$name.prof" "$demos" "$@" >/dev/null
    "$numbers" "$work/$name.prof" >"$work/$name.$run"
  done
  awk 'NF == 2 && !($1 in info) { info[$1] = $2; print; next }
       NF == 4 && !($1 in tt) { order[++n] = $1; nc[$1] = $2; tt[$1] = $3; ct[$1] = $4; next }
       NF == 4 { if ($3 < tt[$1]) tt[$1] = $3; if ($4 < ct[$1]) ct[$1] = $4 }
       END { for (i = 1; i <= n; i++) print order[i], nc[order[i]], tt[order[i]], ct[order[i]] }' \
    "$work/$name.1" "$work/$name.2" "$work/$name.3" >"$work/$name"
}

# get FILE NAME COLUMN: a column of NAME's line. Profiles: 2 calls,
# 3 tottime, 4 cumtime; truths: 2 calls, 3 wall, 4 CPU (nanoseconds).
get () { awk -v name="$2" -v column="$3" '$1 == name { print $column; exit }' "$1"; }

# t NS: a time in a readable unit.
t ()
{
  awk -v ns="$1" 'BEGIN {
    a = ns < 0 ? -ns : ns
    if (a >= 1e6) printf "%.2f ms", ns / 1e6
    else if (a >= 1e3) printf "%.1f us", ns / 1e3
    else printf "%.1f ns", ns }'
}

# x VALUE TRUTH: how many times the truth.
x () { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "x%.2f", a / b }'; }

# compare FUNCTION COLUMN TRUTH-FILE TRUTH-COLUMN PROFILE...: one line of
# a table: the calls, the truth, and what each profile says.
compare ()
{
  fn=$1 column=$2 truth=$3 truth_column=$4
  shift 4
  real=$(get "$truth" "$fn" "$truth_column")
  printf '  %-14s %8s %11s' "$fn" "$(get "$truth" "$fn" 2)" "$(t "$real")"
  for p in "$@"; do
    value=$(get "$work/$p" "$fn" "$column")
    printf ' %11s %-6s' "$(t "$value")" "$(x "$value" "$real")"
  done
  printf '\n'
}

cat <<TEXT
Six ways a deterministic profiler's numbers differ from the truth.
Each demo compares the profile of a small program (examples/demos) with
the same functions timed without a profiler. Real timings: run it again,
or read the exact versions in tests/test-demos.c.
TEXT

# ---------------------------------------------------------------------------
say "1. Accumulated overhead: a million tiny calls against ten big ones"

"$plain" --truth overhead >"$work/truth1"
profile overhead-0 "-b 0" overhead
profile overhead-auto "-b auto" overhead
bias_ns=$(awk '$1 == "bias" { printf "%.2f", $2 * 1e9 }' "$work/overhead-auto")

cat <<'TEXT'
tiny () does almost nothing and is called 1,000,000 times; big () does a
lot and is called 10 times (overhead.c). Every call and every return also
costs the profiler some time of its own, which it charges to the
function that is running: tiny () pays it a million times, big () ten.
Internal time (tottime) of each, and how many times the truth:

TEXT
printf '  %-14s %8s %11s %18s %18s\n' function calls truth "-b 0" "-b auto"
compare tiny 3 "$work/truth1" 3 overhead-0 overhead-auto
compare big 3 "$work/truth1" 3 overhead-0 overhead-auto
cat <<TEXT

Uncorrected, tiny () looks several times dearer than it is, and dearer
than big (): sorted by tottime, the profile sends you to the wrong
function. -b auto takes off the calibrated cost of each event ($bias_ns ns
here, on average), and the order is right again. Question: where did
the time of the loop in overhead_run () go?
TEXT

# ---------------------------------------------------------------------------
say "2. Timer resolution: short calls, and a clock that ticks every few ms"

"$plain" --truth resolution 1000 >"$work/truth2"
truth_per_call=$(awk '$1 == "short_task" { print $3 / $2 }' "$work/truth2")
read -r _ tick zero one more <<EOF
$(grep '^coarse-ticks' "$work/truth2")
EOF
for n in 10 100 1000 10000; do
  profile "coarse-$n" "-t coarse -b 0" resolution "$n"
  profile "fine-$n" "-b 0" resolution "$n"
done
fine=$(awk '$1 == "timer" { print $2 }' "$work/fine-10")

cat <<TEXT
short_task () takes $(t "$truth_per_call") (resolution.c). detprof's coarse timer,
CLOCK_MONOTONIC_COARSE, ticks every $(t "$tick"). Timed with that clock,
$zero of 1000 calls measured 0, $one measured one tick, $more more. Each
profile's mean per call (tottime / calls), against the truth:

TEXT
printf '  %8s %11s %18s %18s\n' calls truth "coarse, -b 0" "$fine, -b 0"
for n in 10 100 1000 10000; do
  coarse_mean=$(awk -v n="$n" '$1 == "short_task" { print $3 / n }' "$work/coarse-$n")
  fine_mean=$(awk -v n="$n" '$1 == "short_task" { print $3 / n }' "$work/fine-$n")
  printf '  %8s %11s %11s %-6s %11s %-6s\n' "$n" "$(t "$truth_per_call")" \
    "$(t "$coarse_mean")" "$(x "$coarse_mean" "$truth_per_call")" \
    "$(t "$fine_mean")" "$(x "$fine_mean" "$truth_per_call")"
done
cat <<TEXT

The ticks a run straddles add up to the time that passed, give or take
one at either end: the coarse mean is off by up to a tick over the calls.
It converges, but only once the calls add up to many ticks: thousands of
calls here. Both are uncorrected: the bias, nanoseconds per event, is
nothing next to a call of $(t "$truth_per_call") (and calibrating a clock this coarse
takes half a minute).
TEXT

# ---------------------------------------------------------------------------
say "3. A bias too large: three times the calibrated cost"

too_large=$(awk '$1 == "bias" { printf "%.3g", 3 * $2 }' "$work/overhead-auto")
cat <<TEXT
Demo 1 again, with -b $too_large (seconds per event) instead of -b auto:

TEXT
"$detprof" -b "$too_large" -s tottime --report-file "$work/too-large.txt" "$demos" overhead
cat "$work/too-large.txt"
negative=$(awk '$2 ~ /^-/ { name = $NF; sub(/.*\(/, "", name); sub(/\)$/, "", name)
                            printf "%s%s ()", sep, name; sep = ", " }' "$work/too-large.txt")
cat <<TEXT
Negative tottime: ${negative:-none this time}.

Each event now takes off more than it cost. tiny () and the loop in
overhead_run () make the most events, and come out negative, as does the
total. detprof prints the times as computed, and names them in a warning
after the table: a negative time is the sign of a bias too large. A bias that is too small leaves
a little overhead in every function, an error of known sign that grows
with the calls; one that is too large can turn any short function
negative. The real cost varies from event to event (caches, branches,
interrupts) and never falls below its minimum, so detprof-calibrate
stores the lowest of its measurements: the safe side.
TEXT

# ---------------------------------------------------------------------------
say "4. Uninstrumented code looks free: one loop, in a library and in ours"

"$plain" --truth library >"$work/truth4"
profile library-0 "-b 0" library
profile library-auto "-b auto" library

cat <<'TEXT'
by_hand () sums 100,000 squares, calling square () in our own code;
with_library () calls vecmath_sum_of_squares (), the same loop in a
library built without -finstrument-functions, as libc and libm are
(library.c, vecmath.c). Cumulative time (cumtime) of each:

TEXT
printf '  %-14s %8s %11s %18s %18s\n' function calls truth "-b 0" "-b auto"
compare by_hand 4 "$work/truth4" 3 library-0 library-auto
compare with_library 4 "$work/truth4" 3 library-0 library-auto
cat <<TEXT

The profile has no line for the library, which makes no events: its
time is with_library ()'s own time (tottime $(t "$(get "$work/library-0" with_library 3)"), cumtime $(t "$(get "$work/library-0" with_library 4)")),
and it pays no overhead, while square () pays for two events per call.
Uncorrected, the same work looks several times cheaper in a library than
in our code. Corrected, by_hand () comes close, often a little under: the
bias was measured on empty functions, and here the processor runs part
of the profiler's work alongside the loop's (see demo 6). Which function
would you optimise from the -b 0 profile?
TEXT

# ---------------------------------------------------------------------------
say "5. CPU time against wall-clock time: a function that waits"

"$plain" --truth waiting >"$work/truth5"
profile cpu-0 "-t cpu -b 0" waiting
profile cpu-auto "-t cpu -b auto" waiting
profile wall-0 "-t wall -b 0" waiting
profile wall-auto "-t wall -b auto" waiting

cat <<'TEXT'
compute () keeps the CPU busy for a few milliseconds; wait_for_disk ()
sleeps as long (waiting.c). Each is called 5 times. Internal time:

TEXT
printf '  %-14s %10s %10s %10s %10s %10s %10s\n' "" "truth:" "" "-t cpu" "" "-t wall" ""
printf '  %-14s %10s %10s %10s %10s %10s %10s\n' function wall cpu "-b 0" "-b auto" "-b 0" "-b auto"
for fn in compute wait_for_disk; do
  printf '  %-14s %10s %10s %10s %10s %10s %10s\n' "$fn" \
    "$(t "$(get "$work/truth5" $fn 3)")" "$(t "$(get "$work/truth5" $fn 4)")" \
    "$(t "$(get "$work/cpu-0" $fn 3)")" "$(t "$(get "$work/cpu-auto" $fn 3)")" \
    "$(t "$(get "$work/wall-0" $fn 3)")" "$(t "$(get "$work/wall-auto" $fn 3)")"
done
cat <<'TEXT'

A CPU-time clock (cpu, thread-cpu, rusage, times) stops while the
process sleeps: wait_for_disk () looks free. A wall clock (tsc, wall,
coarse) charges the wait, which is what the user waited. Neither is
wrong; they answer different questions. The bias hardly matters here:
20 events against 40 ms.
TEXT

# ---------------------------------------------------------------------------
say "6. Calibration spread: profile.py's calibrate(n), for growing n"

cat <<'TEXT'
profile.py's calibrate(n) times a workload of n calls with and without
the profiler and divides the difference by the 2n + 2 events. Repeated:

TEXT
"$spread" -o "$work/spread.dat"
cat <<'TEXT'

With few calls the difference is a few microseconds, no more than the
noise of timing the workload itself, and the estimates disagree. With
more calls the noise is shared out over more events and they settle,
unless the machine is busy: one interruption in a long run is still a
large error. The method also times real work (a loop) against the
profiler, and how the processor overlaps the two moves the answer;
detprof's own calibration measures empty functions and keeps the minimum.
TEXT
if [ -n "$GNUPLOT" ]; then
  svg="$top/examples/demos/calibration-spread.svg"
  # Room for twice the largest median: an interrupted run would squash
  # the rest of the plot.
  top_ns=$(awk '!/^#/ && $3 > m { m = $3 } END { print 2 * m }' "$work/spread.dat")
  "$GNUPLOT" <<EOF
set terminal svg size 720,440 dynamic
set output '$svg'
set logscale x
set xrange [5:200000]
set yrange [0:$top_ns]
set xlabel 'calls in the calibration workload (n)'
set ylabel 'overhead per event (ns)'
set title "profile.py's calibrate(n): smallest, median and largest of 5 runs"
set key bottom right
plot '$work/spread.dat' using 1:3:2:4 with yerrorbars pt 7 ps 0.7 title 'calibrate(n)', \\
     '' using 1:5 with lines title "detprof's own calibration (-b auto)"
EOF
  printf '\nPlot: %s\n' "$svg"
else
  printf '\n(No plot: configure did not find gnuplot.)\n'
fi

say "Done. Sources: examples/demos/; exact versions: tests/test-demos.c"
