/* test-textbook.c: the textbook dispatcher and detprof's compute the same
 * statistics.
 *
 * examples/textbook-profiler.c is profile.py translated literally;
 * src/profiler/detprof-dispatch.c is the dispatcher built for speed and for real
 * programs. Each test writes a script of events, feeds it to both (each
 * on a fake clock of its own, the two reading the same), and asserts
 * that every function's (cc, nc, tt, ct) and every caller arc's count are
 * the very same numbers: for each shape of timer (one number, a pair, a
 * triple) and for several biases and hidden costs per event.
 *
 * Where detprof departs from profile.py on purpose, the tests under
 * /textbook/differs/ say how, and check it.
 *
 * A script is a list of steps separated by spaces:
 *
 *   f>     call f                      <f     return from f
 *   f@2>   call f from call site 2     !f     simulate_call (f)
 *   2.5    the program runs 2.5 ticks
 *
 * Call sites are detprof's (profile.py has none): the textbook ignores
 * them. The statistics are made at the end, which closes what is open.
 */
#include "config.h"

#include <string.h>

#include "detprof.h"
#include "textbook-profiler.h"
#include "test-util.h"

/* ---- the shapes of timer, each read from a fake clock (test-util.h) ---- */

typedef enum
{
  TIMER_ONE_NUMBER,  /* profile.py's trace_dispatch_i */
  TIMER_PAIR,        /* trace_dispatch */
  TIMER_TRIPLE,      /* trace_dispatch_l */
  N_TIMER_SHAPES
} TimerShape;

static const char *const shape_names[N_TIMER_SHAPES] = { "one number", "pair", "triple" };

/* The bias each profiler takes off per event, against what an event
 * really costs (each of its two readings costs cost_of_reading, and one
 * of them lands in the next delta). */
typedef struct
{
  double bias;
  double cost_of_reading;
} Overhead;

static const Overhead overheads[] = {
  { 0, 0 },      /* no cost, no correction: the true times */
  { 1, 1 },      /* the bias is the cost: the true times again */
  { 0.25, 1 },   /* too small a bias */
  { 1.5, 0.5 },  /* too large: short stretches go negative */
  { 0.1, 0.3 },  /* numbers that round: both must round alike */
};

/* ---- the twins: one textbook profiler, one DetprofProfiler ---- */

typedef struct
{
  FakeClock         textbook_clock;
  FakeClock         real_clock;
  TextbookProfiler *textbook;
  DetprofProfiler  *real;
  double            unit;  /* seconds per tick of the real profiler's timer */
} Twins;

static const char call_sites[8];  /* their addresses are the call sites */

/* The real profiler's bias is in seconds, the textbook's in ticks
 * (profile.py's, in the timer's own unit). @unit is the real timer's
 * seconds per tick: 1 but in /textbook/differs/bias-and-times-are-in-seconds. */
static Twins *
twins_new (TimerShape shape,
           double     bias,
           double     cost_of_reading,
           double     unit)
{
  Twins *twins = g_new0 (Twins, 1);
  g_autoptr(DetprofTimer) timer = NULL;

  twins->textbook_clock.now = twins->real_clock.now = 1000;
  twins->textbook_clock.cost_of_reading = twins->real_clock.cost_of_reading = cost_of_reading;
  twins->unit = unit;

  switch (shape)
    {
    case TIMER_ONE_NUMBER:
      twins->textbook = textbook_profiler_new (fake_clock_read, &twins->textbook_clock, bias);
      timer = detprof_timer_new_double ("virtual", fake_clock_read, unit, &twins->real_clock, NULL);
      break;
    case TIMER_PAIR:
      twins->textbook = textbook_profiler_new_tuple (2, fake_clock_read_pair, &twins->textbook_clock, bias);
      timer = detprof_timer_new_tuple ("virtual", 2, fake_clock_read_pair, unit, &twins->real_clock, NULL);
      break;
    case TIMER_TRIPLE:
      twins->textbook = textbook_profiler_new_tuple (3, fake_clock_read_triple, &twins->textbook_clock, bias);
      timer = detprof_timer_new_tuple ("virtual", 3, fake_clock_read_triple, unit, &twins->real_clock, NULL);
      break;
    case N_TIMER_SHAPES:
    default:
      g_assert_not_reached ();
    }
  twins->real = detprof_profiler_new_with_bias (timer, bias * unit);
  return twins;
}

static void
twins_free (Twins *twins)
{
  g_clear_pointer (&twins->textbook, textbook_profiler_free);
  g_clear_object (&twins->real);
  g_free (twins);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Twins, twins_free)

/* A function is its interned name: the same address for both profilers,
 * and its name in the real one's statistics. */
static gconstpointer
function_named (Twins      *twins,
                const char *name)
{
  const char *fn = g_intern_string (name);

  if (twins->real != NULL)
    detprof_profiler_name_function (twins->real, fn, "script.c", 1, fn);
  return fn;
}

/* Hands one event to both profilers (to the one there is, for the tests
 * that keep only one). */
static void
twins_event (Twins            *twins,
             DetprofEventKind  kind,
             gconstpointer     fn,
             gconstpointer     call_site)
{
  if (twins->textbook != NULL)
    textbook_profiler_dispatch (twins->textbook, kind, fn);
  if (twins->real != NULL)
    detprof_profiler_trace_dispatch (twins->real, kind, fn, call_site);
}

static void
twins_simulate_call (Twins         *twins,
                     gconstpointer  fn)
{
  if (twins->textbook != NULL)
    textbook_profiler_simulate_call (twins->textbook, fn);
  if (twins->real != NULL)
    detprof_profiler_simulate_call (twins->real, fn);
}

static void
twins_run (Twins      *twins,
           const char *script)
{
  g_auto(GStrv) steps = g_strsplit (script, " ", -1);
  guint i;

  for (i = 0; steps[i] != NULL; i++)
    {
      char *step = steps[i];
      gsize len = strlen (step);
      gconstpointer site = NULL;
      char *at, *end;
      double ticks;

      if (len == 0)
        continue;
      if (step[0] == '<')
        twins_event (twins, DETPROF_EVENT_RETURN, function_named (twins, step + 1), NULL);
      else if (step[0] == '!')
        twins_simulate_call (twins, function_named (twins, step + 1));
      else if (step[len - 1] == '>')
        {
          step[len - 1] = '\0';
          if ((at = strchr (step, '@')) != NULL)
            {
              *at = '\0';
              site = &call_sites[g_ascii_strtoull (at + 1, NULL, 10)];
            }
          twins_event (twins, DETPROF_EVENT_CALL, function_named (twins, step), site);
        }
      else
        {
          ticks = g_ascii_strtod (step, &end);
          g_assert_cmpint (*end, ==, '\0');
          twins->textbook_clock.now += ticks;
          twins->real_clock.now += ticks;
        }
    }
}

/* ---- comparing the statistics ---- */

/* Every function of the textbook's statistics is in the real profiler's
 * with the same (cc, nc, tt, ct), and every arc with the same count, and
 * there is nothing else; the real times are in seconds, @unit per tick.
 * The textbook's root record and its arcs to the first calls are left
 * out: detprof does not report them (/textbook/differs/root-record-is-not-reported). */
static void
assert_same_statistics (GHashTable   *textbook,
                        DetprofStats *real,
                        double        unit)
{
  GHashTableIter functions, callers;
  gpointer fn, value, caller, count;
  guint n_functions = 0;

  g_hash_table_iter_init (&functions, textbook);
  while (g_hash_table_iter_next (&functions, &fn, &value))
    {
      const TextbookStats *expected = value;
      const DetprofFunctionStats *f;
      guint n_arcs = 0;

      if (fn == textbook_profiler_root)
        continue;
      g_test_message ("textbook %s: %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " %.17g %.17g",
                      (const char *) fn, expected->nc, expected->cc, expected->tt, expected->ct);
      assert_function (real, fn, expected->nc, expected->cc, expected->tt * unit, expected->ct * unit);
      f = find_function (real, fn);

      g_hash_table_iter_init (&callers, expected->callers);
      while (g_hash_table_iter_next (&callers, &caller, &count))
        {
          const DetprofCallerArc *arc;

          if (caller == textbook_profiler_root)
            continue;
          arc = find_arc (real, fn, caller);
          g_assert_cmpint (arc->nc, ==, GPOINTER_TO_SIZE (count));
          n_arcs++;
        }
      g_assert_cmpuint (f->n_callers, ==, n_arcs);
      n_functions++;
    }
  g_assert_cmpuint (detprof_stats_get_n_functions (real), ==, n_functions);
}

/* Makes the statistics of @textbook_side's textbook profiler and of
 * @real_side's real one (usually the same twins), and compares them. */
static void
twins_assert_same (Twins *textbook_side,
                   Twins *real_side)
{
  g_autoptr(GHashTable) textbook = textbook_profiler_create_stats (textbook_side->textbook);
  g_autoptr(DetprofStats) real = NULL;
  g_autoptr(GError) error = NULL;

  real = detprof_profiler_create_stats (real_side->real, &error);
  g_assert_no_error (error);
  assert_same_statistics (textbook, real, real_side->unit);
}

/* Two textbook statistics are the same, to the bit. */
static void
assert_same_textbook_statistics (GHashTable *expected,
                                 GHashTable *actual)
{
  GHashTableIter functions, callers;
  gpointer fn, value, caller, count;

  g_assert_cmpuint (g_hash_table_size (actual), ==, g_hash_table_size (expected));
  g_hash_table_iter_init (&functions, expected);
  while (g_hash_table_iter_next (&functions, &fn, &value))
    {
      const TextbookStats *e = value;
      const TextbookStats *a = g_hash_table_lookup (actual, fn);

      g_assert_nonnull (a);
      g_assert_cmpint (a->cc, ==, e->cc);
      g_assert_cmpint (a->nc, ==, e->nc);
      g_assert_cmpfloat (a->tt, ==, e->tt);
      g_assert_cmpfloat (a->ct, ==, e->ct);
      g_assert_cmpuint (g_hash_table_size (a->callers), ==, g_hash_table_size (e->callers));
      g_hash_table_iter_init (&callers, e->callers);
      while (g_hash_table_iter_next (&callers, &caller, &count))
        g_assert_cmpuint (GPOINTER_TO_SIZE (g_hash_table_lookup (a->callers, caller)), ==,
                          GPOINTER_TO_SIZE (count));
    }
}

/* ---- the same statistics ---- */

typedef struct
{
  const char *name;
  const char *script;
} Scenario;

static const Scenario scenarios[] = {
  /* The worked example of doc/teaching.md, section 4. */
  { "plain-nesting", "main> 10 f> 5 g> 4 <g 6 <f 2 <main" },
  { "recursion", "main> 1 r> 2 r> 3 r> 4 <r 5 <r 6 <r 1 <main" },
  { "mutual-recursion", "main> 1 even> 2 odd> 3 even> 4 odd> 5 <odd 6 <even 7 <odd 8 <even 9 <main" },
  { "one-function-two-callers", "main> 1 a> 2 leaf> 3 <leaf 4 <a 5 b> 6 leaf> 7 <leaf 8 leaf> 9 <leaf 1 <b 2 <main" },
  /* detprof keeps each call site; the arc is their sum. */
  { "several-call-sites", "main> 1 leaf@1> 2 <leaf 3 leaf@2> 4 <leaf 5 leaf@1> 6 <leaf 7"
                          " helper@3> 1 leaf@1> 2 <leaf 3 <helper 1 r@4> 2 r@5> 3 <r 4 <r 1 <main" },
  { "several-first-calls", "a> 1 <a 2 b> 3 <b 4 a> 5 a> 6 <a 7 <a" },
  /* Returns that never came: simulate_cmd_complete closes main, f and
   * both g, the time since the last event going to the top one. */
  { "missing-returns-completed", "main> 3 f> 4 g> 5 g> 6" },
  /* profile.py's set_cmd (): a command record, closed at the end. */
  { "command-record", "!cmd 2 main> 3 f> 4 <f 5 <main 6" },
  /* g's return was missed: f's return closes g first, with no time
   * (profile.py's one level of repair, and detprof's abandoned frame). */
  { "one-missed-return", "main> 1 f> 2 g> 3 <f 4 <main" },
  { "one-missed-return-in-recursion", "main> 1 r> 2 r> 3 h> 4 <r 5 <r 6 <main" },
  /* profile.py starts its stopwatch when it is made, detprof at the
   * first event: the difference goes to the root record, never reported. */
  { "first-event-late", "25 main> 3 <main" },
};

/* The scenario gives both profilers the same statistics, for each shape
 * of timer and each overhead. */
static void
test_same_statistics (gconstpointer user_data)
{
  const Scenario *scenario = user_data;
  guint shape, i;

  for (shape = 0; shape < N_TIMER_SHAPES; shape++)
    for (i = 0; i < G_N_ELEMENTS (overheads); i++)
      {
        g_autoptr(Twins) twins = twins_new (shape, overheads[i].bias, overheads[i].cost_of_reading, 1);

        g_test_message ("%s timer, bias %g, cost of a reading %g",
                        shape_names[shape], overheads[i].bias, overheads[i].cost_of_reading);
        twins_run (twins, scenario->script);
        twins_assert_same (twins, twins);
      }
}

/* A bias larger than what an event costs makes short stretches negative,
 * as in CPython's own expectations for profile.py: both profilers make
 * the same negative numbers. */
static void
test_negative_times_from_a_large_bias (void)
{
  guint shape;

  for (shape = 0; shape < N_TIMER_SHAPES; shape++)
    {
      g_autoptr(Twins) twins = twins_new (shape, 2, 0.5, 1);
      g_autoptr(GHashTable) textbook = NULL;
      g_autoptr(DetprofStats) real = NULL;
      const TextbookStats *f;

      twins_run (twins, "main> 1 f> 0.25 <f 0.5 f> <f 1 <main");
      textbook = textbook_profiler_create_stats (twins->textbook);
      real = detprof_profiler_create_stats (twins->real, NULL);

      f = g_hash_table_lookup (textbook, g_intern_string ("f"));
      g_assert_cmpfloat (f->tt, <, 0);
      g_assert_cmpfloat (f->ct, <, 0);
      assert_same_statistics (textbook, real, 1);
    }
}

/* Statistics made twice, with events between. With nothing open,
 * profile.py's simulate_cmd_complete puts the time since the last event
 * back on the stopwatch, and detprof's drops it; either way it could
 * only go to the root record, which neither reports. */
static void
test_statistics_made_twice (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (overheads); i++)
    {
      g_autoptr(Twins) twins = twins_new (TIMER_ONE_NUMBER, overheads[i].bias, overheads[i].cost_of_reading, 1);

      twins_run (twins, "main> 2 f> 1 <f 3 <main 7");
      twins_assert_same (twins, twins);
      twins_run (twins, "5 main> 1 f> 2 <f <main 4 f> 3");
      twins_assert_same (twins, twins);
    }
}

/* A random program of 300 steps: calls of six functions from three
 * call sites each, returns, now and then a missed return, and frames
 * left open at the end. */
static char *
random_script (guint32 seed)
{
  static const char *const ticks[] = { "0", "0.1", "1", "2.5", "7" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  GString *script = g_string_new (NULL);
  int stack[16];
  int depth = 0;
  int step;

  for (step = 0; step < 300; step++)
    {
      g_string_append_printf (script, "%s ", ticks[g_rand_int_range (rand, 0, G_N_ELEMENTS (ticks))]);
      if (depth >= 2 && stack[depth - 1] != stack[depth - 2] && g_rand_int_range (rand, 0, 30) == 0)
        {
          depth -= 2;  /* the return of the top was missed */
          g_string_append_printf (script, "<f%d ", stack[depth]);
        }
      else if (depth == 0 || (depth < (int) G_N_ELEMENTS (stack) && g_rand_boolean (rand)))
        {
          stack[depth] = g_rand_int_range (rand, 0, 6);
          g_string_append_printf (script, "f%d@%d> ", stack[depth++], g_rand_int_range (rand, 0, 3));
        }
      else
        g_string_append_printf (script, "<f%d ", stack[--depth]);
    }
  return g_string_free (script, FALSE);
}

/* Random programs give both profilers the same statistics. */
static void
test_random_programs (void)
{
  guint32 seed;
  guint i;

  for (seed = 1; seed <= 20; seed++)
    for (i = 0; i < G_N_ELEMENTS (overheads); i++)
      {
        g_autofree char *script = random_script (seed);
        g_autoptr(Twins) twins = twins_new (seed % N_TIMER_SHAPES, overheads[i].bias,
                                            overheads[i].cost_of_reading, 1);

        g_test_message ("seed %u, bias %g: %s", seed, overheads[i].bias, script);
        twins_run (twins, script);
        twins_assert_same (twins, twins);
      }
}

/* The worked example of reference/dispatch-model.md, section 11, as
 * CPython's profile.py computes it: A runs 10 ticks, calls B, which runs
 * 20, then A runs 5 more; each reading costs a tick. A bias of one tick
 * cancels it exactly, none leaves a tick per stretch, half leaves half
 * (the numbers are test-util's worked_example). */
static void
test_profile_py_worked_example (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (worked_example); i++)
    {
      const WorkedExample *expected = &worked_example[i];
      g_autoptr(Twins) twins = twins_new (TIMER_ONE_NUMBER, expected->bias, 1, 1);
      g_autoptr(GHashTable) textbook = NULL;
      g_autoptr(DetprofStats) real = NULL;
      const TextbookStats *a, *b;

      twins_run (twins, "A> 10 B> 20 <B 5 <A");
      textbook = textbook_profiler_create_stats (twins->textbook);
      real = detprof_profiler_create_stats (twins->real, NULL);

      a = g_hash_table_lookup (textbook, g_intern_string ("A"));
      b = g_hash_table_lookup (textbook, g_intern_string ("B"));
      g_assert_cmpfloat (a->tt, ==, expected->a_tt);
      g_assert_cmpfloat (a->ct, ==, expected->a_ct);
      g_assert_cmpfloat (b->tt, ==, expected->b_tt);
      g_assert_cmpfloat (b->ct, ==, expected->b_tt);
      assert_same_statistics (textbook, real, 1);
    }
}

/* profile.py's three dispatchers differ only in how they read the timer:
 * a pair (trace_dispatch) or a triple (trace_dispatch_l) whose values add
 * up to the readings of one number (trace_dispatch_i) gives the textbook
 * the same statistics, to the bit. */
static void
test_tuple_and_single_value_timers_agree (void)
{
  guint s, i, shape;

  for (s = 0; s < G_N_ELEMENTS (scenarios); s++)
    for (i = 0; i < G_N_ELEMENTS (overheads); i++)
      {
        g_autoptr(GHashTable) one_number = NULL;

        for (shape = 0; shape < N_TIMER_SHAPES; shape++)
          {
            g_autoptr(Twins) twins = twins_new (shape, overheads[i].bias, overheads[i].cost_of_reading, 1);
            g_autoptr(GHashTable) stats = NULL;

            g_clear_object (&twins->real);
            twins_run (twins, scenarios[s].script);
            stats = textbook_profiler_create_stats (twins->textbook);
            if (shape == TIMER_ONE_NUMBER)
              one_number = g_steal_pointer (&stats);
            else
              assert_same_textbook_statistics (one_number, stats);
          }
      }
}

/* ---- where detprof departs from profile.py, on purpose ---- */

/* profile.py reports its root record, ("profile", 0, "profiler"), with
 * no calls and no time, and an arc from it to every first call. detprof's
 * root is "before the first call" and is not a function: it reports
 * neither, and shows the first calls with no callers, as cProfile does. */
static void
test_root_record_is_not_reported (void)
{
  g_autoptr(Twins) twins = twins_new (TIMER_ONE_NUMBER, 0, 0, 1);
  g_autoptr(GHashTable) textbook = NULL;
  g_autoptr(DetprofStats) real = NULL;
  const TextbookStats *root, *main_stats;

  twins_run (twins, "main> 1 <main 2 main> 3 <main");
  textbook = textbook_profiler_create_stats (twins->textbook);
  real = detprof_profiler_create_stats (twins->real, NULL);

  root = g_hash_table_lookup (textbook, textbook_profiler_root);
  g_assert_nonnull (root);
  g_assert_cmpint (root->cc, ==, 0);
  g_assert_cmpint (root->nc, ==, 0);
  g_assert_cmpfloat (root->tt, ==, 0);
  g_assert_cmpfloat (root->ct, ==, 0);
  g_assert_cmpuint (g_hash_table_size (root->callers), ==, 0);
  main_stats = g_hash_table_lookup (textbook, g_intern_string ("main"));
  g_assert_cmpuint (GPOINTER_TO_SIZE (g_hash_table_lookup (main_stats->callers, textbook_profiler_root)), ==, 2);

  g_assert_null (detprof_stats_lookup_name (real, "profiler"));
  g_assert_cmpuint (detprof_stats_get_n_functions (real), ==, 1);
  g_assert_cmpuint (find_function (real, "main")->n_callers, ==, 0);
}

/* profile.py keeps one number per arc, the calls along it. detprof keeps
 * cProfile's four (calls, primitive calls, tottime, cumtime), which pstats
 * prints for a cProfile dump; its counts are profile.py's. Here r calls
 * itself twice: the r -> r arc has 2 calls, of which only the outermost
 * is primitive for the arc, and its times are those of the inner two
 * activations (8 + 4 ticks; 12 with the callee they include). */
static void
test_caller_arcs_are_cprofile_tuples (void)
{
  g_autoptr(Twins) twins = twins_new (TIMER_ONE_NUMBER, 0, 0, 1);
  g_autoptr(GHashTable) textbook = NULL;
  g_autoptr(DetprofStats) real = NULL;
  const TextbookStats *r;
  const DetprofCallerArc *from_r, *from_main;

  twins_run (twins, "main> 1 r> 2 r> 3 r> 4 <r 5 <r 6 <r 1 <main");
  textbook = textbook_profiler_create_stats (twins->textbook);
  real = detprof_profiler_create_stats (twins->real, NULL);
  assert_same_statistics (textbook, real, 1);

  r = g_hash_table_lookup (textbook, g_intern_string ("r"));
  g_assert_cmpuint (GPOINTER_TO_SIZE (g_hash_table_lookup (r->callers, g_intern_string ("r"))), ==, 2);
  g_assert_cmpuint (GPOINTER_TO_SIZE (g_hash_table_lookup (r->callers, g_intern_string ("main"))), ==, 1);

  from_r = find_arc (real, "r", "r");
  from_main = find_arc (real, "r", "main");
  g_assert_cmpint (from_r->style, ==, DETPROF_CALLER_TUPLE);
  g_assert_cmpint (from_r->nc, ==, 2);
  g_assert_cmpint (from_r->cc, ==, 1);
  g_assert_cmpfloat (from_r->tt.value, ==, 8 + 4);
  g_assert_cmpfloat (from_r->ct.value, ==, 12);
  g_assert_cmpint (from_main->nc, ==, 1);
  g_assert_cmpint (from_main->cc, ==, 1);
  g_assert_cmpfloat (from_main->tt.value, ==, 8);
  g_assert_cmpfloat (from_main->ct.value, ==, 20);
}

/* Runs @script on a textbook profiler alone (in a subprocess: it is
 * expected to fail). */
static void
run_textbook_alone (const char *script)
{
  g_autoptr(Twins) twins = twins_new (TIMER_ONE_NUMBER, 0, 0, 1);

  g_clear_object (&twins->real);
  twins_run (twins, script);
}

/* Runs @script on a real profiler alone, and @textbook_script on a
 * textbook one alone, with no bias and no cost per reading, and compares
 * their statistics. */
static DetprofProfiler *
assert_real_matches_textbook_of (const char *script,
                                 const char *textbook_script)
{
  g_autoptr(Twins) real_side = twins_new (TIMER_ONE_NUMBER, 0, 0, 1);
  g_autoptr(Twins) textbook_side = twins_new (TIMER_ONE_NUMBER, 0, 0, 1);

  g_clear_pointer (&real_side->textbook, textbook_profiler_free);
  g_clear_object (&textbook_side->real);
  twins_run (real_side, script);
  twins_run (textbook_side, textbook_script);
  twins_assert_same (textbook_side, real_side);
  return g_object_ref (real_side->real);
}

/* A return that matches no call (a function entered before profiling
 * began) fails profile.py's assertion "Bad return", which ends its
 * profiling; the textbook stops. detprof counts it, and leaves the
 * stretch it ends with the frame on top, as if it had not come. */
static void
test_unmatched_return (void)
{
  g_autoptr(DetprofProfiler) real = NULL;

  if (g_test_subprocess ())
    {
      run_textbook_alone ("main> 5 <stray 3 <main");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*Bad return*");

  real = assert_real_matches_textbook_of ("main> 5 <stray 3 <main", "main> 5 3 <main");
  g_assert_cmpint (detprof_profiler_get_unmatched_returns (real), ==, 1);
}

/* profile.py repairs one missed return (one-missed-return above), and
 * fails "Bad return" on two. detprof closes every frame above the one
 * that returns, with no time, and counts them as abandoned: as if their
 * returns had come just before. */
static void
test_two_missed_returns (void)
{
  g_autoptr(DetprofProfiler) real = NULL;

  if (g_test_subprocess ())
    {
      run_textbook_alone ("main> 1 f> 2 g> 3 <main");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*Bad return*");

  real = assert_real_matches_textbook_of ("main> 1 f> 2 g> 3 <main", "main> 1 f> 2 g> <g <f 3 <main");
  g_assert_cmpint (detprof_profiler_get_abandoned_frames (real), ==, 2);
}

/* profile.py's bias and times are in the timer's own unit. detprof's are
 * in seconds: it divides its bias by the timer's timeunit and multiplies
 * its times by it. With a unit that is a power of two, both are exact:
 * the times are the textbook's, times the unit. */
static void
test_bias_and_times_in_seconds (void)
{
  guint s, shape;

  for (s = 0; s < G_N_ELEMENTS (scenarios); s++)
    for (shape = 0; shape < N_TIMER_SHAPES; shape++)
      {
        g_autoptr(Twins) twins = twins_new (shape, 0.75, 0.5, 0.5);

        g_assert_cmpfloat (detprof_profiler_get_bias (twins->real), ==, 0.375);
        twins_run (twins, scenarios[s].script);
        twins_assert_same (twins, twins);
      }
}

int
main (int    argc,
      char **argv)
{
  guint i;

  g_test_init (&argc, &argv, NULL);
  g_test_summary ("The textbook dispatcher (profile.py translated literally) and detprof's compute the same "
                  "statistics from the same events, except where detprof departs on purpose.");

  for (i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      g_autofree char *path = g_strdup_printf ("/textbook/agrees-on/%s", scenarios[i].name);

      g_test_add_data_func (path, &scenarios[i], test_same_statistics);
    }
  g_test_add_func ("/textbook/agrees-on/negative-times-from-a-large-bias",
                   test_negative_times_from_a_large_bias);
  g_test_add_func ("/textbook/agrees-on/statistics-made-twice", test_statistics_made_twice);
  g_test_add_func ("/textbook/agrees-on/random-programs", test_random_programs);
  g_test_add_func ("/textbook/profile-py/worked-example-gives-profile-pys-numbers",
                   test_profile_py_worked_example);
  g_test_add_func ("/textbook/timer/tuple-and-single-value-agree", test_tuple_and_single_value_timers_agree);
  g_test_add_func ("/textbook/differs/root-record-is-not-reported", test_root_record_is_not_reported);
  g_test_add_func ("/textbook/differs/caller-arcs-are-cprofile-tuples", test_caller_arcs_are_cprofile_tuples);
  g_test_add_func ("/textbook/differs/unmatched-return-is-counted", test_unmatched_return);
  g_test_add_func ("/textbook/differs/two-missed-returns-close-every-frame-above", test_two_missed_returns);
  g_test_add_func ("/textbook/differs/bias-and-times-are-in-seconds", test_bias_and_times_in_seconds);

  return g_test_run ();
}
