#!/bin/sh
# stats-load.sh: how fast detprof-stats loads, sorts and prints a huge dump,
# next to Python's pstats doing the same with the same file.
#
# Usage: bench/stats-load.sh BUILDDIR [N_FUNCTIONS [N_ARCS]]
#        (or `make bench-stats`)
#
# The dump (default: 100,000 functions and 1,000,000 caller arcs) is made
# once by bench/make-big-dump.py and kept in BUILDDIR/bench/. Each side
# runs `load + sort_stats('cumulative') + print_stats(20)`, the best wall
# time of STATS_BENCH_RUNS runs (default 3) counts, and its peak resident
# memory is measured with /usr/bin/time (or Python's resource module).
# A run longer than STATS_BENCH_TIMEOUT seconds (default 600) is stopped.
# The two outputs must be identical. The target is a speed-up of 10.

set -u

builddir=${1:?usage: stats-load.sh BUILDDIR [N_FUNCTIONS [N_ARCS]]}
n_functions=${2:-100000}
n_arcs=${3:-1000000}
runs=${STATS_BENCH_RUNS:-3}
limit=${STATS_BENCH_TIMEOUT:-600}
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON3:-python3}
program="$builddir/src/detprof-stats"

[ -x "$program" ] || { echo "stats-load.sh: $program is not built (run make)" >&2; exit 1; }
command -v "$python" > /dev/null || { echo "stats-load.sh: $python is not installed" >&2; exit 1; }

mkdir -p "$builddir/bench"
dump="$builddir/bench/stats-load-$n_functions-$n_arcs.prof"
if [ ! -s "$dump" ]; then
  echo "Writing $dump ($n_functions functions, $n_arcs arcs)..."
  "$python" "$here/make-big-dump.py" "$dump.tmp" "$n_functions" "$n_arcs" && mv "$dump.tmp" "$dump" || exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/stats-load.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM

# measure OUTPUT CMD...: runs CMD with its stdout in OUTPUT; prints
# "SECONDS KILOBYTES", or "timeout" if it had to be stopped.
measure () {
  output=$1
  shift
  if [ -x /usr/bin/time ]; then
    timeout "$limit" /usr/bin/time -f '%e %M' -o "$work/time" "$@" > "$output"
    status=$?
    [ $status -eq 124 ] && { echo timeout; return; }
    tail -n 1 "$work/time"
  else
    "$python" - "$limit" "$@" > "$work/time" 3> "$output" <<'EOF'
import os, resource, subprocess, sys, time
start = time.monotonic()
try:
    subprocess.run(sys.argv[2:], stdout=3, timeout=float(sys.argv[1]))
except subprocess.TimeoutExpired:
    print("timeout")
    sys.exit(0)
elapsed = time.monotonic() - start
print("%.2f %d" % (elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
EOF
    cat "$work/time"
  fi
}

# best NAME OUTPUT CMD...: the fastest of $runs runs, as "SECONDS KILOBYTES".
best () {
  name=$1
  shift
  best_line=
  i=0
  while [ $i -lt "$runs" ]; do
    line=$(measure "$@")
    echo "  $name run $((i + 1)): $line" >&2
    if [ "$line" = timeout ]; then
      best_line=${best_line:-timeout}
      break
    fi
    if [ -z "$best_line" ] || awk "BEGIN { exit !(${line%% *} < ${best_line%% *}) }"; then
      best_line=$line
    fi
    i=$((i + 1))
  done
  echo "$best_line"
}

cd "$(dirname "$dump")" || exit 1
name=$(basename "$dump")
ours=$(best detprof-stats "$work/ours.txt" "$program" -s cumulative --limit 20 "$name")
theirs=$(best pstats "$work/theirs.txt" "$python" -c \
  "import pstats, sys; pstats.Stats(sys.argv[1]).sort_stats('cumulative').print_stats(20)" "$name")

if cmp -s "$work/ours.txt" "$work/theirs.txt"; then same=yes; else same=NO; fi
size=$(wc -c < "$dump")

echo
echo "load + sort_stats('cumulative') + print_stats(20), best of $runs"
echo "dump: $n_functions functions, $n_arcs arcs, $(awk "BEGIN { printf \"%.1f\", $size / 1e6 }") MB"
printf '%-16s %10s %14s\n' "" "wall (s)" "peak RSS (MB)"
for row in "detprof-stats|$ours" "python3 pstats|$theirs"; do
  label=${row%%|*}
  values=${row#*|}
  if [ "$values" = timeout ]; then
    printf '%-16s %10s %14s\n' "$label" ">$limit" "-"
  else
    printf '%-16s %10s %14s\n' "$label" "${values%% *}" \
      "$(awk "BEGIN { printf \"%.1f\", ${values#* } / 1024 }")"
  fi
done
if [ "$ours" != timeout ] && [ "$theirs" != timeout ]; then
  awk "BEGIN { r = ${theirs%% *} / (${ours%% *} > 0 ? ${ours%% *} : 0.01);
               printf \"speed-up         %9.1fx   (target >= 10x: %s)\n\", r, (r >= 10 ? \"met\" : \"NOT met\") }"
  echo "output identical: $same"
else
  echo "speed-up: cannot say (a run was stopped after $limit s)"
fi
