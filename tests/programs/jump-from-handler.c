/* jump-from-handler.c: a timer fires every 50 µs; its handler, which is
 * instrumented, siglongjmps back into main, wherever the program was:
 * often inside the profiler's own hooks, since a loop of tiny calls
 * spends most of its time there. After 200 such jumps, main calls after()
 * 1000 times: each must be counted (a thread left marked busy by an
 * interrupted event would drop them all). */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>

static sigjmp_buf target;
static volatile int jumps;

__attribute__ ((noinline)) static void
work (int depth)
{
  if (depth > 0)
    work (depth - 1);
  jumps += 0;
}

__attribute__ ((noinline)) static void
on_tick (int signum)
{
  jumps++;
  siglongjmp (target, 1);
}

__attribute__ ((noinline)) static int
after (int i)
{
  return i & 1;
}

int
main (void)
{
  struct sigaction action = { .sa_handler = on_tick };
  struct itimerval every_50us = { { 0, 50 }, { 0, 50 } };
  struct itimerval stop = { { 0, 0 }, { 0, 0 } };
  int s = 0;
  int i;

  sigaction (SIGALRM, &action, NULL);
  sigsetjmp (target, 1);
  if (jumps == 0)
    setitimer (ITIMER_REAL, &every_50us, NULL);
  while (jumps < 200)
    work (10);
  setitimer (ITIMER_REAL, &stop, NULL);

  for (i = 0; i < 1000; i++)
    s += after (i);
  printf ("%d\n", s);
  return 0;
}
