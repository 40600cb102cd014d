/* workload.c: the calibration workload (see workload.h).
 *
 * Built twice, with WORKLOAD_NAME set to _detprof_workload_instrumented
 * (and -finstrument-functions) or _detprof_workload_plain. Every function
 * is noipa and its body has an empty asm statement, so the compiler can
 * neither inline, clone, merge nor delete it: the twins make the same
 * calls, and differ only by the hooks.
 */
#include "config.h"

#include "workload.h"

#define KEEP __attribute__ ((noipa))
#define BARRIER() __asm__ volatile ("" ::: "memory")

static KEEP void
classic_f1 (int n)
{
  volatile int x;
  int i;

  for (i = 0; i < n; i++)
    x = 1;
  (void) x;
}

static KEEP void
classic_f (int m)
{
  int i;

  for (i = 0; i < m; i++)
    classic_f1 (100);
}

static KEEP void
empty (void)
{
  BARRIER ();
}

static KEEP void
one_call (void)
{
  empty ();
}

static KEEP void
driver0 (long n)
{
  long i;

  for (i = 0; i < n; i++)
    BARRIER ();
}

static KEEP void
driver1 (long n)
{
  long i;

  for (i = 0; i < n; i++)
    empty ();
}

static KEEP void
driver2 (long n)
{
  long i;

  for (i = 0; i < n; i++)
    one_call ();
}

const DetprofWorkload WORKLOAD_NAME = {
  classic_f, classic_f1, empty, one_call, driver0, driver1, driver2
};
