/* depth-profiler.h: a DetprofProfiler that also measures how deep calls go.
 *
 * A DepthProfiler profiles exactly as DetprofProfiler does, and on top of
 * that notes, at every call, the depth of the stack and how many
 * activations of the called function are open at once (its recursion
 * depth). See depth-profiler.c for how, and depth-profiler-main.c for use.
 */
#pragma once

#include "detprof.h"

G_BEGIN_DECLS

#define DEPTH_TYPE_PROFILER (depth_profiler_get_type ())
G_DECLARE_FINAL_TYPE (DepthProfiler, depth_profiler, DEPTH, PROFILER, DetprofProfiler)

DepthProfiler *depth_profiler_new (DetprofTimer *timer);

gsize          depth_profiler_get_max_recursion (DepthProfiler *self,
                                                 gconstpointer  fn);
gsize          depth_profiler_get_max_depth (DepthProfiler *self,
                                             gconstpointer  fn);
gsize          depth_profiler_get_deepest (DepthProfiler *self);
guint64        depth_profiler_get_calls_at_depth (DepthProfiler *self,
                                                  gsize          depth);

void           depth_profiler_print_depths (DepthProfiler *self,
                                            GString       *out);

G_END_DECLS
