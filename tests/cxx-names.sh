#!/bin/sh
# cxx-names.sh: a C++ program's report reads as C++. TAP for automake.
#
# tests/cxx-fixtures/cxx-program.cc is built as users build C++ for
# profiling (-g -O2 -finstrument-functions), with CXX and with CLANGXX
# from configure (a missing one skips its cases), and run under the
# runner. Every row of its report must show a file, a line other than 0,
# and a demangled name (no "_Z" left), libstdc++'s functions included;
# and the program's own functions must have these rows:
#
#   cxx-program.cc:16(shapes::Square<int>::Square)
#   cxx-program.cc:17(shapes::Square<int>::area)
#   cxx-program.cc:18(shapes::Square<int>::operator+)
#   cxx-program.cc:25(shapes::describe)                        [abi:cxx11] gone
#   cxx-program.cc:37(shapes::(anonymous namespace)::grow)
#   cxx-program.cc:45(main)
#   cxx-program.cc:49(main::{lambda(int)#1}::operator())       g++'s lambda
#   cxx-program.cc:49(main::$_0::operator())                   clang++'s
srcdir=${srcdir:-.}
source="$srcdir/tests/cxx-fixtures/cxx-program.cc"
runner=${DETPROF_RUNNER:?DETPROF_RUNNER names the detprof runner}
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

echo "1..4"
n=0

ok () {
  n=$((n + 1))
  echo "ok $n - $1"
}

not_ok () {
  n=$((n + 1))
  echo "not ok $n - $1"
  printf '%s\n' "$report" | sed 's/^/# /'
}

skip () {
  n=$((n + 1))
  echo "ok $n # SKIP $1"
}

# check COMPILER LAMBDA: two TAP lines for the program built by COMPILER,
# whose lambda is named LAMBDA.
check () {
  if ! $1 -g -O2 -finstrument-functions -o "$work/program" "$source"; then
    not_ok "$1 cannot build $source"
    skip "no build"
    return
  fi

  report=$("$runner" -b 0 -s stdname "$work/program" 2>&1)
  # The rows: what follows the header, without the five numbers.
  rows=$(printf '%s\n' "$report" \
         | sed -n '/filename:lineno(function)/,/^$/p' | sed '1d;/^$/d' \
         | sed -E 's/^ *[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ +//')

  bad=$(printf '%s\n' "$rows" | grep -v -E '^[^:]+:[1-9][0-9]*\(' ; printf '%s\n' "$rows" | grep -F '_Z')
  if [ -n "$rows" ] && [ -z "$bad" ]; then
    ok "$1: every row has a file, a line and a demangled name"
  else
    not_ok "$1: rows without a line or a demangled name:
$bad"
  fi

  missing=
  for row in 'cxx-program.cc:16(shapes::Square<int>::Square)' \
             'cxx-program.cc:17(shapes::Square<int>::area)' \
             'cxx-program.cc:18(shapes::Square<int>::operator+)' \
             'cxx-program.cc:25(shapes::describe)' \
             'cxx-program.cc:37(shapes::(anonymous namespace)::grow)' \
             'cxx-program.cc:45(main)' \
             "cxx-program.cc:49($2)"; do
    printf '%s\n' "$rows" | grep -qxF "$row" || missing="$missing $row"
  done
  if [ -z "$missing" ]; then
    ok "$1: the program's functions are named and placed"
  else
    not_ok "$1: no row for$missing"
  fi
}

if [ -n "$CXX" ] && command -v "${CXX%% *}" >/dev/null 2>&1; then
  check "$CXX" 'main::{lambda(int)#1}::operator()'
else
  skip "no C++ compiler found by configure"
  skip "no C++ compiler found by configure"
fi

if [ -n "$CLANGXX" ]; then
  check "$CLANGXX" 'main::$_0::operator()'
else
  skip "clang++ not found by configure"
  skip "clang++ not found by configure"
fi
