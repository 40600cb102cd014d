/* waiting.c: demo 5, CPU time against wall-clock time.
 *
 * compute () keeps the CPU busy for a few milliseconds; wait_for_disk ()
 * sleeps for as long, as a program waiting for a disk or the network
 * does. A CPU-time timer (cpu, thread-cpu, rusage, times) does not
 * advance while the process sleeps, so wait_for_disk () looks free; a
 * wall-clock timer (tsc, wall, coarse) charges it all its waiting.
 */
#include "config.h"

#include "demo-work.h"
#include "workloads.h"

void
compute (void)
{
  demo_work (COMPUTE_UNITS);
}

void
wait_for_disk (void)
{
  demo_wait (WAIT_NS);
}

void
waiting_run (long n)
{
  long i;

  for (i = 0; i < n; i++)
    {
      compute ();
      wait_for_disk ();
    }
}
