/* hostile.c: a program that does what the profiler cannot count on.
 * Usage: hostile MODE [DIR]
 *
 *   clearenv   empties its environment, then works and returns
 *   unsetenv   removes DETPROF_OUTPUT from its environment, then works
 *   _exit      works, then ends with _exit (), which runs no exit handler
 *   rmdir DIR  works, then removes DIR (where its profile was to go)
 *   outlive    double-forks: the grandchild waits until the directory of
 *              DETPROF_OUTPUT is gone (the runner has finished), then works
 *              and exits
 *
 * Each mode calls work () once, so that there is something to profile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__ ((noipa)) static int
work (int x)
{
  return x * 3 + 1;
}

/* The grandchild of a double fork: tells the program it is running (so
 * that the program ends only then), waits for the runner to remove the
 * directory it was to write in (at most 20 s), then ends normally. */
__attribute__ ((noipa)) static void
outlive (int         ready,
         const char *dir)
{
  struct stat st;
  int i;

  if (write (ready, "r", 1) != 1)
    _exit (1);
  close (ready);
  for (i = 0; i < 2000 && stat (dir, &st) == 0; i++)
    usleep (10000);
  work (5);
  exit (0);
}

__attribute__ ((noipa)) static int
double_fork (void)
{
  const char *output = getenv ("DETPROF_OUTPUT");
  char dir[4096];
  char byte;
  int ready[2];
  pid_t child;

  if (output == NULL || strlen (output) >= sizeof dir || pipe (ready) != 0)
    return 1;
  strcpy (dir, output);
  *strrchr (dir, '/') = '\0';
  fflush (stdout);

  child = fork ();
  if (child == 0)
    {
      if (fork () == 0)
        {
          close (ready[0]);
          outlive (ready[1], dir);
        }
      _exit (0);
    }
  close (ready[1]);
  waitpid (child, NULL, 0);
  /* The grandchild has started: it is known before the program ends. */
  if (read (ready[0], &byte, 1) != 1)
    return 1;
  return 0;
}

int
main (int    argc,
      char **argv)
{
  const char *mode = argc > 1 ? argv[1] : "";

  if (strcmp (mode, "clearenv") == 0)
    clearenv ();
  else if (strcmp (mode, "unsetenv") == 0)
    unsetenv ("DETPROF_OUTPUT");
  else if (strcmp (mode, "outlive") == 0)
    return double_fork ();

  printf ("%d\n", work (argc));
  fflush (stdout);

  if (strcmp (mode, "_exit") == 0)
    _exit (0);
  if (strcmp (mode, "rmdir") == 0 && argc > 2 && rmdir (argv[2]) != 0)
    return 1;
  return 0;
}
