/* demo-work.c: the real work of the demos (see demo-work.h).
 *
 * Built without -finstrument-functions: these two never appear in a
 * profile, their time goes to their callers.
 */
#include "config.h"

#include <errno.h>
#include <time.h>

#include "demo-work.h"

/* The chain carries on from one call to the next, so that the processor
 * cannot run two calls' work side by side. */
static unsigned long chain;

void
demo_work (long units)
{
  unsigned long x = chain;
  long i;

  /* Each step needs the one before, so nothing can shorten the chain;
   * the empty asm keeps the compiler from computing it in one go. */
  for (i = 0; i < units; i++)
    {
      x = x * 6364136223846793005UL + 1442695040888963407UL;
      __asm__ volatile ("" : "+r" (x));
    }
  chain = x;
}

void
demo_wait (long ns)
{
  struct timespec left = { ns / 1000000000L, ns % 1000000000L };

  while (clock_nanosleep (CLOCK_MONOTONIC, 0, &left, &left) == EINTR)
    ;
}
