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
} DetprofWorkload;

/* The instrumented twin, and the plain one. */
extern const DetprofWorkload _detprof_workload_instrumented;
extern const DetprofWorkload _detprof_workload_plain;

/* For tests: calibrate with other twins (NULL: the real ones). */
void _detprof_calibrate_set_workload (const DetprofWorkload *instrumented,
                                      const DetprofWorkload *plain);

G_END_DECLS
