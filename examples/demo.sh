#!/bin/sh
# demo.sh BUILDDIR: the classroom demonstrations of profiler error.
#
# Seven demos. The first six each profile a small instrumented workload
# (examples/demos) uncorrected (-b 0) and corrected (-b auto), next to the
# truth measured without a profiler (demos-plain --truth), and say why
# they differ; the seventh reads a recursive function's cumulative time,
# in pstats' table and through its paths (folded stacks, a flame graph).
# doc/teaching-demos.md says how to use them in class; tests/test-demos.c
# checks each claim exactly, on a virtual clock.
#
# The numbers here are real, so they move from run to run, and a busy
# machine blurs them. So no sentence here states a result on its own: each
# is a claim of demo-claims.sh, checked against the numbers just measured,
# which says plainly when this run did not show it, and why.
#
# Demo 6 also draws a plot when GNUPLOT names gnuplot (by default, what
# configure found).
set -eu
top=$1
# shellcheck source=examples/demo-claims.sh
. "$(dirname "$0")/demo-claims.sh"
detprof="$top/src/detprof"
demos="$top/examples/demos/demos"
plain="$top/examples/demos/demos-plain"
numbers="$top/examples/demos/demo-numbers"
spread="$top/examples/demos/calibration-spread"
stats="$top/src/detprof-stats"
: "${GNUPLOT=$(sed -n 's/^GNUPLOT = //p' "$top/Makefile" 2>/dev/null)}"

work=$(mktemp -d "${TMPDIR:-/tmp}/detprof-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

say () { printf '\n== %s\n\n' "$*"; }

# wrap: the claims' one-line sentences, as wide as the rest.
wrap () { fold -s -w 72 | sed 's/ *$//'; }

# How busy the machine is, for the claims' likely reasons, measured again
# before each claim: the 1-minute load average, the processors, and the
# share of a processor a program gets right now (the average lags: two
# programs that began spinning a few seconds ago fill both processors but
# barely move it).
DEMO_CPUS=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
measure_load ()
{
  DEMO_LOAD=$(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null || echo 0)
  DEMO_SHARE=$("$top/examples/demos/cpu-share" 2>/dev/null || echo 100)
}
measure_load

# claim CLAIM ARGS...: checks a claim of demo-claims.sh against this run's
# numbers, prints its sentence, and counts whether the run showed it.
shown=0 missed=0
claim ()
{
  measure_load
  if "$@" >"$work/claim"; then
    shown=$((shown + 1))
  else
    missed=$((missed + 1))
  fi
  wrap <"$work/claim"
}

# profile NAME "DETPROF-OPTIONS" DEMO [ARGS]: profiles "demos DEMO ARGS"
# three times and keeps the numbers (see demo-numbers.c) in $work/NAME:
# "name calls tottime cumtime", the least of the three for each function
# (noise only ever adds time, and the truth is the best of its runs too),
# then the middle two, for spread ().
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
  # The middle of three is their sum less the least and the largest.
  awk 'NF == 2 && !($1 in info) { info[$1] = $2; print; next }
       NF == 4 && !($1 in tt) { order[++n] = $1; nc[$1] = $2
                                tt[$1] = tt_max[$1] = tt_sum[$1] = $3
                                ct[$1] = ct_max[$1] = ct_sum[$1] = $4; next }
       NF == 4 { if ($3 < tt[$1]) tt[$1] = $3; if ($4 < ct[$1]) ct[$1] = $4
                 if ($3 > tt_max[$1]) tt_max[$1] = $3; if ($4 > ct_max[$1]) ct_max[$1] = $4
                 tt_sum[$1] += $3; ct_sum[$1] += $4 }
       END { for (i = 1; i <= n; i++) {
               f = order[i]
               print f, nc[f], tt[f], ct[f], tt_sum[f] - tt[f] - tt_max[f], ct_sum[f] - ct[f] - ct_max[f] } }' \
    "$work/$name.1" "$work/$name.2" "$work/$name.3" >"$work/$name"
}

# get FILE NAME COLUMN: a column of NAME's line. Profiles: 2 calls,
# 3 tottime, 4 cumtime; truths: 2 calls, 3 wall, 4 CPU (nanoseconds).
# Columns 5 and 6 are the median of the runs whose best are 3 and 4.
get () { awk -v name="$2" -v column="$3" '$1 == name { print $column; exit }' "$1"; }

# spread FILE NAME COLUMN: how far apart, in percent, the repeated runs put
# NAME's COLUMN (3 or 4): their median over their best, less one. One run
# that was interrupted does not move it; a machine busy all along does.
spread ()
{
  awk -v name="$2" -v column="$3" '$1 == name {
    best = $column; median = $(column + 2)
    print (best > 0 ? (median / best - 1) * 100 : 0); exit }' "$1"
}

# largest NUMBER...: the largest of them.
largest () { printf '%s\n' "$@" | awk 'NR == 1 || $1 > m { m = $1 } END { print m + 0 }'; }

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
Six ways a deterministic profiler's numbers differ from the truth, and
one way to read them through recursion. Each demo compares the profile of a small program (examples/demos) with
the same functions timed without a profiler. Real timings: run it again,
or read the exact versions in tests/test-demos.c. Each demo checks what
it says against the numbers it has just measured, and says so plainly
when this run did not show it.

TEXT
{ load_note; tolerances; } | wrap

# ---------------------------------------------------------------------------
say "1. Accumulated overhead: a million tiny calls against ten big ones"

"$plain" --truth overhead >"$work/truth1"
profile overhead-0 "-b 0" overhead
profile overhead-auto "-b auto" overhead
bias_ns=$(awk '$1 == "bias" { print $2 * 1e9 }' "$work/overhead-auto")
tiny_truth=$(get "$work/truth1" tiny 3)

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
printf '\n'
runs1=$(largest "$(spread "$work/truth1" tiny 3)" "$(spread "$work/truth1" big 3)" \
  "$(spread "$work/overhead-0" tiny 3)" "$(spread "$work/overhead-0" big 3)" \
  "$(spread "$work/overhead-auto" big 3)")
claim claim_overhead_uncorrected "$tiny_truth" "$(get "$work/truth1" big 3)" \
  "$(get "$work/overhead-0" tiny 3)" "$(get "$work/overhead-0" big 3)" "$runs1"
claim claim_overhead_corrected "$tiny_truth" "$(get "$work/truth1" big 3)" \
  "$(get "$work/overhead-auto" tiny 3)" "$(get "$work/overhead-auto" big 3)" "$bias_ns" "$runs1"
printf 'Question: where did the time of the loop in overhead_run () go?\n'

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
rows='' runs2=$(spread "$work/truth2" short_task 3)
for n in 10 100 1000 10000; do
  coarse_mean=$(awk -v n="$n" '$1 == "short_task" { print $3 / n }' "$work/coarse-$n")
  fine_mean=$(awk -v n="$n" '$1 == "short_task" { print $3 / n }' "$work/fine-$n")
  printf '  %8s %11s %11s %-6s %11s %-6s\n' "$n" "$(t "$truth_per_call")" \
    "$(t "$coarse_mean")" "$(x "$coarse_mean" "$truth_per_call")" \
    "$(t "$fine_mean")" "$(x "$fine_mean" "$truth_per_call")"
  rows="$rows $n $coarse_mean"
  runs2=$(largest "$runs2" "$(spread "$work/fine-$n" short_task 3)")
done
cat <<TEXT

The ticks a run straddles add up to the time that passed, give or take
one at either end, so the coarse mean should be off by at most a tick
over the calls.
TEXT
# The rows are split on purpose: a number of calls, a mean, and so on.
# shellcheck disable=SC2086
claim claim_resolution "$tick" "$truth_per_call" "$runs2" $rows
cat <<TEXT
Both are uncorrected: the bias of the $fine timer, $(t "$bias_ns") per event,
is $(calc %.2f '2 * b / c * 100' b="$bias_ns" c="$truth_per_call") % of a call for its two events (and calibrating a clock
as coarse as this one would need runs of many ticks).
TEXT

# ---------------------------------------------------------------------------
say "3. A bias too large: three times the calibrated cost"

too_large=$(awk '$1 == "bias" { printf "%.3g", 3 * $2 }' "$work/overhead-auto")
cat <<TEXT
Demo 1 again, with -b $too_large (seconds per event) instead of -b auto:

TEXT
"$detprof" -b "$too_large" -s tottime --report-file "$work/too-large.txt" "$demos" overhead
cat "$work/too-large.txt"
report=$(cat "$work/too-large.txt")
negative=$(report_negative "$report")
total=$(report_total "$report")
warned=$(report_warned "$report")
claim claim_too_large_negative "$negative" "$total" "$runs1"
claim claim_too_large_warned "$negative" "$warned"
cat <<TEXT

A bias that is too small leaves a little overhead in every function, an
error of known sign that grows with the calls; one that is too large can
turn any short function negative. The real cost varies from event to
event (caches, branches, interrupts) and never falls below its minimum,
so detprof-calibrate stores the lowest of its measurements: the safe side.

TEXT
{
  printf 'Python'"'"'s profile documentation expects small negative times even after a good calibration: the bias removes the overhead only on average (a least-squares estimate), so they are no cause for alarm.'
  if [ -n "$negative" ]; then
    printf ' These come from a bias three times the calibrated one: set them against the truth (tiny (): %s, in demo 1).' \
      "$(t "$tiny_truth")"
  fi
  printf '\n'
} | wrap

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
printf '\n'
runs4=$(largest "$(spread "$work/truth4" by_hand 3)" "$(spread "$work/truth4" with_library 3)" \
  "$(spread "$work/library-0" by_hand 4)" "$(spread "$work/library-0" with_library 4)")
claim claim_library_truth "$(get "$work/truth4" by_hand 3)" "$(get "$work/truth4" with_library 3)" "$runs4"
cat <<TEXT
The profile has no line for the library, which makes no events: its
time is with_library ()'s own time (tottime $(t "$(get "$work/library-0" with_library 3)"), cumtime $(t "$(get "$work/library-0" with_library 4)")),
and it pays no overhead, while square () pays for two events per call.
TEXT
claim claim_library_uncorrected "$(get "$work/library-0" by_hand 4)" \
  "$(get "$work/library-0" with_library 4)" "$runs4"
claim claim_library_corrected "$(get "$work/truth4" by_hand 3)" "$(get "$work/library-auto" by_hand 4)" "$runs4"
printf 'Which function would you optimise from the -b 0 profile?\n'

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
printf '\n'
runs5=$(largest "$(spread "$work/truth5" compute 3)" "$(spread "$work/truth5" wait_for_disk 3)" \
  "$(spread "$work/wall-0" compute 3)" "$(spread "$work/wall-0" wait_for_disk 3)" \
  "$(spread "$work/cpu-0" compute 3)")
wait_truth=$(get "$work/truth5" wait_for_disk 3)
claim claim_waiting_cpu "$wait_truth" "$(get "$work/cpu-auto" wait_for_disk 3)" "$runs5"
claim claim_waiting_wall "$wait_truth" "$(get "$work/wall-auto" wait_for_disk 3)" "$runs5"
printf 'Neither is wrong; they answer different questions.\n'
# What the bias can take off (the larger timer's bias, at every event),
# and the largest gap between the -b 0 and -b auto columns, against the
# truth of its function.
bias5=$(largest "$(awk '$1 == "bias" { print $2 * 1e9 }' "$work/cpu-auto")" \
  "$(awk '$1 == "bias" { print $2 * 1e9 }' "$work/wall-auto")")
events5=$(awk 'NF == 6 { n += $2 } END { print 2 * n }' "$work/wall-auto")
work5=$(awk 'NF == 6 { n += $3 } END { print n }' "$work/truth5")
read -r gap gap_truth gap_fn gap_timer <<EOF
$(for timer in cpu wall; do
    for fn in compute wait_for_disk; do
      printf '%s %s %s %s %s\n' "$fn" "$timer" "$(get "$work/$timer-0" $fn 3)" \
        "$(get "$work/$timer-auto" $fn 3)" "$(get "$work/truth5" $fn 3)"
    done
  done | awk '{ d = $3 - $4; if (d < 0) d = -d
                if (NR == 1 || d / $5 > worst) { worst = d / $5; line = d " " $5 " " $1 " " $2 } }
              END { print line }')
EOF
claim claim_waiting_bias "$bias5" "$events5" "$work5" "$gap" "$gap_truth" "$gap_fn (), -t $gap_timer" "$runs5"

# ---------------------------------------------------------------------------
say "6. Calibration spread: profile.py's calibrate(n), for growing n"

cat <<'TEXT'
profile.py's calibrate(n) times a workload of n calls with and without
the profiler and divides the difference by the 2n + 2 events. Repeated:

TEXT
"$spread" -o "$work/spread.dat"
cat <<'TEXT'

With few calls the difference is a few microseconds, no more than the
noise of timing the workload itself, so the estimates should disagree.
With more calls the noise is shared out over more events and they should
settle, unless the machine is busy: one interruption in a long run is
still a large error.
TEXT
# The first and the last n of the table: n, largest - smallest, median.
# shellcheck disable=SC2046
claim claim_spread $(awk '!/^#/ { line = $1 " " ($4 - $2) " " $3; if (!first) first = line }
                          END { print first, line }' "$work/spread.dat")
cat <<'TEXT'
The method also times real work (a loop) against the profiler, and how
the processor overlaps the two moves the answer; detprof's own
calibration measures empty functions and keeps the minimum.
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

# ---------------------------------------------------------------------------
say "7. Cumulative time through paths: recursion counted once"

"$plain" --truth paths >"$work/truth7"
profile paths-auto "-b auto" paths
paths_prof="$work/paths-auto.prof"

cat <<TEXT
descend (depth) does the same work at each level and calls itself one
level down, $(get "$work/truth7" descend 2) times from paths_run (), ten levels deep; the last level
calls leaf (), which paths_run () also calls once itself (paths.c).
pstats' table of one run (detprof -b auto):

TEXT
"$stats" -S -s cumulative "$paths_prof" 2>/dev/null | sed -n '/^ *ncalls/,/^$/p' | sed '/^$/d'
printf '\n'
ncalls7=$(get "$work/paths-auto" descend 2)
claim claim_paths_cumtime descend "$(get "$work/truth7" descend 3)" "$ncalls7" \
  "$(get "$work/paths-auto" descend 3)" "$(get "$work/paths-auto" descend 4)" \
  "$(largest "$(spread "$work/truth7" descend 3)" "$(spread "$work/paths-auto" descend 4)")"
cat <<'TEXT'
(The numbers are the best of three runs. Sum over the activations: the
one j levels down lacks the j levels above it, so it is
D x cumtime - (D - 1) / 2 x tottime, D = ncalls / primitive calls.)

The paths split the same numbers by the way each call came
(detprof-stats --paths '\((descend|leaf)\)'):

TEXT
"$stats" --paths '\((descend|leaf)\)' "$paths_prof" 2>/dev/null | sed -n '/^ *ncalls/,/^$/p' | sed '/^$/d'
cat <<'TEXT'

and the folded stacks, one line per path with its self time in
microseconds, are what a flame graph is drawn from
(detprof-stats --format folded):

TEXT
"$stats" --format folded "$paths_prof" 2>/dev/null >"$work/paths.folded"
sed 's/^/  /' "$work/paths.folded"
printf '\n'
depth7=$(awk -v n="$ncalls7" 'BEGIN { split(n, c, "/"); print (c[2] > 0 ? c[1] / c[2] : 1) }')
claim claim_paths_folded descend "$depth7" "$(cat "$work/paths.folded")"
"$stats" --format flamegraph --output "$work/paths.svg" "$paths_prof" 2>/dev/null
cp "$work/paths.svg" "$top/examples/demos/paths.svg"
printf '\nFlame graph: %s\n' "$top/examples/demos/paths.svg"
cat <<'TEXT'
(open it in a browser: point at a box for its numbers, click to zoom).
Question: where in the flame graph did the ten levels of descend () go,
and what does --callers descend say about them?
TEXT

say "Done. Sources: examples/demos/; exact versions: tests/test-demos.c"
measure_load
printf 'This run showed %s of its %s claims; each of the others says above why not (now: %s).\n' \
  "$shown" "$((shown + missed))" "$(how_busy)" | wrap
