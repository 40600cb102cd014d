#!/bin/sh
# calibration-agreement.sh: whether detprof-calibrate agrees with itself.
#
# Usage: bench/calibration-agreement.sh BUILDDIR [RUNS [TIMERS]]
#        (or `make bench-calibration`)
#
# Runs BUILDDIR/calibrate/detprof-calibrate RUNS times (default 7) for
# each timer of TIMERS (a list separated by spaces or commas; default
# "default tsc": "default" is the timer detprof uses unless told
# otherwise, tsc-fenced where the cycle counter is invariant, else wall;
# a timer this host lacks is reported and skipped). Every run calibrates
# afresh in a cache directory of its own (DETPROF_CACHE_DIR), so it
# neither reads nor overwrites the user's calibration.ini, and the script
# then reads back what was stored: the four constants of the pairs model,
# the bias spread, the speed variation, the spread of its calibrations
# and n.
#
# For each timer and stored value it prints the median of the runs and
# their range relative to the median, (max - min) / median, which is the
# largest deviation between any two runs (the largest deviation from the
# median is at most that). The targets, from issue 14: every constant
# within 1 %, the bias spread and the speed variation (the stored
# variations) within 20 %. A run whose calibrations
# disagreed stores nothing; it counts as a failure of agreement.
#
# Calibration measures nanoseconds, so another process on the same cores
# moves it: the load average (/proc/loadavg) is printed at the start and
# at the end of each timer's runs.

set -u

builddir=${1:?usage: calibration-agreement.sh BUILDDIR [RUNS [TIMERS]]}
runs=${2:-7}
timers=$(echo "${3:-default tsc}" | tr ',' ' ')
program="$builddir/calibrate/detprof-calibrate"

[ -x "$program" ] || { echo "calibration-agreement.sh: $program is not built (run make)" >&2; exit 1; }
case $runs in
  ''|*[!0-9]*|0) echo "calibration-agreement.sh: RUNS must be a positive number" >&2; exit 2 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/calibration-agreement.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM

load () { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown; }
now () { date +%s.%N; }

# stored_values CACHE TIMER: the pairs entry for TIMER in CACHE as one line,
# "C0 C1 C2 C3 BIAS_SPREAD VARIATION SPREAD N" (seconds; the speed
# variation is a share, the spread a ratio), or nothing if none was stored.
stored_values () {
  [ -f "$1" ] || return 0
  awk -F= -v timer="$2" '
    /^\[/ { if (ok) exit; ok = 0; t = m = c = b = v = s = n = ""; next }
    $1 == "timer" { t = $2 }
    $1 == "model" { m = $2 }
    $1 == "constants" { c = $2; gsub(/;/, " ", c) }
    $1 == "bias-spread" { b = $2 }
    $1 == "speed-variation" { v = $2 }
    $1 == "spread" { s = $2 }
    $1 == "n" { n = $2 }
    { ok = (t == timer && m == "pairs" && c != "" && b != "" && v != "" && s != "" && n != "") }
    END { if (ok) print c, b, v, s, n }' "$1"
}

# summarize FILE LABEL TARGET SCALE FIELD RUNS FORMAT: one table row for
# column FIELD of FILE (one line per stored run), values times SCALE,
# printed with FORMAT (a printf conversion, 10 wide).
summarize () {
  sort -g -k "$5,$5" "$1" | awk -v label="$2" -v target="$3" -v scale="$4" -v f="$5" -v runs="$6" -v fmt="$7" '
    { v[NR] = $f * scale }
    END {
      if (NR == 0) { printf "  %-15s %10s %10s %10s %10s  %s\n", label, "-", "-", "-", "-", "nothing stored"; exit }
      med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      range = (med > 0) ? (v[NR] - v[1]) / med * 100 : 0
      if (target == "")
        verdict = "(for information)"
      else
        verdict = (range <= target && NR == runs) ? "met" : "NOT met"
      if (target != "" && NR < runs)
        verdict = verdict sprintf(" (%d of %d runs stored)", NR, runs)
      printf "  %-15s " fmt " " fmt " " fmt " %8.2f %%  %s%s\n", label, med, v[1], v[NR], range,
             (target == "" ? "" : "<= " target " %: "), verdict
    }'
}

status=0
echo "detprof-calibrate, $runs runs per timer, each in a fresh cache; load average at the start: $(load)"
for timer in $timers; do
  if [ "$timer" = default ]; then option=; else option="-t $timer"; fi
  name=$timer
  values="$work/values-$timer"
  : > "$values"
  start_load=$(load)
  echo
  i=1
  while [ $i -le "$runs" ]; do
    cache="$work/cache-$timer-$i"
    started=$(now)
    # $option is one word or two, never quoted.
    # shellcheck disable=SC2086
    DETPROF_CACHE_DIR="$cache" XDG_CACHE_HOME="$work/xdg" "$program" $option > "$work/out" 2>&1
    run_status=$?
    seconds=$(awk -v a="$started" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
    # The header line names the timer: "tsc-fenced: 7 calibrations (...".
    name=$(sed -n 's/^\([A-Za-z0-9_-]*\): [0-9]* calibrations.*/\1/p' "$work/out" | head -n 1)
    if [ -z "$name" ]; then
      echo "$timer: detprof-calibrate failed, not measuring it:"
      sed 's/^/  /' "$work/out"
      status=1
      continue 2
    fi
    line=$(stored_values "$cache/calibration.ini" "$name")
    if [ -n "$line" ] && [ $run_status -eq 0 ]; then
      echo "$line $seconds" >> "$values"
      echo "$line $seconds" | awk -v name="$name" -v i="$i" '{
        printf "%s run %d: %.3f %.3f %.3f %.3f ns, bias spread %.3f ns, speed variation %.2f %%, spread %.2f %%, n %d, %.1f s\n",
               name, i, $1 * 1e9, $2 * 1e9, $3 * 1e9, $4 * 1e9, $5 * 1e9, $6 * 100, ($7 - 1) * 100, $8, $9 }'
    else
      echo "$name run $i: nothing stored ($(grep -m 1 -i -e disagree -e refus -e error "$work/out" | sed 's/^ *//'))"
    fi
    i=$((i + 1))
  done
  end_load=$(load)

  echo
  echo "$name: $runs runs; load average $start_load at the start, $end_load at the end"
  printf '  %-15s %10s %10s %10s %10s  %s\n' "" median lowest highest "range" "target: verdict"
  summarize "$values" "call->call" 1 1e9 1 "$runs" %10.3f
  summarize "$values" "call->return" 1 1e9 2 "$runs" %10.3f
  summarize "$values" "return->call" 1 1e9 3 "$runs" %10.3f
  summarize "$values" "return->return" 1 1e9 4 "$runs" %10.3f
  summarize "$values" "bias spread" 20 1e9 5 "$runs" %10.3f
  summarize "$values" "speed var. (%)" 20 100 6 "$runs" %10.2f
  summarize "$values" "spread (ratio)" "" 1 7 "$runs" %10.4f
  summarize "$values" "n (calls)" "" 1 8 "$runs" %10d
  summarize "$values" "seconds per run" "" 1 9 "$runs" %10.1f
  echo "  (ns, but the speed variation, the spread, n and seconds; range = (highest - lowest) / median)"
done
echo
echo "load average at the end: $(load)"
exit $status
