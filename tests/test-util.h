/* test-util.h: helpers shared by the test programs. */
#pragma once

#include "detprof-stats.h"

G_BEGIN_DECLS

/* The rows of @stats in the canonical text of a stats dict that
 * tests/marshal-fixtures/make-fixtures.py's render () prints for Python's
 * reading of a dump: strs quoted with \xNN escapes, ints, floats by their
 * bits ("f:3fe0000000000000"), callers dicts in order. */
char *test_render_table (DetprofStats *stats);

G_END_DECLS
