/* forks.c: work, fork; the child calls in_child() 3 times and exits, the
 * parent waits and calls in_parent() twice. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__ ((noipa)) static int
before (int x)
{
  return x + 1;
}

__attribute__ ((noipa)) static int
in_child (int x)
{
  return x + 2;
}

__attribute__ ((noipa)) static int
in_parent (int x)
{
  return x + 3;
}

int
main (void)
{
  int s = before (1);
  pid_t pid;
  int i;

  fflush (stdout);
  pid = fork ();
  if (pid == 0)
    {
      for (i = 0; i < 3; i++)
        s += in_child (i);
      exit (0);
    }
  waitpid (pid, NULL, 0);
  for (i = 0; i < 2; i++)
    s += in_parent (i);
  printf ("%d\n", s);
  return 0;
}
