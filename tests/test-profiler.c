/* test-profiler.c: the dispatcher's numbers, exactly.
 *
 * A fake timer stands still until the workload advances it, so every
 * number is known in advance. The main workload is a C twin of CPython's
 * test/profilee.py, driven through detprof_profiler_trace_dispatch(); the
 * expected values below are what CPython 3.11's profile.py computes for the
 * same events (printed with repr(), so these literals are the very same
 * doubles).
 */
#include "config.h"

#include <math.h>
#include <libglib-testing/signal-logger.h>

#include "detprof.h"
#include "detprof-profiler.h"
#include "test-util.h"

/* ---- a profiler subclass whose timer is a clock the test sets ---- */

#define TEST_TYPE_PROFILER (test_profiler_get_type ())
G_DECLARE_FINAL_TYPE (TestProfiler, test_profiler, TEST, PROFILER, DetprofProfiler)

struct _TestProfiler
{
  DetprofProfiler parent_instance;
  FakeClock       clock;    /* what the timer reads, and what a reading costs (the hidden overhead) */
  gboolean        reenter;  /* dispatch a nested event from inside a call */
};

G_DEFINE_TYPE (TestProfiler, test_profiler, DETPROF_TYPE_PROFILER)

static double
test_profiler_read_timer (DetprofProfiler *profiler)
{
  return fake_clock_read (&TEST_PROFILER (profiler)->clock);
}

static gboolean
test_profiler_dispatch_call (DetprofProfiler    *profiler,
                             DetprofThreadState *thread,
                             const DetprofEvent *event,
                             double              delta)
{
  if (TEST_PROFILER (profiler)->reenter)
    detprof_profiler_trace_dispatch (profiler, DETPROF_EVENT_CALL, "nested", NULL);
  return DETPROF_PROFILER_CLASS (test_profiler_parent_class)->dispatch_call (profiler, thread, event, delta);
}

static void
test_profiler_class_init (TestProfilerClass *klass)
{
  DETPROF_PROFILER_CLASS (klass)->read_timer = test_profiler_read_timer;
  DETPROF_PROFILER_CLASS (klass)->dispatch_call = test_profiler_dispatch_call;
}

static void
test_profiler_init (TestProfiler *self)
{
}

/* The profiler's statistics are in seconds: a timer of one tick per second
 * keeps the numbers in ticks. */
static double
unused_timer (gpointer user_data)
{
  return 0.0;
}

static TestProfiler *
test_profiler_new (double bias)
{
  g_autoptr(DetprofTimer) ticks = detprof_timer_new_double ("ticks", unused_timer, 1.0, NULL, NULL);

  return g_object_new (TEST_TYPE_PROFILER, "timer", ticks, "bias", bias, NULL);
}

/* ---- the workload: profilee.py in C ---- */

typedef struct
{
  DetprofProfiler *profiler;
  FakeClock       *clock;   /* the clock the workload advances */
} Workload;

/* Function identities: any distinct addresses will do. */
static const char TESTFUNC[] = "testfunc", FACTORIAL[] = "factorial", MUL[] = "mul",
  HELPER[] = "helper", HELPER1[] = "helper1", HELPER2_INDIRECT[] = "helper2_indirect",
  HELPER2[] = "helper2", SUBHELPER[] = "subhelper", GETATTR[] = "__getattr__",
  HASATTR[] = "hasattr", APPEND[] = "append", EXC_INFO[] = "exc_info";

static void
name_profilee (DetprofProfiler *profiler)
{
  detprof_profiler_name_function (profiler, TESTFUNC, "profilee.py", 25, "testfunc");
  detprof_profiler_name_function (profiler, FACTORIAL, "profilee.py", 35, "factorial");
  detprof_profiler_name_function (profiler, MUL, "profilee.py", 48, "mul");
  detprof_profiler_name_function (profiler, HELPER, "profilee.py", 55, "helper");
  detprof_profiler_name_function (profiler, HELPER1, "profilee.py", 73, "helper1");
  detprof_profiler_name_function (profiler, HELPER2_INDIRECT, "profilee.py", 84, "helper2_indirect");
  detprof_profiler_name_function (profiler, HELPER2, "profilee.py", 88, "helper2");
  detprof_profiler_name_function (profiler, SUBHELPER, "profilee.py", 98, "subhelper");
  detprof_profiler_name_function (profiler, GETATTR, "profilee.py", 110, "__getattr__");
  detprof_profiler_name_function (profiler, HASATTR, "", 0, "hasattr");
  detprof_profiler_name_function (profiler, APPEND, "", 0, "append");
  detprof_profiler_name_function (profiler, EXC_INFO, "", 0, "exc_info");
}

static void
enter (Workload   *w,
       const char *fn)
{
  detprof_profiler_trace_dispatch (w->profiler, DETPROF_EVENT_CALL, fn, NULL);
}

static void
leave (Workload   *w,
       const char *fn)
{
  detprof_profiler_trace_dispatch (w->profiler, DETPROF_EVENT_RETURN, fn, NULL);
}

static void
tick (Workload *w,
      double    ticks)
{
  w->clock->now += ticks;
}

static void
getattr_raises (Workload *w)
{
  enter (w, GETATTR);
  tick (w, 1);
  leave (w, GETATTR);
}

static void
hasattr_builtin (Workload *w)
{
  enter (w, HASATTR);
  getattr_raises (w);
  leave (w, HASATTR);
}

static void
builtin (Workload   *w,
         const char *fn)
{
  enter (w, fn);
  leave (w, fn);
}

static void
mul (Workload *w)
{
  enter (w, MUL);
  tick (w, 1);
  leave (w, MUL);
}

static void
factorial (Workload *w,
           int       n)
{
  enter (w, FACTORIAL);
  if (n > 0)
    {
      tick (w, n);
      factorial (w, n - 1);
      mul (w);
    }
  else
    tick (w, 11);
  leave (w, FACTORIAL);
}

static void
subhelper (Workload *w)
{
  int i;

  enter (w, SUBHELPER);
  tick (w, 2);
  for (i = 0; i < 2; i++)
    {
      getattr_raises (w);
      tick (w, 3);
    }
  leave (w, SUBHELPER);
}

static void
helper2 (Workload *w)
{
  enter (w, HELPER2);
  tick (w, 11);
  hasattr_builtin (w);
  tick (w, 13);
  subhelper (w);
  tick (w, 15);
  leave (w, HELPER2);
}

static void
helper2_indirect (Workload *w)
{
  enter (w, HELPER2_INDIRECT);
  helper2 (w);
  factorial (w, 3);
  leave (w, HELPER2_INDIRECT);
}

static void
helper1 (Workload *w)
{
  enter (w, HELPER1);
  tick (w, 10);
  hasattr_builtin (w);
  tick (w, 19);
  builtin (w, APPEND);
  builtin (w, EXC_INFO);
  leave (w, HELPER1);
}

static void
helper (Workload *w)
{
  enter (w, HELPER);
  tick (w, 1);
  helper1 (w);
  tick (w, 2);
  helper1 (w);
  tick (w, 6);
  helper2 (w);
  tick (w, 3);
  helper2 (w);
  tick (w, 2);
  helper2 (w);
  tick (w, 5);
  helper2_indirect (w);
  tick (w, 1);
  leave (w, HELPER);
}

static void
testfunc (Workload *w)
{
  enter (w, TESTFUNC);
  tick (w, 99);
  helper (w);
  helper (w);
  tick (w, 171);
  factorial (w, 14);
  leave (w, TESTFUNC);
}

/* ---- fixtures and helpers ---- */

typedef struct
{
  TestProfiler *profiler;
  DetprofStats *stats;
} Fixture;

static void
setup (Fixture       *fixture,
       gconstpointer  user_data)
{
  fixture->profiler = test_profiler_new (0.0);
  fixture->profiler->clock.now = 42000;
}

static void
teardown (Fixture       *fixture,
          gconstpointer  user_data)
{
  g_clear_object (&fixture->stats);
  g_clear_object (&fixture->profiler);
}

static void
run_profilee (Fixture *fixture)
{
  Workload w = { DETPROF_PROFILER (fixture->profiler), &fixture->profiler->clock };
  g_autoptr(GError) error = NULL;
  double start = fixture->profiler->clock.now;

  name_profilee (w.profiler);
  testfunc (&w);
  g_assert_cmpfloat (fixture->profiler->clock.now - start, ==, 1000);

  fixture->stats = detprof_profiler_create_stats (w.profiler, &error);
  g_assert_no_error (error);
}

/* The arc from @caller into @callee is (@nc/@cc, @tt, @ct), cProfile's
 * tuple, to the bit. */
static void
assert_arc (DetprofStats *stats,
            const char   *callee,
            const char   *caller,
            gint64        nc,
            gint64        cc,
            double        tt,
            double        ct)
{
  const DetprofCallerArc *a = find_arc (stats, callee, caller);

  g_assert_cmpint (a->style, ==, DETPROF_CALLER_TUPLE);
  g_assert_cmpint (a->nc, ==, nc);
  g_assert_cmpint (a->cc, ==, cc);
  g_assert_cmpfloat (a->tt.value, ==, tt);
  g_assert_cmpfloat (a->ct.value, ==, ct);
}

/* ---- the profilee tables ---- */

/* With a bias of 0.001 tick, every number equals profile.py's, to the bit:
 * each activation loses 0.001 per interval charged to it. */
static void
test_profilee_with_bias_matches_profile_py (Fixture       *fixture,
                                            gconstpointer  user_data)
{
  DetprofStats *s;

  detprof_profiler_set_bias (DETPROF_PROFILER (fixture->profiler), 0.001);
  run_profilee (fixture);
  s = fixture->stats;

  assert_function (s, "testfunc", 1, 1, 269.996, 999.7689999999999);
  assert_function (s, "helper", 2, 2, 39.986, 599.8299999999999);
  assert_function (s, "helper1", 4, 4, 115.98399999999998, 119.96399999999998);
  assert_function (s, "hasattr", 12, 12, -0.024000000000000007, 11.964);
  assert_function (s, "__getattr__", 28, 28, 27.97199999999999, 27.97199999999999);
  assert_function (s, "append", 4, 4, -0.004, -0.004);
  assert_function (s, "exc_info", 4, 4, -0.004, -0.004);
  assert_function (s, "helper2", 8, 8, 311.97600000000006, 399.9119999999999);
  assert_function (s, "subhelper", 8, 8, 63.976, 79.96);
  assert_function (s, "helper2_indirect", 2, 2, -0.006, 139.946);
  assert_function (s, "factorial", 23, 3, 149.937, 169.91699999999997);
  assert_function (s, "mul", 20, 20, 19.98, 19.98);
  g_assert_cmpuint (detprof_stats_get_n_functions (s), ==, 12);
  g_assert_cmpint (detprof_stats_get_total_calls (s), ==, 116);
  g_assert_cmpint (detprof_stats_get_primitive_calls (s), ==, 96);
}

/* With no bias and no overhead, every time is the true tick count. */
static void
test_profilee_without_bias_is_exact (Fixture       *fixture,
                                     gconstpointer  user_data)
{
  DetprofStats *s;

  run_profilee (fixture);
  s = fixture->stats;

  assert_function (s, "testfunc", 1, 1, 270, 1000);
  assert_function (s, "helper", 2, 2, 40, 600);
  assert_function (s, "helper1", 4, 4, 116, 120);
  assert_function (s, "hasattr", 12, 12, 0, 12);
  assert_function (s, "__getattr__", 28, 28, 28, 28);
  assert_function (s, "append", 4, 4, 0, 0);
  assert_function (s, "exc_info", 4, 4, 0, 0);
  assert_function (s, "helper2", 8, 8, 312, 400);
  assert_function (s, "subhelper", 8, 8, 64, 80);
  assert_function (s, "helper2_indirect", 2, 2, 0, 140);
  assert_function (s, "factorial", 23, 3, 150, 170);
  assert_function (s, "mul", 20, 20, 20, 20);
}

/* Caller arcs follow cProfile's accounting: a recursive arc counts its
 * primitive calls and cumulative time per arc (test_cprofile's table). */
static void
test_profilee_arcs_match_cprofile (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  DetprofStats *s;

  run_profilee (fixture);
  s = fixture->stats;

  assert_arc (s, "factorial", "testfunc", 1, 1, 14, 130);
  assert_arc (s, "factorial", "helper2_indirect", 2, 2, 6, 40);
  assert_arc (s, "factorial", "factorial", 20, 3, 130, 147);
  assert_arc (s, "helper2", "helper", 6, 6, 234, 300);
  assert_arc (s, "helper2", "helper2_indirect", 2, 2, 78, 100);
  assert_arc (s, "__getattr__", "subhelper", 16, 16, 16, 16);
  assert_arc (s, "__getattr__", "hasattr", 12, 12, 12, 12);
  assert_arc (s, "hasattr", "helper1", 4, 4, 0, 4);
  assert_arc (s, "hasattr", "helper2", 8, 8, 0, 8);
  assert_arc (s, "mul", "factorial", 20, 20, 20, 20);
  g_assert_cmpuint (find_function (s, "testfunc")->n_callers, ==, 0);
  g_assert_cmpuint (find_function (s, "factorial")->n_callers, ==, 3);
}

/* ---- timer shapes ---- */

/* Each timer shape gives the same profile; the timeunit turns ticks into
 * seconds (here: a millisecond tick, as CPython's tests use). */
static void
test_timer_shapes_give_the_same_profile (void)
{
  const char *shapes[] = { "double", "integer", "pair", "triple" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      FakeClock clock = { 42000, 0 };
      g_autoptr(DetprofTimer) timer = NULL;
      g_autoptr(DetprofProfiler) profiler = NULL;
      g_autoptr(DetprofStats) stats = NULL;
      g_autoptr(GError) error = NULL;
      Workload w;

      if (i == 0)
        timer = detprof_timer_new_double ("ms", fake_clock_read, 0.001, &clock, NULL);
      else if (i == 1)
        timer = detprof_timer_new_integer ("ms", fake_clock_read_integer, 0.001, &clock, NULL);
      else if (i == 2)
        timer = detprof_timer_new_tuple ("ms", 2, fake_clock_read_pair, 0.001, &clock, NULL);
      else
        timer = detprof_timer_new_tuple ("ms", 3, fake_clock_read_triple, 0.001, &clock, NULL);

      g_test_message ("timer shape: %s", shapes[i]);
      profiler = detprof_profiler_new (timer);
      w.profiler = profiler;
      w.clock = &clock;
      name_profilee (profiler);
      testfunc (&w);
      stats = detprof_profiler_create_stats (profiler, &error);
      g_assert_no_error (error);

      assert_function (stats, "testfunc", 1, 1, 270 * 0.001, 1000 * 0.001);
      assert_function (stats, "factorial", 23, 3, 150 * 0.001, 170 * 0.001);
      assert_function (stats, "helper2", 8, 8, 312 * 0.001, 400 * 0.001);
      assert_arc (stats, "factorial", "factorial", 20, 3, 130 * 0.001, 147 * 0.001);
    }
}

/* ---- bias ---- */

static void
run_a_calls_b (DetprofProfiler *profiler,
               FakeClock       *clock)
{
  static const char A[] = "A", B[] = "B";
  Workload w = { profiler, clock };

  detprof_profiler_name_function (profiler, A, "demo.c", 4, "A");
  detprof_profiler_name_function (profiler, B, "demo.c", 2, "B");
  enter (&w, A);
  tick (&w, 10);
  enter (&w, B);
  tick (&w, 20);
  leave (&w, B);
  tick (&w, 5);
  leave (&w, A);
}

/* Each reading costs one tick; a bias of one tick per event cancels it
 * exactly, a bias of 0 leaves one tick per interval, and half a tick
 * leaves half (dispatch-model.md, section 11: test-util's worked_example). */
static void
test_bias_subtracted_once_per_event (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (worked_example); i++)
    {
      const WorkedExample *expected = &worked_example[i];
      g_autoptr(TestProfiler) profiler = test_profiler_new (expected->bias);
      g_autoptr(DetprofStats) stats = NULL;

      profiler->clock.now = 1000;
      profiler->clock.cost_of_reading = 1;
      run_a_calls_b (DETPROF_PROFILER (profiler), &profiler->clock);
      profiler->clock.cost_of_reading = 0;
      stats = detprof_profiler_create_stats (DETPROF_PROFILER (profiler), NULL);

      assert_function (stats, "A", 1, 1, expected->a_tt, expected->a_ct);
      assert_function (stats, "B", 1, 1, expected->b_tt, expected->b_tt);
    }
}

/* A subclass that handles whole events itself, reading the timer once per
 * event, as examples/fast-tsc-profiler.c does with the cycle counter. */
#define TEST_TYPE_ONCE_PROFILER (test_once_profiler_get_type ())
G_DECLARE_FINAL_TYPE (TestOnceProfiler, test_once_profiler, TEST, ONCE_PROFILER, DetprofProfiler)

struct _TestOnceProfiler
{
  DetprofProfiler parent_instance;
  FakeClock       clock;    /* what the timer reads, and what a reading costs */
  guint           events;   /* how many events it handled */
  guint           reads;    /* how many times it read the timer */
};

G_DEFINE_TYPE (TestOnceProfiler, test_once_profiler, DETPROF_TYPE_PROFILER)

static void
test_once_profiler_handle_event (DetprofProfiler    *profiler,
                                 DetprofThreadState *thread,
                                 const DetprofEvent *event)
{
  TestOnceProfiler *self = TEST_ONCE_PROFILER (profiler);
  DetprofProfilerClass *klass = DETPROF_PROFILER_GET_CLASS (profiler);
  double now = klass->read_timer (profiler);
  double delta = now - detprof_thread_state_get_stopwatch (thread) - detprof_profiler_get_bias (profiler);
  gboolean charged;

  self->events++;
  if (event->kind == DETPROF_EVENT_CALL)
    charged = klass->dispatch_call (profiler, thread, event, delta);
  else
    charged = klass->dispatch_return (profiler, thread, event, delta);
  detprof_thread_state_set_stopwatch (thread, charged ? now : now - delta);
}

static double
test_once_profiler_read_timer (DetprofProfiler *profiler)
{
  TestOnceProfiler *self = TEST_ONCE_PROFILER (profiler);

  /* Counts the readings made outside events too (a thread's first). */
  self->reads++;
  return fake_clock_read (&self->clock);
}

static void
test_once_profiler_class_init (TestOnceProfilerClass *klass)
{
  DETPROF_PROFILER_CLASS (klass)->handle_event = test_once_profiler_handle_event;
  DETPROF_PROFILER_CLASS (klass)->read_timer = test_once_profiler_read_timer;
}

static void
test_once_profiler_init (TestOnceProfiler *self)
{
}

/* Read once per event, a reading's cost is no longer hidden between two
 * readings: it lands in the next delta. One tick per reading is then
 * exactly what the base class shows with its two readings (the first
 * costs nothing it does not also charge), and a bias of one tick cancels
 * it just the same. handle_event ran for every event, and read the timer
 * once for each (plus the thread's first reading). */
static void
test_handle_event_override_reads_once (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (worked_example); i++)
    {
      const WorkedExample *expected = &worked_example[i];
      g_autoptr(DetprofTimer) ticks = detprof_timer_new_double ("ticks", unused_timer, 1.0, NULL, NULL);
      g_autoptr(TestOnceProfiler) profiler = g_object_new (TEST_TYPE_ONCE_PROFILER, "timer", ticks,
                                                           "bias", expected->bias, NULL);
      g_autoptr(DetprofStats) stats = NULL;

      profiler->clock.now = 1000;
      profiler->clock.cost_of_reading = 1;
      run_a_calls_b (DETPROF_PROFILER (profiler), &profiler->clock);
      profiler->clock.cost_of_reading = 0;
      g_assert_cmpuint (profiler->events, ==, 4);
      g_assert_cmpuint (profiler->reads, ==, 1 + 4);

      stats = detprof_profiler_create_stats (DETPROF_PROFILER (profiler), NULL);
      assert_function (stats, "A", 1, 1, expected->a_tt, expected->a_ct);
      assert_function (stats, "B", 1, 1, expected->b_tt, expected->b_tt);
    }
}

/* The class default applies to profilers made afterwards without a bias
 * (profile.py's Profile.bias = b); existing ones keep theirs. */
static void
test_bias_class_default (void)
{
  TestProfilerClass *klass = g_type_class_ref (TEST_TYPE_PROFILER);
  g_autoptr(DetprofProfiler) before = g_object_new (TEST_TYPE_PROFILER, NULL);
  g_autoptr(DetprofProfiler) after = NULL;
  g_autoptr(DetprofProfiler) explicit = NULL;
  g_autoptr(DetprofProfiler) base = NULL;

  detprof_profiler_class_set_default_bias (DETPROF_PROFILER_CLASS (klass), 2.5e-8);
  after = g_object_new (TEST_TYPE_PROFILER, NULL);
  explicit = g_object_new (TEST_TYPE_PROFILER, "bias", 1e-9, NULL);
  base = detprof_profiler_new (NULL);

  g_assert_cmpfloat (detprof_profiler_get_bias (before), ==, 0.0);
  g_assert_cmpfloat (detprof_profiler_get_bias (after), ==, 2.5e-8);
  g_assert_cmpfloat (detprof_profiler_get_bias (explicit), ==, 1e-9);
  g_assert_cmpfloat (detprof_profiler_get_bias (base), ==, 0.0);

  detprof_profiler_class_set_default_bias (DETPROF_PROFILER_CLASS (klass), 0.0);
  g_type_class_unref (klass);
}

/* A bias given at construction is the instance's, and so is one set later,
 * which notifies "bias" once per change and takes effect at the next event. */
static void
test_bias_property_notifies (void)
{
  g_autoptr(DetprofProfiler) profiler = NULL;
  g_autoptr(GtSignalLogger) logger = NULL;
  double bias = 0.0;

  profiler = detprof_profiler_new_with_bias (NULL, 3e-9);
  g_assert_cmpfloat (detprof_profiler_get_bias (profiler), ==, 3e-9);

  logger = gt_signal_logger_new ();
  gt_signal_logger_connect (logger, profiler, "notify::bias");

  detprof_profiler_set_bias (profiler, 7e-9);
  gt_signal_logger_assert_notify_emission_pop (logger, profiler, "bias");
  detprof_profiler_set_bias (profiler, 7e-9);   /* unchanged: no notification */
  g_object_set (profiler, "bias", 1e-8, NULL);
  gt_signal_logger_assert_notify_emission_pop (logger, profiler, "bias");
  gt_signal_logger_assert_no_emissions (logger);

  g_object_get (profiler, "bias", &bias, NULL);
  g_assert_cmpfloat (bias, ==, 1e-8);
}

/* A bias that is not a finite number is a caller bug, and it must be loud. */
static void
test_bias_must_be_finite (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(DetprofProfiler) profiler = detprof_profiler_new (NULL);

      detprof_profiler_set_bias (profiler, NAN);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*isfinite (bias)*");
}

/* No function lives at address 0: an event that says so is a caller bug,
 * refused loudly before it reaches the stack (whose root frame has that
 * address). */
static void
test_event_without_function_is_refused (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(DetprofProfiler) profiler = detprof_profiler_new (NULL);

      detprof_profiler_trace_dispatch (profiler, DETPROF_EVENT_RETURN, NULL, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*event->fn != NULL*");
}

/* ---- structure: recursion, unwinding, open frames ---- */

/* a -> b -> a -> b: each function's cumulative time is counted once, at
 * its outermost activation; every activation counts as a call. */
static void
test_mutual_recursion (Fixture       *fixture,
                       gconstpointer  user_data)
{
  static const char A[] = "a", B[] = "b";
  Workload w = { DETPROF_PROFILER (fixture->profiler), &fixture->profiler->clock };
  g_autoptr(DetprofStats) s = NULL;

  detprof_profiler_name_function (w.profiler, A, "m.c", 1, "a");
  detprof_profiler_name_function (w.profiler, B, "m.c", 2, "b");
  enter (&w, A); tick (&w, 1);
  enter (&w, B); tick (&w, 2);
  enter (&w, A); tick (&w, 4);
  enter (&w, B); tick (&w, 8);
  leave (&w, B); tick (&w, 16);
  leave (&w, A); tick (&w, 32);
  leave (&w, B); tick (&w, 64);
  leave (&w, A);
  s = detprof_profiler_create_stats (w.profiler, NULL);

  assert_function (s, "a", 2, 1, 1 + 64 + 4 + 16, 127);
  assert_function (s, "b", 2, 1, 2 + 32 + 8, 2 + 32 + 28);
  assert_arc (s, "a", "b", 1, 1, 4 + 16, 28);
  assert_arc (s, "b", "a", 2, 1, 2 + 32 + 8, 2 + 32 + 28);
}

/* Without stack addresses, a return whose frame is below the top closes
 * the frames above it with no more time (missed exits); as in profile.py's
 * repair, the last stretch goes to the frame that did return. */
static void
test_return_closes_skipped_frames (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  static const char A[] = "a", B[] = "b", C[] = "c";
  Workload w = { DETPROF_PROFILER (fixture->profiler), &fixture->profiler->clock };
  g_autoptr(DetprofStats) s = NULL;

  detprof_profiler_name_function (w.profiler, A, "u.c", 1, "a");
  detprof_profiler_name_function (w.profiler, B, "u.c", 2, "b");
  detprof_profiler_name_function (w.profiler, C, "u.c", 3, "c");
  enter (&w, A); tick (&w, 1);
  enter (&w, B); tick (&w, 2);
  enter (&w, C); tick (&w, 4);
  leave (&w, A);
  s = detprof_profiler_create_stats (w.profiler, NULL);

  assert_function (s, "c", 1, 1, 0, 0);
  assert_function (s, "b", 1, 1, 2, 2);
  assert_function (s, "a", 1, 1, 1 + 4, 7);
  g_assert_cmpint (detprof_profiler_get_abandoned_frames (w.profiler), ==, 2);
  g_assert_cmpint (detprof_profiler_get_unmatched_returns (w.profiler), ==, 0);
}

static void
event_at (DetprofProfiler  *profiler,
          DetprofEventKind  kind,
          const char       *fn,
          guintptr          stack)
{
  DetprofEvent event = { kind, fn, NULL, stack };

  detprof_profiler_dispatch_event (profiler, &event);
}

/* The hooks of a function inlined into its caller run in the caller's own
 * stack frame, at the caller's stack address: they are its callee all the
 * same. (Closing frames by stack address once made every -O2 build's
 * call tree wrong.) main -> outer -> helper (inlined: outer's address),
 * then outer -> leaf (a real call, lower). */
static void
test_inlined_callee_at_callers_address (Fixture       *fixture,
                                        gconstpointer  user_data)
{
  static const char MAIN[] = "main", OUTER[] = "outer", INLINED[] = "helper", LEAF[] = "leaf";
  DetprofProfiler *p = DETPROF_PROFILER (fixture->profiler);
  double *now = &fixture->profiler->clock.now;
  g_autoptr(DetprofStats) s = NULL;

  detprof_profiler_name_function (p, MAIN, "i.c", 1, "main");
  detprof_profiler_name_function (p, OUTER, "i.c", 2, "outer");
  detprof_profiler_name_function (p, INLINED, "i.c", 3, "helper");
  detprof_profiler_name_function (p, LEAF, "i.c", 4, "leaf");
  event_at (p, DETPROF_EVENT_CALL, MAIN, 1000); *now += 1;
  event_at (p, DETPROF_EVENT_CALL, OUTER, 900); *now += 2;
  event_at (p, DETPROF_EVENT_CALL, INLINED, 900); *now += 4;
  event_at (p, DETPROF_EVENT_RETURN, INLINED, 900); *now += 8;
  event_at (p, DETPROF_EVENT_CALL, INLINED, 900); *now += 16;
  event_at (p, DETPROF_EVENT_CALL, LEAF, 800); *now += 32;
  event_at (p, DETPROF_EVENT_RETURN, LEAF, 800); *now += 64;
  event_at (p, DETPROF_EVENT_RETURN, INLINED, 900); *now += 128;
  event_at (p, DETPROF_EVENT_RETURN, OUTER, 900); *now += 256;
  event_at (p, DETPROF_EVENT_RETURN, MAIN, 1000);
  s = detprof_profiler_create_stats (p, NULL);

  g_assert_cmpint (detprof_profiler_get_abandoned_frames (p), ==, 0);
  assert_function (s, "helper", 2, 2, 4 + 16 + 64, 4 + 16 + 32 + 64);
  assert_function (s, "leaf", 1, 1, 32, 32);
  assert_function (s, "outer", 1, 1, 2 + 8 + 128, 254);
  assert_function (s, "main", 1, 1, 1 + 256, 511);
  assert_arc (s, "helper", "outer", 2, 2, 84, 116);
  assert_arc (s, "leaf", "helper", 1, 1, 32, 32);
  assert_arc (s, "outer", "main", 1, 1, 138, 254);
}

/* longjmp(): main sets a jump target, calls f, which calls g, which jumps
 * back into main; main then calls h. f and g are closed at the jump, with
 * the time they had (the stretch up to the jump is g's), and counted as
 * left by a long jump, not as abandoned; the time after the jump is
 * main's. */
static void
test_long_jump_closes_frames_at_the_jump (Fixture       *fixture,
                                          gconstpointer  user_data)
{
  static const char MAIN[] = "main", F[] = "f", G[] = "g", H[] = "h";
  static char target[200];
  DetprofProfiler *p = DETPROF_PROFILER (fixture->profiler);
  double *now = &fixture->profiler->clock.now;
  g_autoptr(DetprofStats) s = NULL;

  detprof_profiler_name_function (p, MAIN, "j.c", 1, "main");
  detprof_profiler_name_function (p, F, "j.c", 2, "f");
  detprof_profiler_name_function (p, G, "j.c", 3, "g");
  detprof_profiler_name_function (p, H, "j.c", 4, "h");
  event_at (p, DETPROF_EVENT_CALL, MAIN, 1000); *now += 1;
  detprof_profiler_note_jump_target (p, target);
  event_at (p, DETPROF_EVENT_CALL, F, 900); *now += 2;
  event_at (p, DETPROF_EVENT_CALL, G, 800); *now += 4;
  detprof_profiler_note_long_jump (p, target); *now += 8;
  event_at (p, DETPROF_EVENT_CALL, H, 900); *now += 16;
  event_at (p, DETPROF_EVENT_RETURN, H, 900); *now += 32;
  event_at (p, DETPROF_EVENT_RETURN, MAIN, 1000);
  s = detprof_profiler_create_stats (p, NULL);

  g_assert_cmpint (detprof_profiler_get_abandoned_frames (p), ==, 0);
  g_assert_cmpint (detprof_profiler_get_left_frames (p, DETPROF_DEPARTURE_LONGJMP), ==, 2);
  g_assert_cmpstr (detprof_stats_get_info (s, "frames-left-by-longjmp"), ==, "2");
  assert_function (s, "g", 1, 1, 4, 4);
  assert_function (s, "f", 1, 1, 2, 6);
  assert_function (s, "h", 1, 1, 16, 16);
  assert_function (s, "main", 1, 1, 1 + 8 + 32, 63);
  assert_arc (s, "h", "main", 1, 1, 16, 16);
}

/* A jump to a target whose frame has returned (undefined behaviour, or a
 * buffer reused), or to one never seen, closes nothing: the frames the
 * program left are found at the next return of an older one. */
static void
test_long_jump_to_stale_target_closes_nothing (Fixture       *fixture,
                                               gconstpointer  user_data)
{
  static const char MAIN[] = "main", F[] = "f", G[] = "g";
  static char target[200], unknown[200];
  DetprofProfiler *p = DETPROF_PROFILER (fixture->profiler);
  double *now = &fixture->profiler->clock.now;
  g_autoptr(DetprofStats) s = NULL;

  detprof_profiler_name_function (p, MAIN, "j.c", 1, "main");
  detprof_profiler_name_function (p, F, "j.c", 2, "f");
  detprof_profiler_name_function (p, G, "j.c", 3, "g");
  event_at (p, DETPROF_EVENT_CALL, MAIN, 1000); *now += 1;
  event_at (p, DETPROF_EVENT_CALL, F, 900); *now += 1;
  detprof_profiler_note_jump_target (p, target);
  event_at (p, DETPROF_EVENT_RETURN, F, 900); *now += 1;
  event_at (p, DETPROF_EVENT_CALL, G, 900); *now += 1;
  detprof_profiler_note_long_jump (p, target);
  detprof_profiler_note_long_jump (p, unknown); *now += 1;
  event_at (p, DETPROF_EVENT_RETURN, MAIN, 1000);
  s = detprof_profiler_create_stats (p, NULL);

  g_assert_cmpint (detprof_profiler_get_left_frames (p, DETPROF_DEPARTURE_LONGJMP), ==, 0);
  g_assert_cmpint (detprof_profiler_get_abandoned_frames (p), ==, 1);
  assert_function (s, "g", 1, 1, 0, 0);
  assert_function (s, "main", 1, 1, 1 + 1 + 2, 5);
}

/* A C++ exception caught in f, whose unwinding called no exit hooks
 * (clang): main -> f -> g -> h, h inlined into g (g's address). The frames
 * entered below f's address are closed at the catch; f goes on. */
static void
test_catch_closes_frames_below_the_catcher (Fixture       *fixture,
                                            gconstpointer  user_data)
{
  static const char MAIN[] = "main", F[] = "f", G[] = "g", H[] = "h";
  DetprofProfiler *p = DETPROF_PROFILER (fixture->profiler);
  double *now = &fixture->profiler->clock.now;
  g_autoptr(DetprofStats) s = NULL;

  detprof_profiler_name_function (p, MAIN, "x.cc", 1, "main");
  detprof_profiler_name_function (p, F, "x.cc", 2, "f");
  detprof_profiler_name_function (p, G, "x.cc", 3, "g");
  detprof_profiler_name_function (p, H, "x.cc", 4, "h");
  event_at (p, DETPROF_EVENT_CALL, MAIN, 1000); *now += 1;
  event_at (p, DETPROF_EVENT_CALL, F, 900); *now += 2;
  event_at (p, DETPROF_EVENT_CALL, G, 800); *now += 4;
  event_at (p, DETPROF_EVENT_CALL, H, 800); *now += 8;
  detprof_profiler_note_catch (p, 900); *now += 16;
  event_at (p, DETPROF_EVENT_RETURN, F, 900); *now += 32;
  event_at (p, DETPROF_EVENT_RETURN, MAIN, 1000);
  s = detprof_profiler_create_stats (p, NULL);

  g_assert_cmpint (detprof_profiler_get_left_frames (p, DETPROF_DEPARTURE_EXCEPTION), ==, 2);
  g_assert_cmpint (detprof_profiler_get_abandoned_frames (p), ==, 0);
  assert_function (s, "h", 1, 1, 8, 8);
  assert_function (s, "g", 1, 1, 4, 12);
  assert_function (s, "f", 1, 1, 2 + 16, 30);
  assert_function (s, "main", 1, 1, 1 + 32, 63);

  /* A catch with nothing below it (gcc's unwinder returned from each
   * frame) closes nothing. */
  detprof_profiler_note_catch (p, 900);
  g_assert_cmpint (detprof_profiler_get_left_frames (p, DETPROF_DEPARTURE_EXCEPTION), ==, 2);
}

/* A thread that ends with frames open (pthread_exit(), cancellation):
 * they are closed at its end, the last stretch the top one's. */
static void
test_thread_exit_closes_every_frame (Fixture       *fixture,
                                     gconstpointer  user_data)
{
  static const char START[] = "start", F[] = "f";
  DetprofProfiler *p = DETPROF_PROFILER (fixture->profiler);
  double *now = &fixture->profiler->clock.now;
  g_autoptr(DetprofStats) s = NULL;

  detprof_profiler_name_function (p, START, "t.c", 1, "start");
  detprof_profiler_name_function (p, F, "t.c", 2, "f");
  event_at (p, DETPROF_EVENT_CALL, START, 1000); *now += 1;
  event_at (p, DETPROF_EVENT_CALL, F, 900); *now += 2;
  detprof_profiler_note_thread_exit (p); *now += 4;
  s = detprof_profiler_create_stats (p, NULL);

  g_assert_cmpint (detprof_profiler_get_left_frames (p, DETPROF_DEPARTURE_THREAD_EXIT), ==, 2);
  g_assert_cmpstr (detprof_stats_get_info (s, "frames-left-by-thread-exit"), ==, "2");
  assert_function (s, "f", 1, 1, 2, 2);
  assert_function (s, "start", 1, 1, 1, 3);
}

/* Frames deeper than the returning one were left unseen (a jump to a
 * target set before profiling): they are closed with the time they had,
 * counted as abandoned, and the last stretch goes to the frame that
 * returns. */
static void
test_missed_exits_closed_at_next_return (Fixture       *fixture,
                                           gconstpointer  user_data)
{
  static const char MAIN[] = "main", F[] = "f", G[] = "g";
  DetprofProfiler *p = DETPROF_PROFILER (fixture->profiler);
  double *now = &fixture->profiler->clock.now;
  g_autoptr(DetprofStats) s = NULL;

  detprof_profiler_name_function (p, MAIN, "j.c", 1, "main");
  detprof_profiler_name_function (p, F, "j.c", 2, "f");
  detprof_profiler_name_function (p, G, "j.c", 3, "g");
  event_at (p, DETPROF_EVENT_CALL, MAIN, 1000); *now += 1;
  event_at (p, DETPROF_EVENT_CALL, F, 900); *now += 2;
  event_at (p, DETPROF_EVENT_CALL, G, 800); *now += 4;
  event_at (p, DETPROF_EVENT_CALL, G, 700); *now += 8;
  event_at (p, DETPROF_EVENT_RETURN, MAIN, 1000);
  s = detprof_profiler_create_stats (p, NULL);

  g_assert_cmpint (detprof_profiler_get_abandoned_frames (p), ==, 3);
  g_assert_cmpint (detprof_profiler_get_unmatched_returns (p), ==, 0);
  assert_function (s, "g", 2, 1, 4, 4);
  assert_function (s, "f", 1, 1, 2, 6);
  assert_function (s, "main", 1, 1, 1 + 8, 15);
}

/* Frames still open when the statistics are made are closed as if they
 * returned then; the time since the last event goes to the top frame. */
static void
test_open_frames_completed (Fixture       *fixture,
                            gconstpointer  user_data)
{
  static const char A[] = "a", B[] = "b";
  Workload w = { DETPROF_PROFILER (fixture->profiler), &fixture->profiler->clock };
  g_autoptr(DetprofStats) s = NULL;
  g_autoptr(DetprofStats) again = NULL;

  detprof_profiler_name_function (w.profiler, A, "o.c", 1, "a");
  detprof_profiler_name_function (w.profiler, B, "o.c", 2, "b");
  enter (&w, A); tick (&w, 5);
  enter (&w, B); tick (&w, 3);
  s = detprof_profiler_create_stats (w.profiler, NULL);

  assert_function (s, "b", 1, 1, 3, 3);
  assert_function (s, "a", 1, 1, 5, 8);

  /* Harmless to ask again: nothing is open any more. */
  again = detprof_profiler_create_stats (w.profiler, NULL);
  assert_function (again, "a", 1, 1, 5, 8);
}

/* A return that matches no frame is counted, its time kept by the frame
 * on top, and nothing breaks. */
static void
test_unmatched_return_is_counted (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  static const char A[] = "a", X[] = "x";
  Workload w = { DETPROF_PROFILER (fixture->profiler), &fixture->profiler->clock };
  g_autoptr(DetprofStats) s = NULL;

  detprof_profiler_name_function (w.profiler, A, "o.c", 1, "a");
  leave (&w, X);
  enter (&w, A); tick (&w, 5);
  leave (&w, X); tick (&w, 1);
  leave (&w, A);
  s = detprof_profiler_create_stats (w.profiler, NULL);

  g_assert_cmpint (detprof_profiler_get_unmatched_returns (w.profiler), ==, 2);
  assert_function (s, "a", 1, 1, 6, 6);
  g_assert_cmpuint (detprof_stats_get_n_functions (s), ==, 1);
}

/* Events that arrive while the dispatcher is busy (a signal handler
 * running instrumented code, or a subclass's own code) are dropped and
 * counted, and the stack stays whole. */
static void
test_reentrant_events_are_dropped (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  static const char A[] = "a";
  Workload w = { DETPROF_PROFILER (fixture->profiler), &fixture->profiler->clock };
  g_autoptr(DetprofStats) s = NULL;

  detprof_profiler_name_function (w.profiler, A, "o.c", 1, "a");
  fixture->profiler->reenter = TRUE;
  enter (&w, A); tick (&w, 5);
  fixture->profiler->reenter = FALSE;
  leave (&w, A);
  s = detprof_profiler_create_stats (w.profiler, NULL);

  g_assert_cmpint (detprof_profiler_get_dropped_events (w.profiler), ==, 1);
  g_assert_cmpuint (detprof_stats_get_n_functions (s), ==, 1);
  assert_function (s, "a", 1, 1, 5, 5);
}

/* Recursion a million deep is counted to the bottom (uftrace stops at
 * 1,023): the stack grows as needed. */
static void
test_recursion_a_million_deep (Fixture       *fixture,
                               gconstpointer  user_data)
{
  static const char R[] = "r";
  Workload w = { DETPROF_PROFILER (fixture->profiler), &fixture->profiler->clock };
  g_autoptr(DetprofStats) s = NULL;
  const int depth = 1000000;
  int i;

  detprof_profiler_name_function (w.profiler, R, "r.c", 1, "r");
  for (i = 0; i < depth; i++)
    {
      enter (&w, R);
      tick (&w, 1);
    }
  for (i = 0; i < depth; i++)
    leave (&w, R);
  s = detprof_profiler_create_stats (w.profiler, NULL);

  assert_function (s, "r", depth, 1, depth, depth);
  g_assert_cmpint (find_arc (s, "r", "r")->nc, ==, depth - 1);
}

/* Only one profiler receives the hooks' events at a time. */
static void
test_enable_is_exclusive (void)
{
  g_autoptr(DetprofProfiler) first = detprof_profiler_new (NULL);
  g_autoptr(DetprofProfiler) second = detprof_profiler_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (detprof_profiler_enable (first, &error));
  g_assert_no_error (error);
  g_assert_true (detprof_profiler_is_enabled (first));
  g_assert_true (detprof_profiler_get_active () == first);

  g_assert_false (detprof_profiler_enable (second, &error));
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_FAILED);
  g_assert_false (detprof_profiler_is_enabled (second));

  detprof_profiler_disable (first);
  g_assert_null (detprof_profiler_get_active ());
}

static gpointer
runcall_target (gpointer user_data)
{
  DetprofProfiler *profiler = user_data;

  return GINT_TO_POINTER (detprof_profiler_is_enabled (profiler) ? 42 : -1);
}

/* runcall() enables the profiler for the call only, and returns its result. */
static void
test_runcall_enables_around_the_call (void)
{
  g_autoptr(DetprofProfiler) profiler = detprof_profiler_new (NULL);

  g_assert_cmpint (GPOINTER_TO_INT (detprof_profiler_runcall (profiler, runcall_target, profiler)), ==, 42);
  g_assert_false (detprof_profiler_is_enabled (profiler));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("The dispatcher's statistics, on a fake clock, are exactly profile.py's and cProfile's "
                  "for the same events, through bias, timer shapes, recursion, departures and open frames.");

  g_test_add ("/profiler/profilee/with-bias-matches-profile-py", Fixture, NULL, setup,
              test_profilee_with_bias_matches_profile_py, teardown);
  g_test_add ("/profiler/profilee/without-bias-is-exact", Fixture, NULL, setup,
              test_profilee_without_bias_is_exact, teardown);
  g_test_add ("/profiler/profilee/arcs-match-cprofile", Fixture, NULL, setup,
              test_profilee_arcs_match_cprofile, teardown);
  g_test_add_func ("/profiler/timer/shapes-give-the-same-profile", test_timer_shapes_give_the_same_profile);
  g_test_add_func ("/profiler/bias/subtracted-once-per-event", test_bias_subtracted_once_per_event);
  g_test_add_func ("/profiler/bias/class-default-applies-to-later-profilers", test_bias_class_default);
  g_test_add_func ("/profiler/subclass/handle-event-may-read-the-timer-once",
                   test_handle_event_override_reads_once);
  g_test_add_func ("/profiler/bias/property-notifies", test_bias_property_notifies);
  g_test_add_func ("/profiler/bias/must-be-finite", test_bias_must_be_finite);
  g_test_add_func ("/profiler/event/without-a-function-is-refused", test_event_without_function_is_refused);
  g_test_add ("/profiler/stack/mutual-recursion-counts-cumulative-time-once", Fixture, NULL,
              setup, test_mutual_recursion, teardown);
  g_test_add ("/profiler/stack/return-closes-skipped-frames", Fixture, NULL, setup,
              test_return_closes_skipped_frames, teardown);
  g_test_add ("/profiler/stack/inlined-callee-at-callers-address-is-a-callee", Fixture, NULL, setup,
              test_inlined_callee_at_callers_address, teardown);
  g_test_add ("/profiler/stack/missed-exits-are-closed-at-the-next-return", Fixture, NULL, setup,
              test_missed_exits_closed_at_next_return, teardown);
  g_test_add ("/profiler/departures/long-jump-closes-frames-at-the-jump", Fixture, NULL, setup,
              test_long_jump_closes_frames_at_the_jump, teardown);
  g_test_add ("/profiler/departures/long-jump-to-stale-target-closes-nothing", Fixture, NULL, setup,
              test_long_jump_to_stale_target_closes_nothing, teardown);
  g_test_add ("/profiler/departures/catch-closes-frames-below-the-catcher", Fixture, NULL, setup,
              test_catch_closes_frames_below_the_catcher, teardown);
  g_test_add ("/profiler/departures/thread-exit-closes-every-frame", Fixture, NULL, setup,
              test_thread_exit_closes_every_frame, teardown);
  g_test_add ("/profiler/stack/open-frames-are-completed-with-the-statistics", Fixture, NULL, setup,
              test_open_frames_completed, teardown);
  g_test_add ("/profiler/stack/unmatched-return-is-counted", Fixture, NULL, setup,
              test_unmatched_return_is_counted, teardown);
  g_test_add ("/profiler/stack/reentrant-events-are-dropped", Fixture, NULL, setup,
              test_reentrant_events_are_dropped, teardown);
  g_test_add ("/profiler/stack/recursion-a-million-deep-is-counted", Fixture, NULL, setup,
              test_recursion_a_million_deep, teardown);
  g_test_add_func ("/profiler/enable/is-exclusive", test_enable_is_exclusive);
  g_test_add_func ("/profiler/enable/runcall-enables-around-the-call", test_runcall_enables_around_the_call);

  return g_test_run ();
}
