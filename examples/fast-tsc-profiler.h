/* fast-tsc-profiler.h: a profiler with its timer hardwired.
 *
 * Python's documentation says how to make its profile module faster:
 * derive a class, hardwire the timer into its dispatch routine, and give
 * it its own calibration constant. ExampleFastTscProfiler does that for
 * detprof: it reads the cycle counter inline, once per event instead of
 * twice, and leaves its own bookkeeping to the bias.
 */
#pragma once

#include <detprof.h>

G_BEGIN_DECLS

#define EXAMPLE_TYPE_FAST_TSC_PROFILER (example_fast_tsc_profiler_get_type ())
G_DECLARE_FINAL_TYPE (ExampleFastTscProfiler, example_fast_tsc_profiler,
                      EXAMPLE, FAST_TSC_PROFILER, DetprofProfiler)

DetprofProfiler *example_fast_tsc_profiler_new (GError **error);

G_END_DECLS
