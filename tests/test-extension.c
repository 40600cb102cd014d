/* test-extension.c: the extension examples, exactly.
 *
 * Custom timers of each shape and the DepthProfiler subclass
 * (examples/depth-profiler.c) are driven with known events and a fake
 * clock that moves only when the test says, so every number is known in
 * advance. Then the two example programs are run, and their reports
 * checked for what does not depend on the machine: the functions and their
 * call counts, never their times.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "detprof.h"
#include "depth-profiler.h"
#include "depth-profiler-workload.h"
#include "test-util.h"

/* ---- a fake CPU clock in two parts, and timers of each shape that read it ---- */

typedef struct
{
  gint64 user;     /* ticks spent in the program */
  gint64 system;   /* ticks spent in the kernel on its behalf */
} CpuClock;

static void
spend (CpuClock *clock,
       gint64    user,
       gint64    system)
{
  clock->user += user;
  clock->system += system;
}

/* A double: a clock in seconds that moves in quarter seconds (exact in
 * binary, so sums of them are exact too). */
static double
quarter_seconds (gpointer user_data)
{
  CpuClock *clock = user_data;

  return (double) (clock->user + clock->system) * 0.25;
}

/* An integer: a count of milliseconds. */
static gint64
milliseconds (gpointer user_data)
{
  CpuClock *clock = user_data;

  return clock->user + clock->system;
}

/* A tuple: (user, system), in microseconds. */
static void
user_and_system_microseconds (double   *values,
                              gpointer  user_data)
{
  CpuClock *clock = user_data;

  values[0] = (double) clock->user;
  values[1] = (double) clock->system;
}

/* ---- timer shapes ---- */

static const char A[] = "A", B[] = "B";

/* A runs 10 ticks in the program, calls B, which runs 4 ticks in the
 * program and 16 in the kernel, then runs 5 more: A's own time is 15
 * ticks, its total 35, and B's 20, but only if the kernel's ticks count. */
static DetprofStats *
profile_a_calls_b (DetprofTimer *timer,
                   CpuClock     *clock)
{
  g_autoptr(DetprofProfiler) profiler = detprof_profiler_new (timer);
  g_autoptr(GError) error = NULL;
  DetprofStats *stats;

  detprof_profiler_name_function (profiler, A, "shapes.c", 1, "A");
  detprof_profiler_name_function (profiler, B, "shapes.c", 2, "B");
  detprof_profiler_trace_dispatch (profiler, DETPROF_EVENT_CALL, A, NULL);
  spend (clock, 10, 0);
  detprof_profiler_trace_dispatch (profiler, DETPROF_EVENT_CALL, B, NULL);
  spend (clock, 4, 16);
  detprof_profiler_trace_dispatch (profiler, DETPROF_EVENT_RETURN, B, NULL);
  spend (clock, 5, 0);
  detprof_profiler_trace_dispatch (profiler, DETPROF_EVENT_RETURN, A, NULL);

  stats = detprof_profiler_create_stats (profiler, &error);
  g_assert_no_error (error);
  return stats;
}

/* A double is taken as the time itself: with a timeunit of 1, the readings
 * are seconds, and the profile is in quarter seconds exactly. */
static void
test_timer_double_is_in_seconds (void)
{
  CpuClock clock = { 1000, 0 };
  g_autoptr(DetprofTimer) timer = NULL;
  g_autoptr(DetprofStats) stats = NULL;

  timer = detprof_timer_new_double ("quarter-seconds", quarter_seconds, 1.0, &clock, NULL);
  g_assert_cmpint (detprof_timer_get_shape (timer), ==, DETPROF_TIMER_DOUBLE);
  stats = profile_a_calls_b (timer, &clock);

  assert_function (stats, "A", 1, 1, 3.75, 8.75);
  assert_function (stats, "B", 1, 1, 5.0, 5.0);
}

/* An integer is a count of timeunits: the profiler adds up counts and
 * multiplies by the timeunit once, when it makes the statistics, so 15
 * milliseconds come out as exactly 15 * 1e-3 seconds. */
static void
test_timer_integer_counts_timeunits (void)
{
  CpuClock clock = { 1000, 0 };
  g_autoptr(DetprofTimer) timer = NULL;
  g_autoptr(DetprofStats) stats = NULL;

  timer = detprof_timer_new_integer ("milliseconds", milliseconds, 1e-3, &clock, NULL);
  g_assert_cmpint (detprof_timer_get_shape (timer), ==, DETPROF_TIMER_INTEGER);
  g_assert_cmpfloat (detprof_timer_get_timeunit (timer), ==, 1e-3);
  stats = profile_a_calls_b (timer, &clock);

  assert_function (stats, "A", 1, 1, 15 * 1e-3, 35 * 1e-3);
  assert_function (stats, "B", 1, 1, 20 * 1e-3, 20 * 1e-3);
}

/* A tuple's time is the sum of its values: B's 16 ticks in the kernel are
 * charged to it as much as its 4 in the program. */
static void
test_timer_tuple_sums_its_values (void)
{
  CpuClock clock = { 1000, 500 };
  g_autoptr(DetprofTimer) timer = NULL;
  g_autoptr(DetprofStats) stats = NULL;

  timer = detprof_timer_new_tuple ("user+system", 2, user_and_system_microseconds, 1e-6, &clock, NULL);
  g_assert_cmpint (detprof_timer_get_shape (timer), ==, DETPROF_TIMER_TUPLE);
  g_assert_cmpuint (detprof_timer_get_n_values (timer), ==, 2);
  stats = profile_a_calls_b (timer, &clock);

  assert_function (stats, "A", 1, 1, 15 * 1e-6, 35 * 1e-6);
  assert_function (stats, "B", 1, 1, 20 * 1e-6, 20 * 1e-6);
}

/* ---- the depth profiler, with scripted events ---- */

typedef struct
{
  FakeClock        clock;   /* in ticks, one a second: the profiles are in ticks */
  DepthProfiler   *depth;   /* the subclass ... */
  DetprofProfiler *base;    /* ... and its parent class, fed the same events */
} Fixture;

static const char MAIN[] = "main", C[] = "c", F[] = "f", G[] = "g";
static char JMP_BUF[200];   /* a jump target: any address will do */

static void
name_functions (DetprofProfiler *profiler)
{
  detprof_profiler_name_function (profiler, MAIN, "script.c", 1, "main");
  detprof_profiler_name_function (profiler, A, "script.c", 2, "a");
  detprof_profiler_name_function (profiler, B, "script.c", 3, "b");
  detprof_profiler_name_function (profiler, C, "script.c", 4, "c");
  detprof_profiler_name_function (profiler, F, "script.c", 5, "f");
  detprof_profiler_name_function (profiler, G, "script.c", 6, "g");
}

static void
setup (Fixture       *fixture,
       gconstpointer  user_data)
{
  g_autoptr(DetprofTimer) timer = NULL;

  fixture->clock.now = 1000;
  timer = detprof_timer_new_double ("ticks", fake_clock_read, 1.0, &fixture->clock, NULL);
  fixture->depth = depth_profiler_new (timer);
  fixture->base = detprof_profiler_new (timer);
  name_functions (DETPROF_PROFILER (fixture->depth));
  name_functions (fixture->base);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  user_data)
{
  g_clear_object (&fixture->depth);
  g_clear_object (&fixture->base);
}

/* One event of a script, and the ticks the program spends after it. */
typedef struct
{
  int              kind;    /* an event's, or one of the departures below */
  const char      *fn;      /* the function; for a departure, the jump target */
  guintptr         stack;   /* 0: not known */
  gint64           ticks;
} Step;

/* Short names, so that a script reads as a trace. */
#define CALL DETPROF_EVENT_CALL
#define RETURN DETPROF_EVENT_RETURN
#define SETJMP (RETURN + 1)    /* detprof_profiler_note_jump_target() */
#define LONGJMP (RETURN + 2)   /* detprof_profiler_note_long_jump() */

static void
replay (DetprofProfiler *profiler,
        FakeClock       *clock,
        const Step      *steps,
        gsize            n_steps)
{
  gsize i;

  for (i = 0; i < n_steps; i++)
    {
      DetprofEvent event = { (DetprofEventKind) steps[i].kind, steps[i].fn, NULL, steps[i].stack };

      if (steps[i].kind == SETJMP)
        detprof_profiler_note_jump_target (profiler, steps[i].fn);
      else if (steps[i].kind == LONGJMP)
        detprof_profiler_note_long_jump (profiler, steps[i].fn);
      else
        detprof_profiler_dispatch_event (profiler, &event);
      clock->now += steps[i].ticks;
    }
}

/* Plays @steps to the subclass and to the base class, and checks that the
 * subclass's profile is the base class's, to the last bit. */
static void
replay_to_both (Fixture    *fixture,
                const Step *steps,
                gsize       n_steps)
{
  g_autoptr(DetprofStats) depth_stats = NULL;
  g_autoptr(DetprofStats) base_stats = NULL;
  double start = fixture->clock.now;

  replay (DETPROF_PROFILER (fixture->depth), &fixture->clock, steps, n_steps);
  fixture->clock.now = start;
  replay (fixture->base, &fixture->clock, steps, n_steps);

  depth_stats = detprof_profiler_create_stats (DETPROF_PROFILER (fixture->depth), NULL);
  base_stats = detprof_profiler_create_stats (fixture->base, NULL);
  assert_same_stats (base_stats, depth_stats);
  g_assert_cmpint (detprof_profiler_get_abandoned_frames (DETPROF_PROFILER (fixture->depth)), ==,
                   detprof_profiler_get_abandoned_frames (fixture->base));
  g_assert_cmpint (detprof_profiler_get_left_frames (DETPROF_PROFILER (fixture->depth), DETPROF_DEPARTURE_LONGJMP), ==,
                   detprof_profiler_get_left_frames (fixture->base, DETPROF_DEPARTURE_LONGJMP));
}

static void
assert_depths (DepthProfiler *profiler,
               gconstpointer  fn,
               gsize          max_recursion,
               gsize          max_depth)
{
  g_assert_cmpuint (depth_profiler_get_max_recursion (profiler, fn), ==, max_recursion);
  g_assert_cmpuint (depth_profiler_get_max_depth (profiler, fn), ==, max_depth);
}

static void
assert_histogram (DepthProfiler *profiler,
                  const guint64 *calls,
                  gsize          deepest)
{
  gsize depth;

  g_assert_cmpuint (depth_profiler_get_deepest (profiler), ==, deepest);
  g_assert_cmpuint (depth_profiler_get_calls_at_depth (profiler, 0), ==, 0);
  for (depth = 1; depth <= deepest; depth++)
    g_assert_cmpuint (depth_profiler_get_calls_at_depth (profiler, depth), ==, calls[depth]);
  g_assert_cmpuint (depth_profiler_get_calls_at_depth (profiler, deepest + 1), ==, 0);
}

/* main -> a -> b -> a -> b -> a, then main -> c -> c -> c: a recursion
 * depth counts the function's own open activations, not the stack's. */
static void
test_depth_mutual_and_direct_recursion (Fixture       *fixture,
                                        gconstpointer  user_data)
{
  static const Step steps[] = {
    { CALL, MAIN, 0, 1 },
    { CALL, A, 0, 2 }, { CALL, B, 0, 3 }, { CALL, A, 0, 4 }, { CALL, B, 0, 5 }, { CALL, A, 0, 6 },
    { RETURN, A, 0, 7 }, { RETURN, B, 0, 8 }, { RETURN, A, 0, 9 }, { RETURN, B, 0, 10 }, { RETURN, A, 0, 11 },
    { CALL, C, 0, 12 }, { CALL, C, 0, 13 }, { CALL, C, 0, 14 },
    { RETURN, C, 0, 15 }, { RETURN, C, 0, 16 }, { RETURN, C, 0, 17 },
    { RETURN, MAIN, 0, 0 },
  };
  /* calls at depth:            1  2  3  4  5  6 */
  static const guint64 calls[] = { 0, 1, 2, 2, 2, 1, 1 };

  replay_to_both (fixture, steps, G_N_ELEMENTS (steps));

  assert_depths (fixture->depth, MAIN, 1, 1);
  assert_depths (fixture->depth, A, 3, 6);
  assert_depths (fixture->depth, B, 2, 5);
  assert_depths (fixture->depth, C, 3, 4);
  assert_depths (fixture->depth, F, 0, 0);
  assert_histogram (fixture->depth, calls, 6);
}

/* longjmp(): main sets a jump target, goes main -> f -> g -> g, then jumps
 * back into main, which calls g -> g afresh. The parent closes the three
 * frames left behind at the jump, and the shadow stack forgets them with
 * it: g recursed twice, never three times. */
static void
test_depth_frames_left_by_longjmp (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  static const Step steps[] = {
    { CALL, MAIN, 1000, 1 },
    { SETJMP, JMP_BUF, 0, 0 },
    { CALL, F, 900, 2 },
    { CALL, G, 800, 4 },
    { CALL, G, 700, 8 },
    { LONGJMP, JMP_BUF, 0, 0 },
    { CALL, G, 900, 16 },
    { CALL, G, 800, 32 },
    { RETURN, G, 800, 64 },
    { RETURN, G, 900, 128 },
    { RETURN, MAIN, 1000, 0 },
  };
  /* calls at depth:            1  2  3  4 */
  static const guint64 calls[] = { 0, 1, 2, 2, 1 };

  replay_to_both (fixture, steps, G_N_ELEMENTS (steps));

  g_assert_cmpint (detprof_profiler_get_abandoned_frames (fixture->base), ==, 0);
  g_assert_cmpint (detprof_profiler_get_left_frames (fixture->base, DETPROF_DEPARTURE_LONGJMP), ==, 3);
  assert_depths (fixture->depth, MAIN, 1, 1);
  assert_depths (fixture->depth, F, 1, 2);
  assert_depths (fixture->depth, G, 2, 4);
  assert_histogram (fixture->depth, calls, 4);
}

static gpointer
recurse_on_another_thread (gpointer data)
{
  static const Step steps[] = {
    { CALL, C, 0, 1 }, { CALL, C, 0, 1 }, { CALL, C, 0, 1 },
    { RETURN, C, 0, 1 }, { RETURN, C, 0, 1 }, { RETURN, C, 0, 1 },
  };
  FakeClock clock = { 0, 0 };

  replay (data, &clock, steps, G_N_ELEMENTS (steps));
  return NULL;
}

/* Each thread has its own shadow stack, on its own state: while a is open
 * at depth 1 on this thread, another thread's c -> c -> c passes through
 * depths 1 to 3. Had the threads shared one stack, c would have taken a's
 * slot, and the second a would not see the first below it. */
static void
test_depth_follows_every_thread (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  static const Step before[] = { { CALL, A, 0, 1 } };
  static const Step after[] = { { CALL, A, 0, 1 }, { RETURN, A, 0, 1 }, { RETURN, A, 0, 1 } };
  static const guint64 calls[] = { 0, 2, 2, 1 };
  g_autoptr(DetprofStats) stats = NULL;
  GThread *thread;

  replay (DETPROF_PROFILER (fixture->depth), &fixture->clock, before, G_N_ELEMENTS (before));
  thread = g_thread_new ("other", recurse_on_another_thread, fixture->depth);
  g_thread_join (thread);
  replay (DETPROF_PROFILER (fixture->depth), &fixture->clock, after, G_N_ELEMENTS (after));
  stats = detprof_profiler_create_stats (DETPROF_PROFILER (fixture->depth), NULL);

  g_assert_cmpuint (detprof_profiler_get_n_threads (DETPROF_PROFILER (fixture->depth)), ==, 2);
  g_assert_cmpint (find_function (stats, "c")->nc, ==, 3);
  g_assert_cmpint (find_function (stats, "a")->nc, ==, 2);
  assert_depths (fixture->depth, A, 2, 2);
  assert_depths (fixture->depth, C, 3, 3);
  assert_histogram (fixture->depth, calls, 3);
}

/* A subclass that keeps a string of its own on each thread's state. */
#define TEST_TYPE_QDATA_PROFILER (test_qdata_profiler_get_type ())
G_DECLARE_FINAL_TYPE (TestQdataProfiler, test_qdata_profiler, TEST, QDATA_PROFILER, DetprofProfiler)

struct _TestQdataProfiler
{
  DetprofProfiler parent_instance;
};

G_DEFINE_FINAL_TYPE (TestQdataProfiler, test_qdata_profiler, DETPROF_TYPE_PROFILER)

/* The key of our data on each thread's state. */
static GQuark
test_qdata_quark (void)
{
  return g_quark_from_static_string ("test-qdata-profiler");
}

static guint qdata_freed;

static void
count_free (gpointer data)
{
  g_assert_cmpstr (data, ==, "mine");
  qdata_freed++;
}

static gboolean
test_qdata_profiler_dispatch_call (DetprofProfiler    *profiler,
                                   DetprofThreadState *thread,
                                   const DetprofEvent *event,
                                   double              delta)
{
  if (detprof_thread_state_get_qdata (thread, test_qdata_quark ()) == NULL)
    detprof_thread_state_set_qdata_full (thread, test_qdata_quark (), (gpointer) "mine", count_free);
  g_assert_cmpstr (detprof_thread_state_get_qdata (thread, test_qdata_quark ()), ==, "mine");
  return DETPROF_PROFILER_CLASS (test_qdata_profiler_parent_class)->dispatch_call (profiler, thread, event, delta);
}

static void
test_qdata_profiler_class_init (TestQdataProfilerClass *klass)
{
  DETPROF_PROFILER_CLASS (klass)->dispatch_call = test_qdata_profiler_dispatch_call;
}

static void
test_qdata_profiler_init (TestQdataProfiler *self)
{
}

/* A subclass's data on a thread's state is there at the next event, and
 * freed once, with the profiler. */
static void
test_thread_qdata (void)
{
  DetprofProfiler *profiler = g_object_new (TEST_TYPE_QDATA_PROFILER, NULL);

  qdata_freed = 0;
  detprof_profiler_trace_dispatch (profiler, DETPROF_EVENT_CALL, A, NULL);
  detprof_profiler_trace_dispatch (profiler, DETPROF_EVENT_CALL, B, NULL);
  detprof_profiler_trace_dispatch (profiler, DETPROF_EVENT_RETURN, B, NULL);
  g_assert_cmpuint (qdata_freed, ==, 0);

  g_object_unref (profiler);
  g_assert_cmpuint (qdata_freed, ==, 1);
}

/* ---- the depth profiler, on instrumented code ---- */

static gpointer
run_depth_workload (gpointer user_data)
{
  depth_workload_run ();
  return NULL;
}

/* What depth_workload_run() calls at each depth: fib (n) at @depth, and
 * its two recursive calls below it. */
static void
count_fib_calls (int      n,
                 gsize    depth,
                 guint64 *calls)
{
  calls[depth]++;
  if (n < 2)
    return;
  count_fib_calls (n - 1, depth + 1, calls);
  count_fib_calls (n - 2, depth + 1, calls);
}

/* The real hooks, on depth-profiler-workload.c (built with
 * -finstrument-functions): fib (10) recurses 10 deep under
 * depth_workload_run(), and is_even (7) and is_odd() alternate 8 deep. The
 * fake clock never moves, so both profilers' times are all 0, and their
 * profiles must agree exactly. */
static void
test_depth_instrumented_workload (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  guint64 calls[12] = { 0 };
  g_autoptr(DetprofStats) depth_stats = NULL;
  g_autoptr(DetprofStats) base_stats = NULL;
  gsize depth;

  detprof_profiler_runcall (DETPROF_PROFILER (fixture->depth), run_depth_workload, NULL);
  detprof_profiler_runcall (fixture->base, run_depth_workload, NULL);

  calls[1] = 1;                                 /* depth_workload_run () */
  count_fib_calls (10, 2, calls);
  for (depth = 2; depth <= 9; depth++)          /* is_even (7) ... is_odd (0) */
    calls[depth]++;

  assert_depths (fixture->depth, (gconstpointer) depth_workload_run, 1, 1);
  assert_depths (fixture->depth, (gconstpointer) fib, 10, 11);
  assert_depths (fixture->depth, (gconstpointer) is_even, 4, 8);
  assert_depths (fixture->depth, (gconstpointer) is_odd, 4, 9);
  assert_histogram (fixture->depth, calls, 11);

  depth_stats = detprof_profiler_create_stats (DETPROF_PROFILER (fixture->depth), NULL);
  base_stats = detprof_profiler_create_stats (fixture->base, NULL);
  assert_function (depth_stats, "fib", 177, 1, 0.0, 0.0);
  assert_function (depth_stats, "is_even", 4, 1, 0.0, 0.0);
  assert_function (depth_stats, "is_odd", 4, 1, 0.0, 0.0);
  assert_function (depth_stats, "depth_workload_run", 1, 1, 0.0, 0.0);
  assert_same_stats (base_stats, depth_stats);
}

/* ---- the example programs ---- */

static char *
run_example (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "..", "examples", name, NULL);
  const char *argv[] = { path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_test_message ("%s printed:\n%s", name, out);
  g_assert_cmpstr (err, ==, "");
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&out);
}

/* The ncalls column ("177/1" for recursion) of the one row of @report
 * that ends in "(@function)". */
static char *
ncalls_of (const char *report,
           const char *function)
{
  g_auto(GStrv) lines = g_strsplit (report, "\n", -1);
  g_autofree char *suffix = g_strdup_printf ("(%s)", function);
  char ncalls[32] = "";
  guint i, rows = 0;

  for (i = 0; lines[i] != NULL; i++)
    if (g_str_has_suffix (lines[i], suffix))
      {
        g_assert_cmpint (sscanf (lines[i], "%31s", ncalls), ==, 1);
        rows++;
      }
  g_assert_cmpuint (rows, ==, 1);
  return g_strdup (ncalls);
}

static void
assert_ncalls (const char *report,
               const char *function,
               const char *ncalls)
{
  g_autofree char *found = ncalls_of (report, function);

  g_assert_cmpstr (found, ==, ncalls);
}

/* Three reports, one per timer shape, with the same calls in each. */
static void
test_example_timers (void)
{
  g_autofree char *out = run_example ("timers");
  g_auto(GStrv) reports = g_strsplit (out, "==> Timer ", -1);
  guint i;

  g_assert_cmpuint (g_strv_length (reports), ==, 4);
  g_assert_true (g_str_has_prefix (reports[1], "1 of 3: monotonic-seconds (shape double"));
  g_assert_true (g_str_has_prefix (reports[2], "2 of 3: monotonic-nanoseconds (shape integer"));
  g_assert_true (g_str_has_prefix (reports[3], "3 of 3: user+system (shape tuple of 2 values"));
  for (i = 1; i <= 3; i++)
    {
      g_assert_nonnull (strstr (reports[i], " 10016 function calls in "));
      assert_ncalls (reports[i], "timers_workload_run", "1");
      assert_ncalls (reports[i], "crunch", "10");
      assert_ncalls (reports[i], "mix", "10000");
      assert_ncalls (reports[i], "nap", "4");
      assert_ncalls (reports[i], "ask_kernel", "1");
    }
}

/* The recursion table's row for @function, which must exist. */
static void
assert_recursion_row (const char *table,
                      const char *function,
                      gsize       max_recursion,
                      gsize       max_depth)
{
  g_auto(GStrv) lines = g_strsplit (table, "\n", -1);
  guint i, rows = 0;

  for (i = 0; lines[i] != NULL; i++)
    {
      gsize recursion, depth;
      char name[64];

      if (sscanf (lines[i], "%" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " %63s", &recursion, &depth, name) == 3
          && strcmp (name, function) == 0)
        {
          g_assert_cmpuint (recursion, ==, max_recursion);
          g_assert_cmpuint (depth, ==, max_depth);
          rows++;
        }
    }
  g_assert_cmpuint (rows, ==, 1);
}

/* The usual report, then the subclass's two tables, with the functions
 * named and the numbers the instrumented test above found. */
static void
test_example_depth_profiler (void)
{
  g_autofree char *out = run_example ("depth-profiler");
  const char *recursion = strstr (out, "recursion    depth  function\n");
  const char *histogram = strstr (out, "depth      calls\n");
  guint64 calls[12] = { 0 };
  gsize depth;

  g_assert_nonnull (strstr (out, " 186 function calls (4 primitive calls) in "));
  assert_ncalls (out, "fib", "177/1");
  assert_ncalls (out, "is_even", "4/1");
  assert_ncalls (out, "is_odd", "4/1");
  assert_ncalls (out, "depth_workload_run", "1");

  g_assert_nonnull (recursion);
  g_assert_nonnull (histogram);
  g_assert_true (recursion < histogram);
  assert_recursion_row (recursion, "depth_workload_run", 1, 1);
  assert_recursion_row (recursion, "fib", 10, 11);
  assert_recursion_row (recursion, "is_even", 4, 8);
  assert_recursion_row (recursion, "is_odd", 4, 9);

  calls[1] = 1;
  count_fib_calls (10, 2, calls);
  for (depth = 2; depth <= 9; depth++)
    calls[depth]++;
  for (depth = 1; depth <= 11; depth++)
    {
      g_autofree char *row = g_strdup_printf ("\n   %9" G_GSIZE_FORMAT " %10" G_GUINT64_FORMAT "  #",
                                              depth, calls[depth]);

      g_assert_nonnull (strstr (histogram, row));
    }
  g_assert_null (strstr (histogram, "\n          12 "));
}

/* A function of this file that nothing inlines, for the lookup below. */
int extension_looked_up (int x);

enum { LOOKED_UP_LINE = __LINE__ + 2 };
int G_GNUC_NO_INLINE
extension_looked_up (int x)
{
  return x * 7;
}

/* A subclass names functions as the statistics will: a given name first,
 * then the debugging information, then the bare address. */
static void
test_lookup_function (void)
{
  g_autoptr(DetprofProfiler) profiler = detprof_profiler_new (NULL);
  g_autofree char *file = NULL;
  g_autofree char *name = NULL;
  g_autofree char *given_file = NULL;
  g_autofree char *given_name = NULL;
  g_autofree char *unknown_name = NULL;
  int line = -1, given_line = -1;
  static const char nowhere[16];

  detprof_profiler_lookup_function (profiler, (gconstpointer) extension_looked_up, &file, &line, &name);
  g_assert_cmpstr (name, ==, "extension_looked_up");
  g_assert_true (g_str_has_suffix (file, "test-extension.c"));
  g_assert_cmpint (line, ==, LOOKED_UP_LINE);

  detprof_profiler_name_function (profiler, (gconstpointer) extension_looked_up, "given.c", 3, "given");
  detprof_profiler_lookup_function (profiler, (gconstpointer) extension_looked_up,
                                    &given_file, &given_line, &given_name);
  g_assert_cmpstr (given_file, ==, "given.c");
  g_assert_cmpint (given_line, ==, 3);
  g_assert_cmpstr (given_name, ==, "given");

  /* Data is no function: its symbol names it, or its address does. Every
   * out parameter may be left out. */
  detprof_profiler_lookup_function (profiler, nowhere, NULL, NULL, &unknown_name);
  g_assert_nonnull (unknown_name);
  detprof_profiler_lookup_function (profiler, nowhere, NULL, NULL, NULL);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("Custom timers of each shape and the DepthProfiler subclass give the expected numbers on "
                  "known events and a fake clock, and the two example programs report the calls they make.");

  g_test_add_func ("/extension/timer/double-is-in-seconds", test_timer_double_is_in_seconds);
  g_test_add_func ("/extension/timer/integer-counts-timeunits", test_timer_integer_counts_timeunits);
  g_test_add_func ("/extension/timer/tuple-sums-its-values", test_timer_tuple_sums_its_values);
  g_test_add ("/extension/depth/recursion-counts-a-functions-own-activations", Fixture, NULL, setup,
              test_depth_mutual_and_direct_recursion, teardown);
  g_test_add ("/extension/depth/frames-left-by-longjmp-are-forgotten", Fixture, NULL, setup,
              test_depth_frames_left_by_longjmp, teardown);
  g_test_add ("/extension/depth/follows-every-thread", Fixture, NULL, setup,
              test_depth_follows_every_thread, teardown);
  g_test_add ("/extension/depth/instrumented-workload-gives-its-known-depths", Fixture, NULL, setup,
              test_depth_instrumented_workload, teardown);
  g_test_add_func ("/extension/thread-qdata-lasts-until-the-profiler-is-freed", test_thread_qdata);
  g_test_add_func ("/extension/lookup-function-names-as-the-statistics-will", test_lookup_function);
  g_test_add_func ("/extension/examples/timers-makes-the-same-calls-with-each-shape", test_example_timers);
  g_test_add_func ("/extension/examples/depth-profiler-prints-its-two-tables", test_example_depth_profiler);

  return g_test_run ();
}
