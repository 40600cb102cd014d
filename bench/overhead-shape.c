/* overhead-shape.c: is the profiler's overhead per event a constant?
 *
 * A bias is one number subtracted from every stretch between two events.
 * That is right only if the overhead inside a stretch does not depend on
 * what the program does in it. This measures it: a function doing K steps
 * of a dependent chain is called N times, once built plainly (its true
 * cost per call) and once instrumented under a profiler with no bias (what
 * the profile charges it per call). The difference is the overhead the
 * profiler put into the function's own stretch (call -> return). If it
 * were constant, one bias would correct every K.
 *
 * Three clocks: the cycle counter as detprof's "tsc" timer reads it
 * (rdtsc, which the CPU may execute out of order with the code around
 * it), the same counter fenced (lfence; rdtsc; lfence: nothing moves
 * across a reading), and "wall" (clock_gettime in the vDSO).
 *
 * Each figure is the minimum over REPEATS runs: interruptions only add.
 *
 * The first table (argument "steps") calls that leaf from here, not
 * instrumented, for many K. The second ("factors"; both by default) varies
 * one thing around the hooks at a time, with the caller instrumented too
 * (bench/shape-factors.c, built the same two ways), for K = 0, 4 and 32:
 *
 *   chain r0..r4  the leaf keeps 0..4 more arguments until after its loop:
 *                 instrumented, its prologue pushes 3, 4, 5, 6 and 6
 *                 callee-saved registers (objdump -d; r4 has none left and
 *                 adjusts the stack instead), plain none; the callers are
 *                 the same. r0 is the baseline: a tight loop whose next
 *                 call takes the last result (as in the first table).
 *   ignore, sum   the result is not used, or added up off the chain.
 *   between8, 32  8 or 32 steps of an independent chain in the caller
 *                 between calls (loop context).
 *
 * For each, the leaf's own stretch ("own": charged minus the plain call's
 * cost, the plain caller minus its base twin without the call) and the
 * caller's stretch between calls ("caller": charged minus the plain base),
 * their sum, and each minus the baseline's at the same K ("d"). The rounds
 * go round all the variants, so that a slow spell of the machine, which
 * can last seconds, meets every figure alike.
 *
 * What it showed (issue 14, item 4; 2 vCPUs of an AMD EPYC, median of 6
 * runs of 61 rounds): each register pushed costs the caller's stretch
 * about 0.3 ns with tsc-fenced (not monotonic: 5 pushes cost less than 4)
 * and nothing with tsc; an unused result lets a 32-step leaf's work
 * overlap the next call's without the hooks, and charges its stretch 6.5
 * to 7 ns more; work in the caller between calls hides 2.4 to 10 ns of
 * the caller's stretch and adds 1.5 to 13 ns to the leaf's. Only the
 * pushes can be read from the binary (the prologue, or the CFI), and a
 * term for them (0.3 ns per register beyond the calibration leaf's one,
 * calibrated per timer) would correct at most about 1.5 ns a call: the
 * rest depends on the caller's code. detprof has no such term.
 */
#include "config.h"

#include <stdio.h>

#include "detprof.h"

#if defined (__x86_64__) || defined (__i386__)
#include <x86intrin.h>
#define HAVE_RDTSC 1
#endif

long shape_work_instrumented (long k, long x);
long shape_work_plain (long k, long x);

#define N       200000
#define REPEATS 15

static const long steps[] = { 0, 1, 2, 4, 8, 12, 16, 24, 32, 64, 128 };

#ifdef HAVE_RDTSC
static gint64
read_fenced_tsc (gpointer user_data)
{
  gint64 t;

  _mm_lfence ();
  t = (gint64) __rdtsc ();
  _mm_lfence ();
  return t;
}
#endif

static double
now_ns (void)
{
  return (double) g_get_monotonic_time () * 1e3;
}

/* The true cost of one call of the plain twin, in ns. g_get_monotonic_time
 * has microsecond steps; N calls make that negligible. */
static double
plain_per_call (long k)
{
  double best_loop = G_MAXDOUBLE, best_empty = G_MAXDOUBLE;
  long x = 1;
  int r, i;

  for (r = 0; r < REPEATS; r++)
    {
      double start = now_ns ();

      for (i = 0; i < N; i++)
        x = shape_work_plain (k, x);
      best_loop = MIN (best_loop, now_ns () - start);

      start = now_ns ();
      for (i = 0; i < N; i++)
        __asm__ volatile ("" : "+r" (x));
      best_empty = MIN (best_empty, now_ns () - start);
    }
  return (best_loop - best_empty) / N;
}

/* What a profiler with @timer and no bias charges one call, in ns. */
static double
profiled_per_call (DetprofTimer *timer,
                   long          k)
{
  double best = G_MAXDOUBLE;
  long x = 1;
  int r, i;

  for (r = 0; r < REPEATS; r++)
    {
      g_autoptr(DetprofProfiler) profiler = detprof_profiler_new_with_bias (timer, 0.0);
      g_autoptr(DetprofStats) stats = NULL;
      g_autoptr(GError) error = NULL;
      const DetprofFunctionStats *row;

      detprof_profiler_name_function (profiler, (gconstpointer) shape_work_instrumented,
                                      "shape-work.c", 12, "shape_work");
      if (!detprof_profiler_enable (profiler, &error))
        g_error ("%s", error->message);
      for (i = 0; i < N; i++)
        x = shape_work_instrumented (k, x);
      detprof_profiler_disable (profiler);

      stats = detprof_profiler_create_stats (profiler, &error);
      if (stats == NULL)
        g_error ("%s", error->message);
      row = detprof_stats_lookup_name (stats, "shape_work");
      g_assert (row != NULL && row->nc == N);
      best = MIN (best, row->tt.value / N * 1e9);
    }
  return best;
}

/* ---- the second table: one factor around the hooks at a time ---- */

#define FACTOR_N       100000
#define FACTOR_REPEATS 61

#define DECLARE_TWINS(name)                          \
  long name ## _instrumented (long n, long k);       \
  long name ## _plain (long n, long k)

DECLARE_TWINS (chain_r0);
DECLARE_TWINS (chain_r1);
DECLARE_TWINS (chain_r2);
DECLARE_TWINS (chain_r3);
DECLARE_TWINS (chain_r4);
DECLARE_TWINS (chain_base);
DECLARE_TWINS (ignore);
DECLARE_TWINS (sum);
DECLARE_TWINS (loop_base);
DECLARE_TWINS (between8);
DECLARE_TWINS (between8_base);
DECLARE_TWINS (between32);
DECLARE_TWINS (between32_base);

#define DECLARE_LEAF(name) \
  long name ## _instrumented (long k, long x, long a, long b, long c, long d)

DECLARE_LEAF (leaf_r0);
DECLARE_LEAF (leaf_r1);
DECLARE_LEAF (leaf_r2);
DECLARE_LEAF (leaf_r3);
DECLARE_LEAF (leaf_r4);

typedef long (*Driver) (long n, long k);

/* pushes: what the instrumented leaf's prologue pushes (objdump -d, gcc
 * -O2 on x86-64; its plain twin pushes none, the calibration's empty leaf
 * one). chain_r4 keeps one value more than chain_r3 but has no register
 * left for it: the same six pushes, and an adjustment of the stack. */
static const struct
{
  const char   *label;
  int           pushes;
  Driver        instrumented;
  Driver        plain;
  Driver        base;
  gconstpointer leaf;
} variants[] = {
  { "chain r0", 3, chain_r0_instrumented, chain_r0_plain, chain_base_plain,
    (gconstpointer) leaf_r0_instrumented },
  { "chain r1", 4, chain_r1_instrumented, chain_r1_plain, chain_base_plain,
    (gconstpointer) leaf_r1_instrumented },
  { "chain r2", 5, chain_r2_instrumented, chain_r2_plain, chain_base_plain,
    (gconstpointer) leaf_r2_instrumented },
  { "chain r3", 6, chain_r3_instrumented, chain_r3_plain, chain_base_plain,
    (gconstpointer) leaf_r3_instrumented },
  { "chain r4", 6, chain_r4_instrumented, chain_r4_plain, chain_base_plain,
    (gconstpointer) leaf_r4_instrumented },
  { "ignore", 3, ignore_instrumented, ignore_plain, loop_base_plain,
    (gconstpointer) leaf_r0_instrumented },
  { "sum", 3, sum_instrumented, sum_plain, loop_base_plain,
    (gconstpointer) leaf_r0_instrumented },
  { "between8", 3, between8_instrumented, between8_plain, between8_base_plain,
    (gconstpointer) leaf_r0_instrumented },
  { "between32", 3, between32_instrumented, between32_plain, between32_base_plain,
    (gconstpointer) leaf_r0_instrumented },
};

static const long factor_steps[] = { 0, 4, 32 };

typedef struct
{
  double plain;        /* ns for FACTOR_N calls: the plain caller */
  double base;         /* ns: its base, the same loop without the call */
  double own[3];       /* ns per call the profiler charges the leaf, by timer */
  double caller[3];    /* ... and the caller */
} FactorResult;

static double
time_driver (Driver driver,
             long   k)
{
  double start = now_ns ();
  long x;

  x = driver (FACTOR_N, k);
  __asm__ volatile ("" :: "r" (x));
  return now_ns () - start;
}

static void
factor_result_init (FactorResult *res)
{
  guint t;

  res->plain = res->base = G_MAXDOUBLE;
  for (t = 0; t < G_N_ELEMENTS (res->own); t++)
    res->own[t] = res->caller[t] = G_MAXDOUBLE;
}

/* One round of one variant at one k: the plain caller, its base and the
 * instrumented caller under every timer, each kept if lower than before.
 * The rounds go round all the variants (factor_table), so that a slow
 * spell of the machine, which can last seconds, meets them all alike. */
static void
measure_factor (guint          v,
                long           k,
                DetprofTimer **timers,
                guint          n_timers,
                FactorResult  *res)
{
  guint t;

  res->plain = MIN (res->plain, time_driver (variants[v].plain, k));
  res->base = MIN (res->base, time_driver (variants[v].base, k));

  for (t = 0; t < n_timers; t++)
    {
      g_autoptr(DetprofProfiler) profiler = detprof_profiler_new_with_bias (timers[t], 0.0);
      g_autoptr(DetprofStats) stats = NULL;
      g_autoptr(GError) error = NULL;
      const DetprofFunctionStats *leaf, *caller;
      long x;

      detprof_profiler_name_function (profiler, (gconstpointer) variants[v].instrumented,
                                      "shape-factors.c", 1, "caller");
      detprof_profiler_name_function (profiler, variants[v].leaf,
                                      "shape-factors.c", 2, "leaf");
      if (!detprof_profiler_enable (profiler, &error))
        g_error ("%s", error->message);
      x = variants[v].instrumented (FACTOR_N, k);
      __asm__ volatile ("" :: "r" (x));
      detprof_profiler_disable (profiler);

      stats = detprof_profiler_create_stats (profiler, &error);
      if (stats == NULL)
        g_error ("%s", error->message);
      leaf = detprof_stats_lookup_name (stats, "leaf");
      caller = detprof_stats_lookup_name (stats, "caller");
      g_assert (leaf != NULL && leaf->nc == FACTOR_N);
      g_assert (caller != NULL && caller->nc == 1);
      res->own[t] = MIN (res->own[t], leaf->tt.value / FACTOR_N * 1e9);
      res->caller[t] = MIN (res->caller[t], caller->tt.value / FACTOR_N * 1e9);
    }
}

/* The plain call's cost: the plain caller minus its base, per call. */
static double
leaf_true (const FactorResult *res)
{
  return (res->plain - res->base) / FACTOR_N;
}

/* The caller's own work between calls: its base, per call. */
static double
caller_true (const FactorResult *res)
{
  return res->base / FACTOR_N;
}

static void
factor_table (DetprofTimer **timers,
              const char   **labels,
              guint          n_timers)
{
  FactorResult results[G_N_ELEMENTS (variants)][G_N_ELEMENTS (factor_steps)];
  guint v, j, t;
  int r;

  for (v = 0; v < G_N_ELEMENTS (variants); v++)
    for (j = 0; j < G_N_ELEMENTS (factor_steps); j++)
      factor_result_init (&results[v][j]);
  for (r = 0; r < FACTOR_REPEATS; r++)
    for (j = 0; j < G_N_ELEMENTS (factor_steps); j++)
      for (v = 0; v < G_N_ELEMENTS (variants); v++)
        measure_factor (v, factor_steps[j], timers, n_timers, &results[v][j]);

  printf ("\nOverhead by what surrounds the hooks, one factor at a time (ns per call;\n"
          "minimum of %d rounds of %d calls; instrumented caller and leaf).\n"
          "own: the leaf's stretch (charged minus the plain call's cost); caller:\n"
          "the caller's stretch between calls (charged minus its plain base loop);\n"
          "d: minus the same figure for \"chain r0\" at the same steps.\n",
          FACTOR_REPEATS, FACTOR_N);
  for (t = 0; t < n_timers; t++)
    {
      printf ("\n%s\n%-10s %6s %6s %8s %8s %7s %8s %7s %8s %7s\n", labels[t],
              "variant", "pushes", "steps", "true", "own", "d", "caller", "d", "both", "d");
      for (j = 0; j < G_N_ELEMENTS (factor_steps); j++)
        {
          const FactorResult *b = &results[0][j];
          double b_own = b->own[t] - leaf_true (b);
          double b_caller = b->caller[t] - caller_true (b);

          for (v = 0; v < G_N_ELEMENTS (variants); v++)
            {
              const FactorResult *res = &results[v][j];
              double own = res->own[t] - leaf_true (res);
              double caller = res->caller[t] - caller_true (res);

              printf ("%-10s %6d %6ld %8.2f %8.2f %+7.2f %8.2f %+7.2f %8.2f %+7.2f\n",
                      variants[v].label, variants[v].pushes, factor_steps[j],
                      leaf_true (res), own, own - b_own, caller, caller - b_caller,
                      own + caller, own + caller - b_own - b_caller);
            }
        }
    }
}

/* The first table: the leaf of shape-work.c, called from here (not
 * instrumented), for many steps. */
static void
steps_table (DetprofTimer **timers,
             const char   **labels,
             guint          n_timers)
{
  guint t, j;

  printf ("Overhead inside a function's own stretch, by the work it does (ns per call;\n"
          "minimum of %d runs of %d calls). Constant overhead = one bias fits all.\n\n",
          REPEATS, N);
  printf ("%6s %9s", "steps", "true");
  for (t = 0; t < n_timers; t++)
    printf ("  %10s: charged  overhead", labels[t]);
  printf ("\n");

  for (j = 0; j < G_N_ELEMENTS (steps); j++)
    {
      double truth = plain_per_call (steps[j]);

      printf ("%6ld %9.2f", steps[j], truth);
      for (t = 0; t < n_timers; t++)
        {
          double charged = profiled_per_call (timers[t], steps[j]);

          printf ("  %19.2f %9.2f", charged, charged - truth);
        }
      printf ("\n");
    }
}

int
main (int   argc,
      char *argv[])
{
  gboolean do_steps = TRUE, do_factors = TRUE;
  DetprofTimer *timers[3] = { NULL, NULL, NULL };
  const char *labels[3] = { "tsc", "tsc fenced", "wall" };
  guint n_timers = 0, t;

#ifdef HAVE_RDTSC
  timers[0] = detprof_timer_new_builtin ("tsc", NULL);
  if (timers[0] != NULL)
    {
      timers[1] = detprof_timer_new_integer ("tsc-fenced", read_fenced_tsc,
                                             detprof_timer_get_timeunit (timers[0]), NULL, NULL);
      n_timers = 2;
    }
#endif
  timers[n_timers] = detprof_timer_new_builtin ("wall", NULL);
  if (n_timers == 0)
    labels[0] = "wall";
  n_timers++;

  if (argc > 1 && g_str_equal (argv[1], "steps"))
    do_factors = FALSE;
  else if (argc > 1 && g_str_equal (argv[1], "factors"))
    do_steps = FALSE;
  else if (argc > 1)
    g_error ("usage: %s [steps|factors]", argv[0]);

  if (do_steps)
    steps_table (timers, labels, n_timers);
  if (do_factors)
    factor_table (timers, labels, n_timers);
  for (t = 0; t < n_timers; t++)
    detprof_timer_unref (timers[t]);
  return 0;
}
