#!/bin/sh
# demo.sh BUILDDIR: profile the examples and explain what the report says.
set -eu
top=$1
detprof="$top/src/detprof"

say () { printf '\n== %s\n\n' "$*"; }

say "1. A recursive program: fib(25), sorted by cumulative time"
cat <<'TEXT'
Each row is one function. ncalls is "total/primitive" when a function
recurses: primitive calls are the ones not made from inside itself.
tottime is the time spent in the function's own code, cumtime includes
what it called (counted once across recursion); the percall columns
divide them by total and by primitive calls.
TEXT
"$detprof" -s cumulative -b 0 "$top/examples/fib" 25

say "2. Accumulated overhead: a million tiny calls against ten big ones"
cat <<'TEXT'
Uninstrumented, tiny()'s million calls and big()'s ten each take about
a millisecond (here: 1.4 ms and 0.5 ms). Without correction
(-b 0), every event adds the profiler's hidden cost to the function that
is running, and tiny() makes two million events to big()'s twenty: see
how much more expensive it looks. Calibration (detprof-calibrate, and
-b auto) measures that hidden cost and subtracts it.
TEXT
"$detprof" -s tottime -b 0 "$top/examples/busy-and-idle"

say "Done. Try: $detprof -t cpu -s tottime $top/examples/busy-and-idle"
