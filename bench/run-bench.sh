#!/bin/sh
# run-bench.sh BUILDDIR: per-event overhead of the dispatcher on fib(30),
# for each built-in timer, next to the cost of one raw read of that timer,
# all measured in this one run. Writes bench-overhead.csv in BUILDDIR.
#
# overhead per event = (fib(30) time under the profiler - fib(30) time
# uninstrumented) / events, events = 2 x calls. Each figure is the best of
# RUNS runs (default 5), so that a busy machine does not inflate it.
set -eu
top=$1
runs=${RUNS:-5}
detprof="$top/src/detprof"
csv="$top/bench-overhead.csv"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

calc () { awk "BEGIN { printf \"%.3f\", $1 }"; }
holds () { awk "BEGIN { exit !($1) }"; }

best () {  # best "command..." -> smallest elapsed ns printed by fib30 over $runs runs
  b=
  i=0
  while [ $i -lt "$runs" ]; do
    ns=$("$@" | tail -n 1 | cut -d' ' -f1)
    if [ -z "$b" ] || holds "$ns < $b"; then b=$ns; fi
    i=$((i + 1))
  done
  echo "$b"
}

plain=$(best "$top/bench/fib30-plain")
calls=$("$top/bench/fib30-plain" | cut -d' ' -f2)
events=$((calls * 2))
echo "fib(30): $calls calls, $events events; uninstrumented: $(calc "$plain / 1000000") ms"
echo
printf '%-11s %10s %12s %12s %10s  %s\n' timer "raw read" "per event" "target" "ratio" verdict
echo "timer,raw_read_ns,per_event_ns,target_ns,ratio" > "$csv"
"$top/bench/overhead" > "$tmp/raw"
while read -r name raw via; do
  profiled=$(best "$detprof" -t "$name" -b 0 -o "$tmp/out.prof" "$top/bench/fib30")
  per=$(calc "($profiled - $plain) / $events")
  target=$(calc "2 * $raw + 5")
  ratio=$(calc "$per / $target")
  verdict=$(holds "$per <= $target" && echo "within target" || echo "OVER target")
  printf '%-11s %8.2f ns %9.2f ns %9.2f ns %10.3f  %s\n' "$name" "$raw" "$per" "$target" "$ratio" "$verdict"
  echo "$name,$raw,$per,$target,$ratio" >> "$csv"
done < "$tmp/raw"

echo
echo "Peers on the same program, same run:"
hook_per=
if [ -f "$top/bench/.libs/minimal-hook.so" ] || [ -f "$top/bench/minimal-hook.so" ]; then
  hook=$(ls "$top/bench/.libs/minimal-hook.so" "$top/bench/minimal-hook.so" 2>/dev/null | head -n 1)
  t=$(best env LD_PRELOAD="$hook" "$top/bench/fib30")
  hook_per=$(calc "($t - $plain) / $events")
  printf '  %-28s %8.2f ns per event\n' "minimal hook (one rdtsc)" "$hook_per"
  echo "minimal-hook,,$hook_per,," >> "$csv"
fi
# The fast subclass's target is 10 ns on a machine where the minimal hook
# costs 8.3 ns: a ratio of 10 / 8.3 to the minimal hook, measured here in
# this run, so that a slower or faster machine moves both alike.
fast="$top/examples/fast-tsc-profiler"
if [ -x "$fast" ] && "$fast" --overhead > "$tmp/fast" 2>/dev/null; then
  per=$(sed -n 's/^fast //p' "$tmp/fast")
  base=$(sed -n 's/^base //p' "$tmp/fast")
  printf '  %-28s %8.2f ns per event\n' "fast subclass (one rdtsc)" "$per"
  printf '  %-28s %8.2f ns per event (same harness as the fast subclass)\n' "base class, tsc" "$base"
  if [ -n "$hook_per" ]; then
    target=$(calc "$hook_per * 10 / 8.3")
    ratio=$(calc "$per / $target")
    verdict=$(holds "$per <= $target" && echo "within target" || echo "OVER target")
    printf '    fast / minimal hook: %s; target %s (10 ns against 8.3 ns), i.e. %.2f ns here: ratio %s, %s\n' \
      "$(calc "$per / $hook_per")" "$(calc "10 / 8.3")" "$target" "$ratio" "$verdict"
    printf '    against a flat 10 ns: %s\n' \
      "$(holds "$per <= 10" && echo "within" || echo "over, by $(calc "$per - 10") ns")"
    echo "fast-subclass,,$per,$target,$ratio" >> "$csv"
  else
    echo "fast-subclass,,$per,10,$(calc "$per / 10")" >> "$csv"
  fi
else
  echo "  fast subclass: no invariant cycle counter here, skipped"
fi
if command -v uftrace >/dev/null 2>&1; then
  t=$(cd "$tmp" && best uftrace record --no-pager -d "$tmp/uftrace.data" "$top/bench/fib30")
  per=$(calc "($t - $plain) / $events")
  printf '  %-28s %8.2f ns per event\n' "uftrace record" "$per"
  echo "uftrace,,$per,," >> "$csv"
else
  echo "  uftrace: not installed, skipped"
fi
echo
echo "Written: $csv"
if [ -x "$fast" ]; then
  echo
  echo "The fast subclass's accuracy next to the base class's (examples/fast-tsc-profiler --compare):"
  "$fast" --compare || true
fi
