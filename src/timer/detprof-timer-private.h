/* detprof-timer-private.h: what the dispatcher needs to read a timer fast. */
#pragma once

#include "detprof-timer.h"

G_BEGIN_DECLS

struct _DetprofTimer
{
  gint              ref_count;
  char             *name;          /* owned */
  char             *description;   /* owned: what the clock is, for reports */
  DetprofTimerShape shape;
  guint             n_values;      /* 1, or the tuple's length */
  double            timeunit;      /* seconds per unit of a reading */
  double            resolution;    /* seconds between distinct readings; 0 if unknown */

  /* One reading in timeunits. Chosen from the shape when the timer is made,
   * as profile.py chooses its dispatcher; built-in timers bring their own,
   * so reading the cycle counter is one indirect call and one instruction. */
  double          (*read) (DetprofTimer *self);

  union
  {
    DetprofTimerDoubleFunc  as_double;
    DetprofTimerIntegerFunc as_integer;
    DetprofTimerTupleFunc   as_tuple;
  } func;
  gpointer          user_data;
  GDestroyNotify    destroy;
};

/* The cycle counter's frequency in Hz, measured once per process against
 * CLOCK_MONOTONIC; 0 if the host has no invariant TSC. */
double   _detprof_timer_tsc_frequency (void);

/* Whether @self reads the cycle counter (tsc, tsc-fenced), whose
 * frequency the runner hands down in DETPROF_TSC_HZ. */
gboolean _detprof_timer_reads_tsc (DetprofTimer *self);

G_END_DECLS
