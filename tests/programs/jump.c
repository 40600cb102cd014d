/* jump.c: longjmp out of a recursion, then a call from the frame jumped to.
 * main calls attempt() 5 times; attempt() calls dive(0), which recurses to
 * dive(9) and jumps back into attempt(), which then calls after(). */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf target;

__attribute__ ((noipa)) static void
dive (int depth)
{
  if (depth == 9)
    longjmp (target, 1);
  dive (depth + 1);
}

__attribute__ ((noipa)) static int
after (int x)
{
  return x + 1;
}

__attribute__ ((noipa)) static int
attempt (int i)
{
  if (setjmp (target) == 0)
    dive (0);
  return after (i);
}

int
main (void)
{
  int s = 0;
  int i;

  for (i = 0; i < 5; i++)
    s += attempt (i);
  printf ("%d\n", s);
  return 0;
}
