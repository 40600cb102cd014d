/* medium.c: functions of 100 ns to 2 us, the size where an uncorrected
 * profiler starts to drift.
 *
 * Four functions of roughly 100 ns, 300 ns, 700 ns and 2 us each (a chain of
 * multiply-adds), called from one driver in a fixed, shuffled mix: about
 * 180 ms of work in 645,000 calls. A profiler that spends some tens of
 * nanoseconds per event, and charges part of that to the function it is
 * timing, is off here by a few percent to a few tens of percent, more for
 * the shortest function; a calibrated bias should take most of that away.
 * Usage: medium [--truth]; see accuracy.h. */
#include "accuracy.h"

#define MUL 6364136223846793005ULL
#define ADD 1442695040888963407ULL

enum { LCG_100NS, LCG_300NS, LCG_700NS, LCG_2US, N_FUNCTIONS };

/* How often the driver calls each function. */
static const long calls_in_workload[N_FUNCTIONS] = { 400000, 150000, 70000, 25000 };

/* The empty asm makes each step depend on the last, as written. */
WORKLOAD static uint64_t
lcg_100ns (uint64_t x)
{
  long i;

  for (i = 0; i < 90; i++)
    {
      x = x * MUL + ADD;
      __asm__ ("" : "+r" (x));
    }
  return x;
}

WORKLOAD static uint64_t
lcg_300ns (uint64_t x)
{
  long i;

  for (i = 0; i < 275; i++)
    {
      x = x * MUL + ADD;
      __asm__ ("" : "+r" (x));
    }
  return x;
}

WORKLOAD static uint64_t
lcg_700ns (uint64_t x)
{
  long i;

  for (i = 0; i < 650; i++)
    {
      x = x * MUL + ADD;
      __asm__ ("" : "+r" (x));
    }
  return x;
}

WORKLOAD static uint64_t
lcg_2us (uint64_t x)
{
  long i;

  for (i = 0; i < 1850; i++)
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
      case LCG_100NS:
        x = lcg_100ns (x);
        break;
      case LCG_300NS:
        x = lcg_300ns (x);
        break;
      case LCG_700NS:
        x = lcg_700ns (x);
        break;
      case LCG_2US:
        x = lcg_2us (x);
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
  PER_CALL_NS (ns, 30000, x = lcg_100ns (x), (void) 0);
  print_truth ("lcg_100ns", ns, calls_in_workload[LCG_100NS]);
  PER_CALL_NS (ns, 10000, x = lcg_300ns (x), (void) 0);
  print_truth ("lcg_300ns", ns, calls_in_workload[LCG_300NS]);
  PER_CALL_NS (ns, 4300, x = lcg_700ns (x), (void) 0);
  print_truth ("lcg_700ns", ns, calls_in_workload[LCG_700NS]);
  PER_CALL_NS (ns, 1500, x = lcg_2us (x), (void) 0);
  print_truth ("lcg_2us", ns, calls_in_workload[LCG_2US]);
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
