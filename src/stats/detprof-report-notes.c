/* detprof-report-notes.c: what detprof says after pstats' report.
 *
 * Python has nothing to say after its tables; detprof has three things,
 * each drawn from the run's facts that a detprof dump carries (Python's
 * dumps have none, and get none of these lines):
 *
 * - the timer and the bias the times were measured and corrected with;
 * - the functions whose times came out negative, where the bias took off
 *   more than the overhead really was;
 * - how exactly the call tree was rebuilt. It is rebuilt from enter and
 *   exit events, and the dump counts the events that did not fit it (a
 *   missed return, a return with no call, an event dropped while the
 *   profiler was busy) and the frames the program left without returning.
 *   Every report and export ends with those counts.
 */
#include "config.h"

#include "detprof-report-paths-private.h"
#include "detprof-report-private.h"

/* ---------------------------------------------------------------------- */
/* The run facts of detprof dumps                                          */

void
_detprof_report_append_info (DetprofStats *stats,
                              GString      *out)
{
  const char *timer, *bias, *pairs;

  g_return_if_fail (DETPROF_IS_STATS (stats));
  g_return_if_fail (out != NULL);

  timer = detprof_stats_get_info (stats, "timer");
  bias = detprof_stats_get_info (stats, "bias");
  pairs = detprof_stats_get_info (stats, "bias-pairs");
  if (timer == NULL && bias == NULL)
    return;

  g_string_append (out, "detprof:");
  if (timer != NULL)
    g_string_append_printf (out, " timer %s", timer);
  if (bias != NULL)
    {
      char *end = NULL;
      double value = g_ascii_strtod (bias, &end);

      if (timer != NULL)
        g_string_append_c (out, ',');
      /* As the runner prints it: the four constants of the pairs model,
       * or one constant to six significant digits. */
      if (pairs != NULL && g_strcmp0 (detprof_stats_get_info (stats, "bias-model"), "pairs") == 0)
        g_string_append_printf (out, " bias per pair of events (s): %s", pairs);
      else if (end == bias || *end != '\0')
        g_string_append_printf (out, " bias %s s per event", bias);
      else if (value == 0.0)
        g_string_append (out, " bias 0 (no correction)");
      else
        {
          char buffer[G_ASCII_DTOSTR_BUF_SIZE];

          g_string_append_printf (out, " bias %s s per event",
                                  g_ascii_formatd (buffer, sizeof buffer, "%.6g", value));
        }
    }
  g_string_append_c (out, '\n');
}

/* At most this many functions are named; the count says how many more. */
#define MAX_NAMED_NEGATIVE 5

void
_detprof_report_append_negative_warning (DetprofStats *stats,
                                          GString      *out)
{
  g_autoptr(GString) names = g_string_new (NULL);
  guint i, n = detprof_stats_get_n_functions (stats), negative = 0;

  g_return_if_fail (DETPROF_IS_STATS (stats));
  g_return_if_fail (out != NULL);

  for (i = 0; i < n; i++)
    {
      const DetprofFunctionStats *function = detprof_stats_get_function (stats, i);

      if (!(function->tt.value < 0.0 || function->ct.value < 0.0))
        continue;
      if (negative++ < MAX_NAMED_NEGATIVE)
        g_string_append_printf (names, "%s%s", negative > 1 ? ", " : "", function->name);
    }
  if (negative == 0)
    return;
  if (negative > MAX_NAMED_NEGATIVE)
    g_string_append_printf (names, " and %u more", negative - MAX_NAMED_NEGATIVE);
  g_string_append_printf (out, "detprof: warning: negative times in %u function%s (%s): the bias "
                          "took off more than the overhead %s really had; %s not "
                          "to be trusted (try a smaller -b, or -b 0 to see the uncorrected times)\n\n",
                          negative, negative == 1 ? "" : "s", names->str,
                          negative == 1 ? "it" : "they", negative == 1 ? "its times are" : "their times are");
}

void
_detprof_report_append_notes (DetprofStats *stats,
                                              GString      *out)
{
  gboolean any;

  g_return_if_fail (DETPROF_IS_STATS (stats));
  g_return_if_fail (out != NULL);

  any = _detprof_report_append_reconstruction_notes (stats, out, "detprof: ");
  /* The paths' own: calls left out of them, threads mostly blocked. */
  if (_detprof_report_append_path_notes (stats, out, "detprof: "))
    any = TRUE;
  if (any)
    g_string_append_c (out, '\n');
}

/* ---------------------------------------------------------------------- */
/* How exactly the call tree was rebuilt                                   */

/* The run facts that count events the dispatcher could not place. Each
 * line says how many, "(their share of all calls)", and then what they
 * are and what became of them. */
static const struct
{
  const char *key;        /* the run fact */
  const char *noun[2];    /* one, several */
  const char *what[2];    /* one, several */
} inexact[] = {
  { "abandoned-frames",
    { "abandoned frame", "abandoned frames" },
    { "closed without its return event, because a later return belonged to a frame below it;"
      " where it ended is a guess",
      "closed without their return events, because later returns belonged to frames below them;"
      " where each ended is a guess" } },
  { "unmatched-returns",
    { "unmatched return", "unmatched returns" },
    { "a return event that matched no open frame (a function entered before profiling began,"
      " or a lost event), ignored",
      "return events that matched no open frame (functions entered before profiling began,"
      " or lost events), ignored" } },
  { "dropped-events",
    { "dropped event", "dropped events" },
    { "arrived while the profiler was busy (a signal handler interrupted it), or was cut short"
      " (a thread cancelled, or a jump out of such a handler), and was not counted",
      "arrived while the profiler was busy (signal handlers interrupted it), or were cut short"
      " (threads cancelled, or jumps out of such handlers), and were not counted" } },
};

/* The run facts that count frames the program really left without
 * returning. Those frames were closed where it left them: exact. */
static const struct
{
  const char *key;
  const char *how[2];     /* "left by ...": one, several */
} departures[] = {
  { "frames-left-by-longjmp", { "longjmp", "longjmp" } },
  { "frames-left-by-exception", { "an exception", "exceptions" } },
  { "frames-left-by-thread-exit", { "a thread exit", "thread exits" } },
};

/* A count from the run facts. Older dumps lack the newer keys, and
 * Python's dumps have none: absent, like unreadable, is 0. */
static gint64
info_count (DetprofStats *stats,
            const char   *key)
{
  const char *text = detprof_stats_get_info (stats, key);
  guint64 value = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &value, NULL))
    return 0;
  return (gint64) value;
}

/* "0.12% of 10000 calls": @n against the report's "N function calls". */
static void
append_share (GString *out,
              gint64   n,
              gint64   total_calls)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  double percent;

  if (total_calls <= 0)
    {
      g_string_append (out, "no calls were counted");
      return;
    }

  percent = 100.0 * (double) n / (double) total_calls;
  if (percent < 0.01)
    g_string_append (out, "<0.01");
  else
    g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.2f", percent));
  g_string_append_printf (out, "%% of %" G_GINT64_FORMAT " calls", total_calls);
}

gboolean
_detprof_report_append_reconstruction_notes (DetprofStats *stats,
                                             GString      *out,
                                             const char   *prefix)
{
  gint64 total_calls, left = 0, n;
  gboolean any = FALSE;
  gsize i;

  g_return_val_if_fail (DETPROF_IS_STATS (stats), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (prefix != NULL, FALSE);

  total_calls = detprof_stats_get_total_calls (stats);
  for (i = 0; i < G_N_ELEMENTS (inexact); i++)
    {
      if ((n = info_count (stats, inexact[i].key)) == 0)
        continue;
      g_string_append_printf (out, "%swarning: %" G_GINT64_FORMAT " %s (", prefix, n,
                              inexact[i].noun[n != 1]);
      append_share (out, n, total_calls);
      g_string_append_printf (out, "): %s\n", inexact[i].what[n != 1]);
      any = TRUE;
    }

  if ((n = info_count (stats, "out-of-memory")) > 0)
    {
      gint64 unrecorded = info_count (stats, "unrecorded-calls");

      g_string_append_printf (out, "%swarning: the profiler ran out of memory in %" G_GINT64_FORMAT
                              " thread%s: %" G_GINT64_FORMAT " call%s could not be recorded (their"
                              " returns are unmatched), and a thread with no memory for its tables"
                              " is not in the profile at all\n", prefix, n, n == 1 ? "" : "s",
                              unrecorded, unrecorded == 1 ? "" : "s");
      any = TRUE;
    }

  /* "12 frames were left by longjmp, 3 by exceptions and 1 by a thread
   * exit: closed where the program left them" */
  for (i = 0; i < G_N_ELEMENTS (departures); i++)
    {
      gsize j, later = 0;

      if ((n = info_count (stats, departures[i].key)) == 0)
        continue;
      for (j = i + 1; j < G_N_ELEMENTS (departures); j++)
        later += info_count (stats, departures[j].key) != 0;
      if (left == 0)
        g_string_append_printf (out, "%snote: %" G_GINT64_FORMAT " frame%s left by %s", prefix, n,
                                n == 1 ? " was" : "s were", departures[i].how[n != 1]);
      else
        g_string_append_printf (out, "%s%" G_GINT64_FORMAT " by %s", later > 0 ? ", " : " and ",
                                n, departures[i].how[n != 1]);
      left += n;
    }
  if (left > 0)
    {
      g_string_append_printf (out, ": closed where the program left %s\n", left == 1 ? "it" : "them");
      any = TRUE;
    }

  return any;
}
