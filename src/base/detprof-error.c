/* detprof-error.c: the detprof error domain. */
#include "config.h"

#include "detprof-error.h"

/**
 * SECTION:detprof-error
 * @title: Errors
 * @short_description: the error domain of every recoverable failure
 *
 * Every function of libdetprof that can fail for a reason outside the
 * caller's control (a file that cannot be read, a corrupt statistics dump,
 * a timer this host does not have, a calibration that cannot be trusted)
 * reports it as a #GError in the %DETPROF_ERROR domain, with a code from
 * #DetprofError and a message meant for the user. Calling a function with
 * arguments that break its documented preconditions is a programming
 * error instead: it logs a critical warning and returns at once.
 *
 * |[<!-- language="C" -->
 * g_autoptr(GError) error = NULL;
 * g_autoptr(DetprofStats) stats = detprof_stats_new_from_file ("run.prof", &error);
 *
 * if (stats == NULL)
 *   {
 *     if (g_error_matches (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT))
 *       g_printerr ("not a statistics dump: %s\n", error->message);
 *     else
 *       g_printerr ("%s\n", error->message);
 *   }
 * ]|
 */

/**
 * detprof_error_quark:
 *
 * The quark of the detprof error domain; use %DETPROF_ERROR instead.
 *
 * Returns: the #GQuark that identifies errors from libdetprof
 *
 * Since: 0.1
 */
G_DEFINE_QUARK (detprof-error-quark, detprof_error)
