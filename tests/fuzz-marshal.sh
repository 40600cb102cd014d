#!/bin/sh
# fuzz-marshal.sh: run the libFuzzer target tests/fuzz-marshal.c over the
# reader of stats dumps for a bounded time, as one TAP test.
#
# It needs clang (configure's CLANG, in the environment that make check
# sets up); without it the test is skipped. The corpus starts from the
# fixtures in tests/marshal-fixtures and tests/stats-fixtures, copied to a
# temporary directory (libFuzzer adds what it finds there). FUZZ_SECONDS
# sets the time (default 20). Any crash, sanitizer report or failed check
# fails the test, and the input that caused it is kept and named.

srcdir=${G_TEST_SRCDIR:-$(dirname "$0")}
builddir=${G_TEST_BUILDDIR:-$(dirname "$0")}
seconds=${FUZZ_SECONDS:-20}

echo "1..1"

if [ -z "$CLANG" ]; then
  echo "ok 1 - fuzz the marshal reader # SKIP clang was not found by configure"
  exit 0
fi

cflags=${FUZZ_GLIB_CFLAGS:-$(pkg-config --cflags gobject-2.0 2>/dev/null)}
libs=${FUZZ_GLIB_LIBS:-$(pkg-config --libs gobject-2.0 2>/dev/null)}
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-marshal.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM

mkdir "$work/corpus" "$work/artifacts"
cp "$srcdir"/marshal-fixtures/*.prof "$srcdir"/stats-fixtures/*.prof "$work/corpus/" 2>/dev/null

# config.h is at the top of the build tree, one level above tests/.
# shellcheck disable=SC2086
if ! "$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
     -I "$srcdir/../src" -I "$srcdir/../src/base" -I "$srcdir/../src/stats" -I "$builddir/.." $cflags \
     "$srcdir/fuzz-marshal.c" "$srcdir/../src/base/detprof-marshal.c" "$srcdir/../src/base/detprof-error.c" \
     "$srcdir/../src/stats/detprof-stats.c" "$srcdir/../src/stats/detprof-stats-read.c" "$srcdir/../src/stats/detprof-report.c" \
     "$srcdir/../src/stats/detprof-stats-write.c" "$srcdir/../src/stats/detprof-stats-sort.c" \
     "$srcdir/../src/stats/detprof-stats-paths.c" \
     $libs -lm -o "$work/fuzz-marshal" > "$work/build.log" 2>&1; then
  if grep -q -e 'fuzzer' -e 'libclang_rt' "$work/build.log"; then
    echo "ok 1 - fuzz the marshal reader # SKIP clang cannot link libFuzzer here"
    sed 's/^/# /' "$work/build.log"
    exit 0
  fi
  echo "not ok 1 - fuzz the marshal reader: it does not compile"
  sed 's/^/# /' "$work/build.log"
  exit 0
fi

# A leak in the reader is a bug too, but GLib's own caches are not.
if ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
   "$work/fuzz-marshal" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
   -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$work/corpus" \
   > "$work/fuzz.log" 2>&1; then
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log")
  echo "ok 1 - fuzz the marshal reader (${runs:-?} inputs in ${seconds} s)"
else
  echo "not ok 1 - fuzz the marshal reader"
  tail -n 60 "$work/fuzz.log" | sed 's/^/# /'
  for artifact in "$work"/artifacts/*; do
    [ -e "$artifact" ] || continue
    keep="$builddir/$(basename "$artifact")"
    cp "$artifact" "$keep"
    echo "# failing input kept as $keep"
  done
fi
exit 0
