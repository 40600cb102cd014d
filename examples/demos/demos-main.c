/* demos-main.c: runs a classroom demo's workload, or tells its truth.
 *
 *   demos overhead [N_TINY [N_BIG]]   demos 1 and 3 (default: 1000000 10)
 *   demos resolution [N]              demo 2 (default: 1000)
 *   demos library [N]                 demo 4 (default: 100000)
 *   demos waiting [N]                 demo 5 (default: 5)
 *   demos paths [N]                   demo 7 (default: 5)
 *   demos --truth DEMO [N...]         times the functions of DEMO without a
 *                                     profiler, called as the workload calls them
 *
 * The truth is one line per function: its name, its calls, and the
 * wall-clock and CPU nanoseconds that all those calls took (the best of
 * five runs), then the same two for the median of the five: how far the
 * median is from the best says how busy the machine was. For resolution, a last line
 * says what the coarse clock measures of each call: how many calls saw
 * 0 ticks, 1, or more.
 *
 * This file is built twice and never instrumented, so that a profile
 * shows only the workloads: "demos" links the instrumented workloads, for
 * detprof to profile; "demos-plain" links the same workloads built
 * without -finstrument-functions, for --truth.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "workloads.h"

#define TRUTH_REPEATS 5

typedef struct
{
  double wall;  /* nanoseconds of CLOCK_MONOTONIC */
  double cpu;   /* nanoseconds of CLOCK_PROCESS_CPUTIME_ID */
} Elapsed;

static long library_n;            /* the argument of demo 4's functions */
static volatile long library_sum; /* keeps their results */

static void
usage (void)
{
  fprintf (stderr,
           "usage: demos [--truth] overhead [N_TINY [N_BIG]]\n"
           "       demos [--truth] resolution [N]\n"
           "       demos [--truth] library [N]\n"
           "       demos [--truth] waiting [N]\n"
           "       demos [--truth] paths [N]\n");
  exit (2);
}

static long
count_arg (int    argc,
           char **argv,
           int    i,
           long   fallback)
{
  char *end;
  long value;

  if (i >= argc)
    return fallback;
  value = strtol (argv[i], &end, 10);
  if (*end != '\0' || end == argv[i] || value < 0)
    usage ();
  return value;
}

static double
read_ns (clockid_t clock)
{
  struct timespec ts;

  clock_gettime (clock, &ts);
  return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The best and the median of TRUTH_REPEATS runs of @calls calls of @fn. */
static void
time_calls (void   (*fn) (void),
            long     calls,
            Elapsed *best,
            Elapsed *median)
{
  double wall[TRUTH_REPEATS], cpu[TRUTH_REPEATS];
  long i;
  int r;

  for (r = 0; r < TRUTH_REPEATS; r++)
    {
      wall[r] = read_ns (CLOCK_MONOTONIC);
      cpu[r] = read_ns (CLOCK_PROCESS_CPUTIME_ID);
      for (i = 0; i < calls; i++)
        fn ();
      cpu[r] = read_ns (CLOCK_PROCESS_CPUTIME_ID) - cpu[r];
      wall[r] = read_ns (CLOCK_MONOTONIC) - wall[r];
    }
  qsort (wall, TRUTH_REPEATS, sizeof *wall, compare_doubles);
  qsort (cpu, TRUTH_REPEATS, sizeof *cpu, compare_doubles);
  best->wall = wall[0];
  best->cpu = cpu[0];
  median->wall = wall[TRUTH_REPEATS / 2];
  median->cpu = cpu[TRUTH_REPEATS / 2];
}

static void
print_truth (const char *name,
             void      (*fn) (void),
             long        calls)
{
  Elapsed best, median;

  time_calls (fn, calls, &best, &median);
  printf ("%s %ld %.0f %.0f %.0f %.0f\n", name, calls, best.wall, best.cpu, median.wall, median.cpu);
}

/* What a clock that ticks every few milliseconds sees of each call: the
 * same reading before and after (0 ticks), or one tick more. */
static void
print_coarse_ticks (long calls)
{
  struct timespec resolution;
  long seen[3] = { 0, 0, 0 };  /* calls that measured 0 ticks, 1, more */
  double tick, before;
  long i, ticks;

  clock_getres (CLOCK_MONOTONIC_COARSE, &resolution);
  tick = (double) resolution.tv_sec * 1e9 + (double) resolution.tv_nsec;
  for (i = 0; i < calls; i++)
    {
      before = read_ns (CLOCK_MONOTONIC_COARSE);
      short_task ();
      ticks = (long) ((read_ns (CLOCK_MONOTONIC_COARSE) - before) / tick + 0.5);
      seen[ticks < 2 ? ticks : 2]++;
    }
  printf ("coarse-ticks %.0f %ld %ld %ld\n", tick, seen[0], seen[1], seen[2]);
}

static void
by_hand_once (void)
{
  library_sum = by_hand (library_n);
}

static void
with_library_once (void)
{
  library_sum = with_library (library_n);
}

/* Demo 7: one top-level call of descend (), with all its recursion. */
static void
descend_once (void)
{
  descend (PATHS_DEPTH);
}

static void
tell_truth (const char *demo,
            int         argc,
            char      **argv)
{
  if (strcmp (demo, "overhead") == 0)
    {
      print_truth ("tiny", tiny, count_arg (argc, argv, 0, 1000000));
      print_truth ("big", big, count_arg (argc, argv, 1, 10));
    }
  else if (strcmp (demo, "resolution") == 0)
    {
      print_truth ("short_task", short_task, count_arg (argc, argv, 0, 1000));
      print_coarse_ticks (count_arg (argc, argv, 0, 1000));
    }
  else if (strcmp (demo, "library") == 0)
    {
      library_n = count_arg (argc, argv, 0, 100000);
      print_truth ("by_hand", by_hand_once, 1);
      print_truth ("with_library", with_library_once, 1);
    }
  else if (strcmp (demo, "waiting") == 0)
    {
      print_truth ("compute", compute, count_arg (argc, argv, 0, 5));
      print_truth ("wait_for_disk", wait_for_disk, count_arg (argc, argv, 0, 5));
    }
  else if (strcmp (demo, "paths") == 0)
    {
      print_truth ("descend", descend_once, count_arg (argc, argv, 0, 5));
      print_truth ("leaf", leaf, 1);
    }
  else
    usage ();
}

static int
run (const char *demo,
     int         argc,
     char      **argv)
{
  if (strcmp (demo, "overhead") == 0)
    overhead_run (count_arg (argc, argv, 0, 1000000), count_arg (argc, argv, 1, 10));
  else if (strcmp (demo, "resolution") == 0)
    resolution_run (count_arg (argc, argv, 0, 1000));
  else if (strcmp (demo, "library") == 0)
    return library_run (count_arg (argc, argv, 0, 100000)) == 0 ? 0 : 1;
  else if (strcmp (demo, "waiting") == 0)
    waiting_run (count_arg (argc, argv, 0, 5));
  else if (strcmp (demo, "paths") == 0)
    paths_run (count_arg (argc, argv, 0, 5));
  else
    usage ();
  return 0;
}

int
main (int    argc,
      char **argv)
{
  if (argc > 2 && strcmp (argv[1], "--truth") == 0)
    {
      tell_truth (argv[2], argc - 3, argv + 3);
      return 0;
    }
  if (argc < 2)
    usage ();
  return run (argv[1], argc - 2, argv + 2);
}
