/* four-phases.c: four kinds of work one after the other, each a phase
 * function whose cumulative time is checked against its truth: how much of
 * a profiler's error a calibrated bias takes away depends on how many calls
 * a phase makes for its time, and on nothing else.
 *
 *   phase_fill      fills 65,536 elements, each the sum of 16 draws from
 *                   tiny_random(), a function of about 2 ns: over a million
 *                   calls, the most events for the least time;
 *   phase_heapsort  heapsorts that array, with no calls inside: no events
 *                   at all but its own two;
 *   phase_steps     calls step400(), a chain of 400 dependent steps (a few
 *                   hundred ns), 40,000 times: a few events for a lot of
 *                   time;
 *   phase_qsort     libc's qsort() on 65,536 keys, calling back
 *                   compare_keys() about a million times. qsort is not
 *                   instrumented: its time is phase_qsort's own, and its
 *                   calls of the comparator are the phase's events.
 *
 * The figure that matters: each phase function's cumulative time (its own
 * and its callees') against its truth, with its bound. --truth also prints
 * each phase's truth as a whole ("phase NAME CUM_NS"), timed around one call
 * of the phase function as the workload makes it. Usage: four-phases
 * [--truth]; see accuracy.h. */
#include "accuracy.h"

#define N_ELEMENTS (1L << 16)
#define DRAWS_PER_ELEMENT 16
#define STEPS 400
#define STEP_CALLS 40000L
#define N_KEYS (1L << 16)

#define MUL 6364136223846793005ULL
#define ADD 1442695040888963407ULL

static uint64_t random_state = 1;

/* One LCG step: a multiply, an add, a shift, and a call to each. */
WORKLOAD static uint32_t
tiny_random (void)
{
  random_state = random_state * MUL + ADD;
  return (uint32_t) (random_state >> 32);
}

/* 400 steps, each depending on the last: a rotate and an add (the empty
 * asm keeps the chain as written). */
WORKLOAD static uint64_t
step400 (uint64_t x)
{
  long i;

  for (i = 0; i < STEPS; i++)
    {
      x = ((x << 7) | (x >> 57)) + (uint64_t) i;
      __asm__ ("" : "+r" (x));
    }
  return x;
}

/* qsort's comparator: loads two keys and compares them, without branches. */
WORKLOAD static int
compare_keys (const void *a,
              const void *b)
{
  uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;

  return (x > y) - (x < y);
}

WORKLOAD static void
phase_fill (uint32_t *a,
            long      n)
{
  long i;
  int d;

  for (i = 0; i < n; i++)
    {
      uint32_t sum = 0;

      for (d = 0; d < DRAWS_PER_ELEMENT; d++)
        sum += tiny_random () >> 4;
      a[i] = sum;
    }
}

/* Heapsort, sift-down written out: no calls inside. */
WORKLOAD static void
phase_heapsort (uint32_t *a,
                long      n)
{
  long start, end, root, child;
  uint32_t t;

  for (start = n / 2 - 1, end = n; end > 1;)
    {
      if (start >= 0)
        root = start--;
      else
        {
          end--;
          t = a[0];
          a[0] = a[end];
          a[end] = t;
          root = 0;
        }
      while ((child = 2 * root + 1) < end)
        {
          if (child + 1 < end && a[child] < a[child + 1])
            child++;
          if (a[root] >= a[child])
            break;
          t = a[root];
          a[root] = a[child];
          a[child] = t;
          root = child;
        }
    }
}

WORKLOAD static void
phase_steps (void)
{
  uint64_t x = 1;
  long i;

  for (i = 0; i < STEP_CALLS; i++)
    x = step400 (x);
  sink = x;
}

WORKLOAD static void
phase_qsort (uint32_t *keys,
             long      n)
{
  qsort (keys, (size_t) n, sizeof keys[0], compare_keys);
}

WORKLOAD static void
run_workload (uint32_t *a,
              uint32_t *keys)
{
  phase_fill (a, N_ELEMENTS);
  phase_heapsort (a, N_ELEMENTS);
  phase_steps ();
  phase_qsort (keys, N_KEYS);
}

NOT_PROFILED static void
check_sorted (const uint32_t *a,
              long            n)
{
  long i;

  for (i = 1; i < n; i++)
    if (a[i - 1] > a[i])
      {
        fprintf (stderr, "four-phases: not sorted at %ld\n", i);
        exit (1);
      }
}

/* The keys qsort sorts: the same every run. */
NOT_PROFILED static void
make_keys (uint32_t *keys)
{
  uint64_t state = 88172645463325252ULL;
  long i;

  for (i = 0; i < N_KEYS; i++)
    keys[i] = (uint32_t) setup_random (&state);
}

static long comparisons;

NOT_PROFILED static int
compare_counting (const void *a,
                  const void *b)
{
  uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;

  comparisons++;
  return (x > y) - (x < y);
}

/* Set-up, in both modes: sort the keys once with a comparator that is not
 * instrumented, so that qsort's first-call costs (glibc's asks the system
 * for its memory size, and mallocs a scratch array of 256 KiB, which the
 * first time comes from mmap and page faults) fall outside the timing, and
 * count the comparisons: qsort is deterministic, so the workload's sort of
 * the same keys makes as many calls of compare_keys. */
NOT_PROFILED static long
warm_up_qsort (uint32_t *keys)
{
  make_keys (keys);
  comparisons = 0;
  qsort (keys, (size_t) N_KEYS, sizeof keys[0], compare_counting);
  check_sorted (keys, N_KEYS);
  make_keys (keys);
  return comparisons;
}

/* Each phase function is timed around one call, as the workload makes it,
 * in the workload's order (median of the repeats): that is the phase's
 * truth, its own time and its callees'. The callees are timed in isolation
 * (per call, as in the other workloads), and a phase's self time is its
 * truth with its callees' taken off. */
NOT_PROFILED static void
measure_truth (uint32_t *a,
               uint32_t *keys,
               long      n_comparisons)
{
  double random_ns, step_ns, compare_ns_;
  double fill_ns[TRUTH_REPEATS], heapsort_ns[TRUTH_REPEATS];
  double steps_ns[TRUTH_REPEATS], qsort_ns[TRUTH_REPEATS];
  double fill, heapsort, steps, sorting, t;
  uint64_t x = 1;
  uint32_t r = 0;
  long j = 0;
  int i;

  PER_CALL_NS (random_ns, 1000000, r += tiny_random (), (void) 0);
  PER_CALL_NS (step_ns, 10000, x = step400 (x), (void) 0);
  PER_CALL_NS (compare_ns_, 1000000,
               (r += (uint32_t) compare_keys (&keys[j & (N_KEYS - 1)],
                                              &keys[(j + 1) & (N_KEYS - 1)]),
                j++),
               j++);
  sink = r + x;
  for (i = 0; i < TRUTH_REPEATS; i++)
    {
      make_keys (keys);
      t = now_ns ();
      phase_fill (a, N_ELEMENTS);
      fill_ns[i] = now_ns () - t;
      t = now_ns ();
      phase_heapsort (a, N_ELEMENTS);
      heapsort_ns[i] = now_ns () - t;
      t = now_ns ();
      phase_steps ();
      steps_ns[i] = now_ns () - t;
      t = now_ns ();
      phase_qsort (keys, N_KEYS);
      qsort_ns[i] = now_ns () - t;
    }
  check_sorted (a, N_ELEMENTS);
  check_sorted (keys, N_KEYS);
  fill = median_ns (fill_ns);
  heapsort = median_ns (heapsort_ns);
  steps = median_ns (steps_ns);
  sorting = median_ns (qsort_ns);
  print_truth ("tiny_random", random_ns, N_ELEMENTS * DRAWS_PER_ELEMENT);
  print_truth ("phase_fill", fill - random_ns * (double) (N_ELEMENTS * DRAWS_PER_ELEMENT), 1);
  print_truth ("phase_heapsort", heapsort, 1);
  print_truth ("step400", step_ns, STEP_CALLS);
  print_truth ("phase_steps", steps - step_ns * (double) STEP_CALLS, 1);
  print_truth ("compare_keys", compare_ns_, n_comparisons);
  print_truth ("phase_qsort", sorting - compare_ns_ * (double) n_comparisons, 1);
  print_phase_truth ("phase_fill", fill);
  print_phase_truth ("phase_heapsort", heapsort);
  print_phase_truth ("phase_steps", steps);
  print_phase_truth ("phase_qsort", sorting);
}

NOT_PROFILED int
main (int    argc,
      char **argv)
{
  uint32_t *a, *keys;
  Stopwatch watch;
  long n_comparisons;
  int truth;

  truth = truth_mode (argc, argv);
  a = malloc (N_ELEMENTS * sizeof *a);
  keys = malloc (N_KEYS * sizeof *keys);
  if (a == NULL || keys == NULL)
    abort ();
  /* Touch the arrays first, so that page faults fall outside the timing. */
  memset (a, 0, N_ELEMENTS * sizeof *a);
  n_comparisons = warm_up_qsort (keys);
  if (truth)
    {
      measure_truth (a, keys, n_comparisons);
      free (a);
      free (keys);
      return 0;
    }
  stopwatch_start (&watch);
  run_workload (a, keys);
  stopwatch_print (&watch);
  check_sorted (a, N_ELEMENTS);
  check_sorted (keys, N_KEYS);
  free (a);
  free (keys);
  return 0;
}
