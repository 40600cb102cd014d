/* coarse.c: the accuracy workload where a profiler should be easy to trust.
 *
 * Four functions of roughly 10 us, 100 us, 300 us and 1 ms each (a chain of
 * multiply-adds that nothing can shorten), called from one driver in a fixed,
 * shuffled mix: about 125 ms of work in 3,610 calls. Against functions this
 * long, the few tens of nanoseconds a profiler spends per event are lost in
 * the noise, so even an uncorrected profile should be within a few percent.
 * Usage: coarse [--truth]; see accuracy.h. */
#include "accuracy.h"

#define MUL 6364136223846793005ULL
#define ADD 1442695040888963407ULL

enum { SPIN_10US, SPIN_100US, SPIN_300US, SPIN_1MS, N_FUNCTIONS };

/* How often the driver calls each function. */
static const long calls_in_workload[N_FUNCTIONS] = { 3000, 400, 150, 60 };

/* The empty asm makes each step depend on the last, as written. */
WORKLOAD static uint64_t
spin_10us (uint64_t x)
{
  long i;

  for (i = 0; i < 6500; i++)
    {
      x = x * MUL + ADD;
      __asm__ ("" : "+r" (x));
    }
  return x;
}

WORKLOAD static uint64_t
spin_100us (uint64_t x)
{
  long i;

  for (i = 0; i < 65000; i++)
    {
      x = x * MUL + ADD;
      __asm__ ("" : "+r" (x));
    }
  return x;
}

WORKLOAD static uint64_t
spin_300us (uint64_t x)
{
  long i;

  for (i = 0; i < 195000; i++)
    {
      x = x * MUL + ADD;
      __asm__ ("" : "+r" (x));
    }
  return x;
}

WORKLOAD static uint64_t
spin_1ms (uint64_t x)
{
  long i;

  for (i = 0; i < 650000; i++)
    {
      x = x * MUL + ADD;
      __asm__ ("" : "+r" (x));
    }
  return x;
}

/* The driver: its own time is the loop and the switch. */
WORKLOAD static uint64_t
run_workload (const unsigned char *schedule,
              long                 n)
{
  uint64_t x = 1;
  long i;

  for (i = 0; i < n; i++)
    switch (schedule[i])
      {
      case SPIN_10US:
        x = spin_10us (x);
        break;
      case SPIN_100US:
        x = spin_100us (x);
        break;
      case SPIN_300US:
        x = spin_300us (x);
        break;
      case SPIN_1MS:
        x = spin_1ms (x);
        break;
      default:
        abort ();
      }
  return x;
}

NOT_PROFILED static void
measure_truth (void)
{
  uint64_t x = 1;
  double ns;

  /* About 3 ms per repeat. */
  PER_CALL_NS (ns, 300, x = spin_10us (x), (void) 0);
  print_truth ("spin_10us", ns, calls_in_workload[SPIN_10US]);
  PER_CALL_NS (ns, 30, x = spin_100us (x), (void) 0);
  print_truth ("spin_100us", ns, calls_in_workload[SPIN_100US]);
  PER_CALL_NS (ns, 10, x = spin_300us (x), (void) 0);
  print_truth ("spin_300us", ns, calls_in_workload[SPIN_300US]);
  PER_CALL_NS (ns, 3, x = spin_1ms (x), (void) 0);
  print_truth ("spin_1ms", ns, calls_in_workload[SPIN_1MS]);
  sink = x;
}

NOT_PROFILED int
main (int    argc,
      char **argv)
{
  unsigned char *schedule;
  Stopwatch watch;
  long n;

  if (truth_mode (argc, argv))
    {
      measure_truth ();
      return 0;
    }
  schedule = make_schedule (calls_in_workload, N_FUNCTIONS, &n);
  stopwatch_start (&watch);
  sink = run_workload (schedule, n);
  stopwatch_print (&watch);
  free (schedule);
  return 0;
}
