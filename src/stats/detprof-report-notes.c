/* detprof-report-notes.c: what detprof says after pstats' report.
 *
 * Python has nothing to say after its tables; detprof has four things,
 * each drawn from the run's facts that a detprof dump carries (Python's
 * dumps have none, and get none of these lines):
 *
 * - the timer and the bias the times were measured and corrected with;
 * - the functions whose times came out negative, where the bias took off
 *   more than the overhead really was;
 * - the functions whose times it cannot resolve: their error bound (how
 *   far the profiler's own cost may have moved them, detprof-bounds.c) is
 *   more than a stated share of the time;
 * - how exactly the call tree was rebuilt. It is rebuilt from enter and
 *   exit events, and the dump counts the events that did not fit it (a
 *   missed return, a return with no call, an event dropped while the
 *   profiler was busy) and the frames the program left without returning.
 *   Every report and export ends with those counts.
 */
#include "config.h"

#include <math.h>

#include "detprof-report-paths-private.h"
#include "detprof-report-private.h"

/* ---------------------------------------------------------------------- */
/* The run facts of detprof dumps                                          */

/* Reads the run fact @key as a number; FALSE if there is none, or it is
 * not wholly one. */
static gboolean
number_info (DetprofStats *stats,
             const char   *key,
             double       *value)
{
  const char *text = detprof_stats_get_info (stats, key);
  char *end = NULL;

  if (text == NULL)
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  return end != text && *end == '\0';
}

/* Appends the run fact @key (a number; nothing if none) times @scale, to
 * three significant digits, between @before and @after. */
static void
append_measured (GString      *out,
                 DetprofStats *stats,
                 const char   *key,
                 const char   *before,
                 double        scale,
                 const char   *after)
{
  double value;
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (number_info (stats, key, &value))
    g_string_append_printf (out, "%s%s%s", before, g_ascii_formatd (buffer, sizeof buffer, "%.3g", value * scale),
                            after);
}

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
  /* How far that bias, and the machine's speed, were measured to stray:
   * what every bound is made of. */
  append_measured (out, stats, "bias-spread", "; bias spread ", 1e9, " ns per stretch");
  append_measured (out, stats, "speed-variation", "; speed variation ", 100.0, " %");
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

/* ---------------------------------------------------------------------- */
/* Times the profiler cannot resolve                                       */

/* At most this many functions are listed; a line says how many more. */
#define MAX_LISTED_UNRESOLVED 20

typedef struct
{
  guint  row;
  double share;  /* the larger of the two times' bound / |time|; infinite for a zero time */
} Unresolved;

static double
bound_share (double time,
             double bound)
{
  if (isnan (bound) || bound <= DETPROF_RESOLVED_SHARE * fabs (time))
    return 0.0;
  return time != 0.0 ? bound / fabs (time) : (double) INFINITY;
}

static int
compare_unresolved (gconstpointer a,
                    gconstpointer b)
{
  const Unresolved *x = a, *y = b;

  if (x->share != y->share)
    return x->share > y->share ? -1 : 1;
  return (x->row > y->row) - (x->row < y->row);
}

/* "2.870 ms ± 3.955 ms", both in the unit that suits the larger. */
static void
append_time_and_bound (GString *out,
                       double   time,
                       double   bound)
{
  static const struct
  {
    double      scale;
    const char *unit;
  } units[] = { { 1.0, "s" }, { 1e-3, "ms" }, { 1e-6, "us" }, { 1e-9, "ns" } };
  double larger = MAX (fabs (time), bound);
  char buffer[2][G_ASCII_DTOSTR_BUF_SIZE];
  gsize i;

  for (i = 0; i + 1 < G_N_ELEMENTS (units) && larger < units[i].scale; i++)
    ;
  g_string_append_printf (out, "%s ± %s %s",
                          g_ascii_formatd (buffer[0], sizeof buffer[0], "%.3f", time / units[i].scale),
                          g_ascii_formatd (buffer[1], sizeof buffer[1], "%.3f", bound / units[i].scale),
                          units[i].unit);
}

/* @text and spaces up to @width code points, then one more ("±" is two
 * bytes, and printf would pad by bytes). */
static void
append_padded (GString    *out,
               const char *text,
               glong       width)
{
  glong n;

  g_string_append (out, text);
  for (n = g_utf8_strlen (text, -1); n < width; n++)
    g_string_append_c (out, ' ');
  g_string_append_c (out, ' ');
}

void
_detprof_report_append_unresolved (DetprofStats *stats,
                                   GString      *out)
{
  g_autoptr(GArray) unresolved = g_array_new (FALSE, FALSE, sizeof (Unresolved));
  guint n = detprof_stats_get_n_functions (stats);
  guint i;

  g_return_if_fail (DETPROF_IS_STATS (stats));
  g_return_if_fail (out != NULL);

  for (i = 0; i < n; i++)
    {
      const DetprofFunctionStats *function = detprof_stats_get_function (stats, i);
      double tt_bound, ct_bound;
      Unresolved item = { i, 0.0 };

      if (!detprof_stats_get_bounds (stats, i, &tt_bound, &ct_bound))
        continue;
      item.share = MAX (bound_share (function->tt.value, tt_bound), bound_share (function->ct.value, ct_bound));
      if (item.share > 0.0)
        g_array_append_val (unresolved, item);
    }
  if (unresolved->len == 0)
    return;
  g_array_sort (unresolved, compare_unresolved);

  g_string_append_printf (out, "detprof: %u function%s not resolved: %s error bound is more than %g %% of %s time"
                          " (most affected first)\n",
                          unresolved->len, unresolved->len == 1 ? " is" : "s are",
                          unresolved->len == 1 ? "its" : "their", DETPROF_RESOLVED_SHARE * 100,
                          unresolved->len == 1 ? "its" : "their");
  g_string_append (out, "detprof:   tottime                  cumtime                  function\n");
  for (i = 0; i < MIN (unresolved->len, MAX_LISTED_UNRESOLVED); i++)
    {
      guint row = g_array_index (unresolved, Unresolved, i).row;
      const DetprofFunctionStats *function = detprof_stats_get_function (stats, row);
      g_autofree char *label = detprof_stats_function_label (stats, row);
      g_autoptr(GString) tt = g_string_new (NULL);
      g_autoptr(GString) ct = g_string_new (NULL);
      double tt_bound, ct_bound;

      detprof_stats_get_bounds (stats, row, &tt_bound, &ct_bound);
      append_time_and_bound (tt, function->tt.value, tt_bound);
      append_time_and_bound (ct, function->ct.value, ct_bound);
      g_string_append (out, "detprof:   ");
      append_padded (out, tt->str, 24);
      append_padded (out, ct->str, 24);
      g_string_append_printf (out, "%s\n", label);
    }
  if (unresolved->len > MAX_LISTED_UNRESOLVED)
    g_string_append_printf (out, "detprof:   and %u more (detprof-stats --bounds shows every bound)\n",
                            unresolved->len - MAX_LISTED_UNRESOLVED);
  g_string_append (out, "detprof: a bound is the most that the profiler's own cost and the machine's speed, as"
                   " calibration measured them to vary, can have added to a time or taken from it: the true time"
                   " lies within time ± bound\n\n");
}

/* A run that waited for a processor this share of the time it was ready
 * to run, or more, is noted: 1 %, the least a bound of a long function
 * is made of on a quiet machine. */
#define NOTED_WAIT_SHARE 0.01

/* Reads the run fact @key as a number of seconds, not negative. */
static gboolean
seconds_info (DetprofStats *stats,
              const char   *key,
              double       *seconds)
{
  return number_info (stats, key, seconds) && isfinite (*seconds) && *seconds >= 0.0;
}

/* How long the program waited for a processor while other programs held
 * them all (the agent's processor-wait and processor-time), under a timer
 * that counted the wait in. */
static gboolean
append_wait_note (DetprofStats *stats,
                  GString      *out,
                  const char   *prefix)
{
  double ran, waited;
  char wait_text[G_ASCII_DTOSTR_BUF_SIZE], share_text[G_ASCII_DTOSTR_BUF_SIZE];

  if (!_detprof_report_timer_counts_wall_time (stats)
      || !seconds_info (stats, "processor-time", &ran) || !seconds_info (stats, "processor-wait", &waited)
      || waited < NOTED_WAIT_SHARE * (ran + waited))
    return FALSE;
  g_string_append_printf (out, "%snote: the program waited %s ms for a processor while other programs held them"
                          " all, %s %% of the time it was ready to run (its threads still running at the"
                          " end). The timer counted that wait in the functions it interrupted, and the"
                          " error bounds do not hold it\n",
                          prefix, g_ascii_formatd (wait_text, sizeof wait_text, "%.3f", waited * 1e3),
                          g_ascii_formatd (share_text, sizeof share_text, "%.1f", 100.0 * waited / (ran + waited)));
  return TRUE;
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
  if (append_wait_note (stats, out, "detprof: "))
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
