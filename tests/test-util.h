/* test-util.h: what the test programs share.
 *
 * Reading statistics: a function's row and a caller arc by name, and
 * assertions on their numbers, always in pstats' order: ncalls as pstats
 * prints it ("nc/cc": total calls, then primitive calls), then tottime,
 * then cumtime.
 *
 * A fake clock, which moves only when the test says and by a fixed cost at
 * each reading, read through a timer of each shape; the stats fixtures of
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

/* ---- files ---- */

char         *stats_fixture_path (const char *name);
DetprofStats *load_stats_fixture (const char *name);
void          remove_tree        (const char *path);

G_END_DECLS
