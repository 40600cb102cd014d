/* jumps.c: every way of long-jumping, out of a recursion five frames deep,
 * three times each: longjmp, _longjmp, siglongjmp, and siglongjmp out of a
 * signal handler (raise() at the bottom of the recursion; the handler
 * calls jump_out, which jumps). Built -O2 with inlining (gcc and clang),
 * and with -D_FORTIFY_SOURCE=2, where every long jump is __longjmp_chk.
 *
 * Each attempt leaves five frames of its dive (seven for the signal: the
 * handler and jump_out too), 66 in all, then calls after() from the frame
 * it jumped back to. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static jmp_buf plain_target;
static jmp_buf underscore_target;
static sigjmp_buf sig_target;
static volatile int sink;

__attribute__ ((noinline)) static void
dive_longjmp (int depth)
{
  if (depth == 4)
    longjmp (plain_target, 1);
  dive_longjmp (depth + 1);
  sink++;
}

__attribute__ ((noinline)) static void
dive_underscore (int depth)
{
  if (depth == 4)
    _longjmp (underscore_target, 1);
  dive_underscore (depth + 1);
  sink++;
}

__attribute__ ((noinline)) static void
dive_siglongjmp (int depth)
{
  if (depth == 4)
    siglongjmp (sig_target, 1);
  dive_siglongjmp (depth + 1);
  sink++;
}

__attribute__ ((noinline)) static void
jump_out (void)
{
  siglongjmp (sig_target, 2);
}

__attribute__ ((noinline)) static void
on_signal (int signum)
{
  jump_out ();
}

__attribute__ ((noinline)) static void
dive_raise (int depth)
{
  if (depth == 4)
    raise (SIGUSR1);
  dive_raise (depth + 1);
  sink++;
}

__attribute__ ((noinline)) static int
after (int value)
{
  return value + sink;
}

static int
attempt (int how)
{
  switch (how)
    {
    case 0:
      if (setjmp (plain_target) == 0)
        dive_longjmp (0);
      break;
    case 1:
      if (_setjmp (underscore_target) == 0)
        dive_underscore (0);
      break;
    case 2:
      if (sigsetjmp (sig_target, 1) == 0)
        dive_siglongjmp (0);
      break;
    default:
      if (sigsetjmp (sig_target, 1) == 0)
        dive_raise (0);
      break;
    }
  return after (how);
}

int
main (void)
{
  struct sigaction action = { .sa_handler = on_signal };
  int s = 0;
  int i, how;

  sigaction (SIGUSR1, &action, NULL);
  for (i = 0; i < 3; i++)
    for (how = 0; how < 4; how++)
      s += attempt (how);
  printf ("%d\n", s);
  return 0;
}
