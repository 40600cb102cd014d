/* detprof-export.h: statistics for other tools: the callgrind format
 * (KCachegrind, callgrind_annotate) and Graphviz's DOT language.
 */
#pragma once

#include "detprof-stats.h"

G_BEGIN_DECLS

/**
 * DETPROF_EXPORT_DEFAULT_THRESHOLD:
 *
 * The threshold detprof_stats_export_dot() is usually given: functions and
 * calls under half a percent of the total time are left out.
 *
 * Since: 0.1
 */
#define DETPROF_EXPORT_DEFAULT_THRESHOLD 0.005

gboolean detprof_stats_export_callgrind (DetprofStats  *stats,
                                         GString       *out,
                                         GError       **error);
gboolean detprof_stats_export_dot       (DetprofStats  *stats,
                                         GString       *out,
                                         double         threshold,
                                         GError       **error);

G_END_DECLS
