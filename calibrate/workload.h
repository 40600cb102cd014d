/* workload.h: the calibration workload, compiled twice from workload.c:
 * once with -finstrument-functions (what the profiler measures) and once
 * without (the truth it is compared with). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  /* profile.py's calibration workload: f(m) calls f1(100) m times, and
   * f1(n) runs a loop of n assignments. */
  void (*classic_f)  (int m);
  void (*classic_f1) (int n);

  /* Empty bodies, for measuring the cost of each kind of stretch. */
  void (*empty)      (void);   /* nothing: its one stretch is call -> return */
  void (*one_call)   (void);   /* calls empty(): its stretches are call -> call and return -> return */
  void (*driver0)    (long n); /* the loop of driver1, with no call in it */
  void (*driver1)    (long n); /* calls empty() n times: n return -> call stretches */
  void (*driver2)    (long n); /* calls one_call() n times */

  /* Shapes of code around the hooks, for measuring how far the hidden
   * cost of one stretch strays from the bias taken off for it (the bias
   * spread, detprof-calibrate.c). Each driver makes n calls; @k sets
   * the work where the shape has some. Each has a plain baseline: the
   * same loop without the call, whose time is the driver's own. */
  void (*chain_driver)   (long n, long k);  /* x = chain (k, x): a leaf of k dependent multiplies, whose
                                             * work is still in flight when it returns */
  void (*sum_driver)     (long n, long k);  /* s += value (): a tiny leaf whose result the caller uses */
  void (*sum_base)       (long n, long k);  /* s += i, as sum_driver without the call */
  void (*between_driver) (long n, long k);  /* k dependent multiplies, then empty () */
  void (*between_base)   (long n, long k);  /* the same without the call */
  void (*rec_driver)     (long n, long k);  /* rec (k): fib-like recursion, arguments kept live across calls */
  void (*loop_base)      (long n, long k);  /* the loop of chain_driver and rec_driver, without a call */
  gconstpointer chain, value, rec;          /* the callees, to find their totals */
} DetprofWorkload;

/* The instrumented twin, and the plain one; and the instrumented one
 * built with frame pointers, whose shapes also count in the bias spread. */
extern const DetprofWorkload _detprof_workload_instrumented;
extern const DetprofWorkload _detprof_workload_plain;
extern const DetprofWorkload _detprof_workload_framed;

/* For tests: calibrate with other twins (NULL: the real ones). */
void _detprof_calibrate_set_workload (const DetprofWorkload *instrumented,
                                      const DetprofWorkload *plain);

G_END_DECLS
