/* test-util.h: what the test programs share.
 *
 * Reading statistics: a function's row and a caller arc by name, and
 * assertions on their numbers, always in pstats' order: ncalls as pstats
 * prints it ("nc/cc": total calls, then primitive calls), then tottime,
 * then cumtime.
 *
 * A fake clock, which moves only when the test says and by a fixed cost at
 * each reading, read through a timer of each shape; the numbers of the
 * worked example that several programs check; the stats fixtures of
 * tests/stats-fixtures; and the removal of a test's temporary directory.
 *
 * Built into tests/libtest-util.la, which every test program links.
 */
#pragma once

#include "detprof.h"

G_BEGIN_DECLS

/* ---- reading statistics ---- */

const DetprofFunctionStats *find_function     (DetprofStats *stats,
                                               const char   *name);
const DetprofCallerArc     *find_arc          (DetprofStats *stats,
                                               const char   *callee,
                                               const char   *caller);
void                        assert_calls      (DetprofStats *stats,
                                               const char   *name,
                                               gint64        nc,
                                               gint64        cc);
void                        assert_function   (DetprofStats *stats,
                                               const char   *name,
                                               gint64        nc,
                                               gint64        cc,
                                               double        tt,
                                               double        ct);
void                        assert_same_stats (DetprofStats *expected,
                                               DetprofStats *actual);

/* ---- reading paths ---- */

/* Every function's row is the sum of its path nodes' numbers, to the bit
 * (the fake clocks make every time exact): calls, primitive calls,
 * internal and cumulative time, and their bounds. */
void                        assert_paths_add_up (DetprofStats *stats);
/* The path nodes, one line each in their order: "thread path nc/cc tt ct",
 * the path as names joined by '>', the times with %g. */
char                       *test_render_paths  (DetprofStats *stats);

/* ---- a fake clock ---- */

typedef struct
{
  double now;              /* what the clock reads */
  double cost_of_reading;  /* how far each reading moves it: the hidden cost of one event */
} FakeClock;

/* Timer functions of each shape; their user_data is the FakeClock. */
double fake_clock_read         (gpointer  clock);
gint64 fake_clock_read_integer (gpointer  clock);
void   fake_clock_read_pair    (double   *values,
                                gpointer  clock);
void   fake_clock_read_triple  (double   *values,
                                gpointer  clock);

/* ---- the worked example ---- */

/* reference/dispatch-model.md, section 11: A runs 10 ticks, calls B, which
 * runs 20, then A runs 5 more; each timer reading costs a tick. What
 * CPython's profile.py reports, in ticks, for three biases: one tick
 * cancels the cost exactly, none leaves a tick per stretch, half a tick
 * leaves half. */
typedef struct
{
  double bias;
  double a_tt, a_ct;   /* A's tottime and cumtime */
  double b_tt;         /* B's tottime, which is its cumtime too */
} WorkedExample;

extern const WorkedExample worked_example[3];

/* ---- files ---- */

char         *stats_fixture_path (const char *name);
DetprofStats *load_stats_fixture (const char *name);
void          remove_tree        (const char *path);

/* ---- the canonical text of a table ---- */

/* The rows of @stats in the canonical text of a stats dict that
 * tests/marshal-fixtures/make-fixtures.py's render () prints for Python's
 * reading of a dump: strs quoted with \xNN escapes, ints, floats by their
 * bits ("f:3fe0000000000000"), callers dicts in order. */
char         *test_render_table  (DetprofStats *stats);

G_END_DECLS
