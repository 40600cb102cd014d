/* fill-sort.c: the workload where an uncorrected profile tells you to
 * optimise the wrong function.
 *
 * fill() makes an array of 65,536 roughly normal random numbers, each the
 * sum of 16 uniform draws from next_random(), a tiny function of a few
 * nanoseconds: over a million calls. sort() then heapsorts the array, with no calls
 * inside. fill takes about a third of the time, but every call fill() makes costs a
 * profiler two events, and an uncorrected profile charges most of that cost
 * to fill() and next_random(), so fill looks like nearly all of the time.
 * The figure that matters: fill's share of fill + sort (cumulative).
 * Usage: fill-sort [--truth]; see accuracy.h. */
#include "accuracy.h"

#define N_ELEMENTS (1L << 16)
#define DRAWS_PER_ELEMENT 16

static uint64_t random_state = 88172645463325252ULL;

/* xorshift64*: a few instructions, and a call to each of them. */
WORKLOAD static uint32_t
next_random (void)
{
  uint64_t x = random_state;

  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  random_state = x;
  return (uint32_t) ((x * 2685821657736338717ULL) >> 32);
}

WORKLOAD static void
fill (uint32_t *a,
      long      n)
{
  long i;
  int d;

  for (i = 0; i < n; i++)
    {
      uint32_t sum = 0;

      for (d = 0; d < DRAWS_PER_ELEMENT; d++)
        sum += next_random () >> 4;
      a[i] = sum;
    }
}

/* Heapsort, sift-down written out: no calls inside. */
WORKLOAD static void
sort (uint32_t *a,
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
run_workload (uint32_t *a,
              long      n)
{
  fill (a, n);
  sort (a, n);
}

NOT_PROFILED static void
check_sorted (const uint32_t *a,
              long            n)
{
  long i;

  for (i = 1; i < n; i++)
    if (a[i - 1] > a[i])
      {
        fprintf (stderr, "fill-sort: not sorted at %ld\n", i);
        exit (1);
      }
}

/* fill's self time is its time with its calls to next_random taken off. */
NOT_PROFILED static void
measure_truth (uint32_t *a)
{
  double random_ns, fill_ns[TRUTH_REPEATS], sort_ns[TRUTH_REPEATS], t;
  uint32_t r = 0;
  int i;

  PER_CALL_NS (random_ns, 1000000, r += next_random (), (void) 0);
  sink = r;
  for (i = 0; i < TRUTH_REPEATS; i++)
    {
      t = now_ns ();
      fill (a, N_ELEMENTS);
      fill_ns[i] = now_ns () - t;
      t = now_ns ();
      sort (a, N_ELEMENTS);
      sort_ns[i] = now_ns () - t;
    }
  check_sorted (a, N_ELEMENTS);
  print_truth ("next_random", random_ns, N_ELEMENTS * DRAWS_PER_ELEMENT);
  print_truth ("fill", median_ns (fill_ns) - random_ns * (double) (N_ELEMENTS * DRAWS_PER_ELEMENT), 1);
  print_truth ("sort", median_ns (sort_ns), 1);
}

NOT_PROFILED int
main (int    argc,
      char **argv)
{
  uint32_t *a;
  Stopwatch watch;

  a = malloc (N_ELEMENTS * sizeof *a);
  if (a == NULL)
    abort ();
  /* Touch the array first, so that page faults fall outside the timing. */
  memset (a, 0, N_ELEMENTS * sizeof *a);
  if (truth_mode (argc, argv))
    {
      measure_truth (a);
      free (a);
      return 0;
    }
  stopwatch_start (&watch);
  run_workload (a, N_ELEMENTS);
  stopwatch_print (&watch);
  check_sorted (a, N_ELEMENTS);
  free (a);
  return 0;
}
