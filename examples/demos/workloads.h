/* workloads.h: the instrumented functions of the classroom demos.
 *
 * One file per demo, all built twice: with -finstrument-functions into
 * the program detprof profiles (examples/demos/demos), and without into
 * the one that tells the truth (examples/demos/demos-plain --truth). The
 * tests link the instrumented build and drive it on a virtual clock
 * (tests/test-demos.c). The work of each function is in units of
 * demo_work (), about a nanosecond each; see doc/teaching-demos.md.
 */
#pragma once

/* Demos 1 and 3, overhead.c: a tiny function called very often next to
 * a big one called rarely. */
#define TINY_UNITS 1
#define BIG_UNITS 500000
void tiny (void);
void big (void);
void overhead_run (long n_tiny,
                   long n_big);

/* Demo 2, resolution.c: a short task, against a clock that ticks rarely. */
#define SHORT_TASK_UNITS 23000
void short_task (void);
void resolution_run (long n);

/* Demo 4, library.c: the same loop in our code and in an uninstrumented
 * library (vecmath.c). */
long square (long x);
long by_hand (long n);
long with_library (long n);
long library_run (long n);

/* Demo 5, waiting.c: a function that computes and one that waits. */
#define COMPUTE_UNITS 4000000
#define WAIT_NS 4000000
void compute (void);
void wait_for_disk (void);
void waiting_run (long n);

/* Demo 7, paths.c: a recursive function, PATHS_DEPTH deep, with the same
 * work at each level, and a leaf reached by two paths. */
#define PATHS_DEPTH 10
#define LEVEL_UNITS 200000
#define LEAF_UNITS 100000
void leaf (void);
void descend (long depth);
void paths_run (long n);
