/* memory-limit.c: the program lowers its own address-space limit to what
 * it has mapped already, then calls 64 functions it never called before,
 * each a new call site for the profiler's tables; then it exits 0. The
 * profiler must not be the reason it dies (GLib aborts when an allocation
 * fails): calls it cannot record are counted, and the report says that
 * memory ran out. */
#include <stdio.h>
#include <sys/resource.h>

static volatile int sink;

#define FUNCTION(n) __attribute__ ((noinline)) static void f##n (void) { sink += n; }
#define FUNCTIONS8(n) FUNCTION (n##0) FUNCTION (n##1) FUNCTION (n##2) FUNCTION (n##3) \
                      FUNCTION (n##4) FUNCTION (n##5) FUNCTION (n##6) FUNCTION (n##7)
FUNCTIONS8 (1) FUNCTIONS8 (2) FUNCTIONS8 (3) FUNCTIONS8 (4)
FUNCTIONS8 (5) FUNCTIONS8 (6) FUNCTIONS8 (7) FUNCTIONS8 (8)

#define CALL8(n) f##n##0 (); f##n##1 (); f##n##2 (); f##n##3 (); \
                 f##n##4 (); f##n##5 (); f##n##6 (); f##n##7 ();

static long
mapped_bytes (void)
{
  FILE *statm = fopen ("/proc/self/statm", "r");
  long pages = 0;

  if (statm != NULL)
    {
      if (fscanf (statm, "%ld", &pages) != 1)
        pages = 0;
      fclose (statm);
    }
  return pages * 4096;
}

int
main (void)
{
  struct rlimit limit;
  int i;

  /* All the room a program has is taken: no new mapping, no heap growth.
   * (stdout is set up first, so that printf needs nothing more.) */
  printf ("limited\n");
  fflush (stdout);
  limit.rlim_cur = mapped_bytes ();
  getrlimit (RLIMIT_AS, &(struct rlimit) { 0 });
  limit.rlim_max = RLIM_INFINITY;
  setrlimit (RLIMIT_AS, &limit);
  for (i = 0; i < 100; i++)
    {
      CALL8 (1) CALL8 (2) CALL8 (3) CALL8 (4)
      CALL8 (5) CALL8 (6) CALL8 (7) CALL8 (8)
    }
  printf ("%d\n", sink);
  return 0;
}
