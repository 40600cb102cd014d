#!/bin/sh
# compare-builds.sh BEFORE_BUILDDIR AFTER_BUILDDIR: the dispatcher's cost
# per event on fib(30) under two builds of detprof (say, before and after a
# change), measured in one run, interleaved, best of RUNS (default 7) each,
# for the tsc and tsc-fenced timers; and the minimal one-rdtsc hook for
# scale. Both trees need src/detprof and the agent built; AFTER's
# bench/fib30 is the program for both.
#
# overhead per event = (profiled time - uninstrumented time) / events,
# as run-bench.sh measures it.
set -eu
before=$1
after=$2
runs=${RUNS:-7}
fib=$after/bench/fib30
plain=$after/bench/fib30-plain
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

best () {  # best COMMAND... -> the smallest elapsed ns fib30 prints over $runs runs
  b=
  i=0
  while [ "$i" -lt "$runs" ]; do
    ns=$("$@" | tail -n 1 | cut -d' ' -f1)
    if [ -z "$b" ] || [ "$ns" -lt "$b" ]; then b=$ns; fi
    i=$((i + 1))
  done
  echo "$b"
}

under () {  # under BUILDDIR TIMER: fib30's time under that build's runner and agent
  DETPROF_AGENT="$1/src/.libs/libdetprof-agent.so" "$1/src/detprof" -t "$2" -b 0 -o "$tmp/out.prof" "$fib"
}

p=$(best "$plain")
events=$(( $("$plain" | cut -d' ' -f2) * 2 ))
echo "fib(30): $events events; best of $runs runs each"
for timer in tsc tsc-fenced; do
  o=$(best under "$before" "$timer")
  n=$(best under "$after" "$timer")
  awk -v t="$timer" -v o="$o" -v n="$n" -v p="$p" -v e="$events" 'BEGIN {
    printf "%-11s before %6.2f ns  after %6.2f ns  after/before %.3f\n", t, (o - p) / e, (n - p) / e, (n - p) / (o - p) }'
done
hook=$(ls "$after/bench/.libs/minimal-hook.so" "$after/bench/minimal-hook.so" 2>/dev/null | head -n 1)
if [ -n "$hook" ]; then
  h=$(best env LD_PRELOAD="$hook" "$fib")
  awk -v h="$h" -v p="$p" -v e="$events" 'BEGIN { printf "minimal hook (one rdtsc) %6.2f ns\n", (h - p) / e }'
fi
