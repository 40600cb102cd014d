#!/bin/sh
# debuginfo.sh: reports name each function's file and line whatever the
# compiler and DWARF flavour it was built with. TAP for automake.
#
# Each build of tests/programs/debuginfo.c runs under the runner, and the
# report must show debuginfo.c:6(leaf), :12(work) and :22(main):
#
#   gcc, no .debug_aranges   libdw cannot map an address to its compile
#                            unit through the (missing) table
#   clang, DWARF 5           clang emits no .debug_aranges either, and
#                            declares each function in file 0, which
#                            DWARF 5 made valid and elfutils 0.188 refuses
#   clang, DWARF 4           no .debug_aranges, files counted from 1
#
# and in the callgrind export of the DWARF 5 build, each call names the
# line it was made from (17 for leaf, 24 for work).
#
# Compilers: CC and CLANG from configure; a missing one skips its cases.
srcdir=${srcdir:-.}
source="$srcdir/tests/programs/debuginfo.c"
runner=${DETPROF_RUNNER:?DETPROF_RUNNER names the detprof runner}
stats=${DETPROF_STATS:?DETPROF_STATS names detprof-stats}
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

echo "1..4"
n=0

# check DESCRIPTION PROGRAM: one TAP line for PROGRAM's report.
check () {
  n=$((n + 1))
  report=$("$runner" -b 0 -s stdname "$2" 2>&1)
  missing=
  for row in 'debuginfo.c:6(leaf)' 'debuginfo.c:12(work)' 'debuginfo.c:22(main)'; do
    printf '%s\n' "$report" | grep -qF "$row" || missing="$missing $row"
  done
  if [ -z "$missing" ]; then
    echo "ok $n - $1"
  else
    echo "not ok $n - $1: no row for$missing"
    printf '%s\n' "$report" | sed 's/^/# /'
  fi
}

skip () {
  n=$((n + 1))
  echo "ok $n # SKIP $1"
}

cc=${CC:-cc}
if command -v objcopy >/dev/null 2>&1 \
   && $cc -g -O1 -finstrument-functions -o "$work/gcc" "$source" \
   && objcopy --remove-section=.debug_aranges "$work/gcc" "$work/gcc-noaranges"; then
  check "$cc, without .debug_aranges" "$work/gcc-noaranges"
else
  skip "no $cc or objcopy to build the case without .debug_aranges"
fi

if [ -n "$CLANG" ] && $CLANG -g -gdwarf-5 -O1 -finstrument-functions -o "$work/clang5" "$source"; then
  check "clang, DWARF 5" "$work/clang5"
else
  skip "clang not found by configure"
fi

if [ -n "$CLANG" ] && $CLANG -g -gdwarf-4 -O1 -finstrument-functions -o "$work/clang4" "$source"; then
  check "clang, DWARF 4" "$work/clang4"
else
  skip "clang not found by configure"
fi

if [ -x "$work/clang5" ] \
   && "$runner" -b 0 -o "$work/clang5.prof" "$work/clang5" >/dev/null \
   && "$stats" --format callgrind --output "$work/clang5.callgrind" "$work/clang5.prof"; then
  n=$((n + 1))
  # "calls=COUNT TARGET-LINE" is followed by "CALLER-LINE COST".
  lines=$(awk '/^calls=/ { getline; print $1 }' "$work/clang5.callgrind" | sort -n | tr '\n' ' ')
  if [ "$lines" = "17 24 " ]; then
    echo "ok $n - clang, DWARF 5: calls are made from lines 17 and 24"
  else
    echo "not ok $n - clang, DWARF 5: call lines are '$lines', not '17 24 '"
    sed 's/^/# /' "$work/clang5.callgrind"
  fi
else
  skip "no clang build to export"
fi
