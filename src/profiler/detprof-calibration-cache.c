/* detprof-calibration-cache.c: the per-user store of measured biases.
 *
 * Calibrating takes seconds, so what detprof-calibrate measured is kept in
 * a key file, $XDG_CACHE_HOME/detprof/calibration.ini, one group per key:
 *
 *   [wall|constant|AMD EPYC 7B13 64-Core Processor|tsc]
 *   version=4
 *   timer=wall
 *   model=constant
 *   constants=2.1e-08;
 *   spread=1.04
 *   bias-spread=4.2e-09
 *   speed-variation=0.031
 *   repeats=5
 *   n=100000
 *   date=2025-11-21T06:17:00Z
 *   cpu-model=AMD EPYC 7B13 64-Core Processor
 *   clocksource=tsc
 *   detprof-version=0.1.0
 *   detprof-build=5d1c0e8a2f4b9e7c
 *
 * The one idea: a stored bias is a measurement of one machine, and a wrong
 * bias is worse than none, because it silently shifts every number of a
 * profile. So the key names everything the bias depends on, and lookup
 * refuses whatever it cannot vouch for: another host's entry, another
 * format version, another build of detprof, a missing field, an
 * implausible number. Each refusal says why, and the caller calibrates
 * again and stores over it.
 *
 * A bias is also a measurement of detprof's own hot path, so it holds only
 * for the code that measured it: detprof-build is a hash of the library's
 * sources, the compiler and its flags, made by the build
 * (detprof-build-id.h). detprof-calibrate, detprof and its agent each link
 * their own copy of the library, and share it; an upgrade, or a rebuild
 * of other code, makes every entry stale. detprof-version is kept for
 * people to read.
 *
 * Writers hold an exclusive flock () on calibration.ini.lock around their
 * read-modify-write, and replace the file by renaming a complete temporary
 * file over it. So a reader, which takes no lock, sees the old file or the
 * new one, never half of one, and no store is lost to another.
 *
 * The cache may lie in a shared place ($DETPROF_CACHE_DIR can point
 * anywhere), and a program run as root may use it. So the cache is only
 * used in a directory that its user owns and nobody else can write in,
 * and no file in it is ever opened through a symbolic link: otherwise
 * whoever planted a link would choose what we read, and where we write.
 * When a check fails, the cache is not used at all, and the caller
 * calibrates without it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detprof-build-id.h"
#include "detprof-calibration-cache-private.h"
#include "detprof-error.h"

G_DEFINE_QUARK (detprof-calibration-cache-error-quark, _detprof_calibration_cache_error)

/* Bump when the meaning of a field changes: entries of other versions are
 * stale. Version 2 added detprof-build, which a version 1 reader would
 * ignore: the bump makes it refuse our entries rather than take a bias
 * that another build measured, and tells our reader that a version 1
 * entry comes from an older detprof, which recorded no build. Version 3
 * added bias-spread, which every time's error bound is made from: an
 * older entry has none, so it is measured again (and `-b auto` says so).
 * Version 4 added speed-variation, which widens every bound too. */
#define FORMAT_VERSION 4

/* A cache holds a few hundred bytes per timer and host; anything much
 * larger is not one, and is not worth reading. */
#define MAX_CACHE_SIZE (1024 * 1024)

static const char * const pair_names[] = {
  [DETPROF_CALIBRATION_CALL_CALL] = "call→call",
  [DETPROF_CALIBRATION_CALL_RETURN] = "call→return",
  [DETPROF_CALIBRATION_RETURN_CALL] = "return→call",
  [DETPROF_CALIBRATION_RETURN_RETURN] = "return→return",
};

/* ------------------------------------------------------------------------
 * Host facts and keys */

/* Strips @text, and replaces what a group name cannot hold: invalid
 * UTF-8, control characters, the brackets of a group line and our own
 * separator. Stripping comes first, so a final newline goes, not becomes "_". */
static char *
make_key_safe (const char *text)
{
  char *safe = g_strstrip (g_utf8_make_valid (text, -1));
  char *p;

  for (p = safe; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f || *p == '[' || *p == ']' || *p == '|')
      *p = '_';
  return safe;
}

/* A host fact as it goes into a key; "unknown" when the kernel is silent. */
static char *
host_fact (const char *raw)
{
  g_autofree char *safe = make_key_safe ((raw != NULL) ? raw : "");

  if (*safe == '\0')
    return g_strdup ("unknown");
  return g_steal_pointer (&safe);
}

char *
_detprof_calibration_parse_cpu_model (const char *cpuinfo)
{
  g_auto(GStrv) lines = NULL;
  guint i;

  g_return_val_if_fail (cpuinfo != NULL, NULL);

  lines = g_strsplit (cpuinfo, "\n", -1);
  for (i = 0; lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':');

      if (colon == NULL)
        continue;
      *colon = '\0';
      if (strcmp (g_strstrip (lines[i]), "model name") == 0)
        return host_fact (colon + 1);
    }
  return host_fact (NULL);
}

char *
_detprof_calibration_host_cpu_model (void)
{
  g_autofree char *cpuinfo = NULL;

  if (!g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL))
    return host_fact (NULL);
  return _detprof_calibration_parse_cpu_model (cpuinfo);
}

char *
_detprof_calibration_host_clocksource (void)
{
  g_autofree char *clocksource = NULL;

  g_file_get_contents ("/sys/devices/system/clocksource/clocksource0/current_clocksource",
                       &clocksource, NULL, NULL);
  return host_fact (clocksource);
}

/* The parts are already key-safe (checked, or made so) when this is called. */
static char *
build_key (const char *timer,
           const char *model,
           const char *cpu_model,
           const char *clocksource)
{
  return g_strjoin ("|", timer, model, cpu_model, clocksource, NULL);
}

char *
_detprof_calibration_host_key (const char *timer,
                               const char *model)
{
  g_autofree char *safe_timer = NULL;
  g_autofree char *safe_model = NULL;
  g_autofree char *cpu_model = NULL;
  g_autofree char *clocksource = NULL;

  g_return_val_if_fail (timer != NULL, NULL);
  g_return_val_if_fail (model != NULL, NULL);

  safe_timer = make_key_safe (timer);
  safe_model = make_key_safe (model);
  cpu_model = _detprof_calibration_host_cpu_model ();
  clocksource = _detprof_calibration_host_clocksource ();
  return build_key (safe_timer, safe_model, cpu_model, clocksource);
}

char *
_detprof_calibration_cache_default_path (void)
{
  const char *dir = g_getenv ("DETPROF_CACHE_DIR");

  if (dir != NULL && *dir != '\0')
    return g_build_filename (dir, "calibration.ini", NULL);
  return g_build_filename (g_get_user_cache_dir (), "detprof", "calibration.ini", NULL);
}

/* ------------------------------------------------------------------------
 * What makes an entry trustworthy. Store and lookup apply the same checks:
 * what store refuses to write, lookup refuses to believe. Each check
 * returns NULL, or the reason as a phrase that completes a sentence. */

/* Why @name cannot be part of a key, or NULL. */
static char *
name_problem (const char *what,
              const char *name)
{
  const char *p;

  if (name == NULL || *name == '\0')
    return g_strdup_printf ("the %s is empty", what);
  if (!g_utf8_validate (name, -1, NULL))
    return g_strdup_printf ("the %s is not valid UTF-8", what);
  if (g_ascii_isspace (name[0]) || g_ascii_isspace (name[strlen (name) - 1]))
    return g_strdup_printf ("the %s “%s” begins or ends with white space", what, name);
  for (p = name; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f || *p == '[' || *p == ']' || *p == '|')
      return g_strdup_printf ("the %s “%s” holds a control character, “[”, “]” or “|”",
                              what, name);
  return NULL;
}

/* Why (@timer, @model) cannot name an entry, or NULL. */
static char *
identity_problem (const char *timer,
                  const char *model)
{
  char *problem = name_problem ("timer name", timer);

  if (problem != NULL)
    return problem;
  if (g_strcmp0 (model, "constant") != 0 && g_strcmp0 (model, "pairs") != 0)
    return g_strdup_printf ("the model “%s” is neither “constant” nor “pairs”",
                            (model != NULL) ? model : "");
  return NULL;
}

/* What to call constant @i in a message: "bias", or "call→return bias". */
static char *
constant_label (const DetprofCalibrationEntry *entry,
                guint                          i)
{
  if (entry->n_constants == 1)
    return g_strdup ("bias");
  return g_strdup_printf ("%s bias", pair_names[i]);
}

char *
_detprof_calibration_spread_problem (const DetprofCalibrationEntry *entry)
{
  g_return_val_if_fail (entry != NULL, NULL);

  /* Written so that NaN is a problem too. */
  if (entry->spread <= DETPROF_CALIBRATION_MAX_SPREAD)
    return NULL;
  return g_strdup_printf ("its %u calibrations disagree: the largest cost of a leaf call is %.2f %% "
                          "above the smallest, where on a quiet machine they stay within %g %% "
                          "(was it busy, or does the timer tick too coarsely?)",
                          entry->repeats, (entry->spread - 1.0) * 100.0,
                          (DETPROF_CALIBRATION_MAX_SPREAD - 1.0) * 100.0);
}

/* Why @entry cannot be trusted as of @now, or NULL. */
static char *
find_implausibility (const DetprofCalibrationEntry *entry,
                     GDateTime                     *now)
{
  char *problem;
  guint expected;
  guint i;

  problem = identity_problem (entry->timer, entry->model);
  if (problem == NULL)
    problem = name_problem ("CPU model", entry->cpu_model);
  if (problem == NULL)
    problem = name_problem ("clock source", entry->clocksource);
  if (problem != NULL)
    return problem;

  expected = (strcmp (entry->model, "pairs") == 0) ? 4 : 1;
  if (entry->n_constants != expected)
    return g_strdup_printf ("the %s model has %u constants, not %u",
                            entry->model, entry->n_constants, expected);

  for (i = 0; i < entry->n_constants; i++)
    {
      g_autofree char *label = constant_label (entry, i);
      double value = entry->constants[i];

      if (!isfinite (value))
        return g_strdup_printf ("the %s is %g s, not a finite number", label, value);
      if (value < 0.0)
        return g_strdup_printf ("the %s is negative (%g s)", label, value);
      if (value > DETPROF_CALIBRATION_MAX_CONSTANT)
        return g_strdup_printf ("the %s is %g s, more than the %g s that an event can plausibly cost",
                                label, value, DETPROF_CALIBRATION_MAX_CONSTANT);
    }

  if (!(isfinite (entry->bias_spread) && entry->bias_spread >= 0.0
        && entry->bias_spread <= DETPROF_CALIBRATION_MAX_CONSTANT))
    return g_strdup_printf ("the bias spread is %g s, not a number of seconds between 0 and %g",
                            entry->bias_spread, DETPROF_CALIBRATION_MAX_CONSTANT);

  if (!(isfinite (entry->speed_variation) && entry->speed_variation >= 0.0
        && entry->speed_variation <= 1.0))
    return g_strdup_printf ("the speed variation is %g, not a share between 0 and 1",
                            entry->speed_variation);

  /* NaN fails both comparisons, so test for what a ratio must be. */
  if (!(isfinite (entry->spread) && entry->spread >= 1.0))
    return g_strdup_printf ("the spread is %g, but a max/min ratio is a finite number of at least 1",
                            entry->spread);
  if (entry->repeats == 0)
    return g_strdup ("the number of repeats is 0");
  problem = _detprof_calibration_spread_problem (entry);
  if (problem != NULL)
    return problem;
  if (entry->n == 0)
    return g_strdup ("the number of events per calibration is 0");

  if (entry->date == NULL)
    return g_strdup ("the date is missing");
  if (g_date_time_compare (entry->date, now) > 0)
    {
      g_autofree char *date = g_date_time_format_iso8601 (entry->date);

      return g_strdup_printf ("the date %s is in the future", date);
    }

  return NULL;
}

/* ------------------------------------------------------------------------
 * Fields of a group */

/* The shortest text that reads back as exactly @value. */
static const char *
format_double (char   buffer[G_ASCII_DTOSTR_BUF_SIZE],
               double value)
{
  static const char * const formats[] = { "%.15g", "%.16g", "%.17g" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buffer, G_ASCII_DTOSTR_BUF_SIZE, formats[i], value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }
  return buffer;
}

/* Numbers are parsed in the C locale, whole: "1e-8x" is not a number. */
static gboolean
parse_double (const char *text,
              double     *value)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  char *end;

  *value = g_ascii_strtod (stripped, &end);
  return end != stripped && *end == '\0';
}

static char *
field_problem (const char *key,
               GError     *error)
{
  if (g_error_matches (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND))
    return g_strdup_printf ("the field “%s” is missing", key);
  return g_strdup_printf ("the field “%s” is not valid: %s", key, error->message);
}

static char *
read_string (GKeyFile   *keys,
             const char *group,
             const char *key,
             char      **value)
{
  g_autoptr(GError) error = NULL;

  *value = g_key_file_get_string (keys, group, key, &error);
  return (*value == NULL) ? field_problem (key, error) : NULL;
}

/* A count is digits only: GKeyFile's own reader would take "-1" as 2^64-1. */
static char *
read_count (GKeyFile   *keys,
            const char *group,
            const char *key,
            guint64     max,
            guint64    *value)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_key_file_get_value (keys, group, key, &error);

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, max, value, &error))
    return field_problem (key, error);
  return NULL;
}

static char *
read_double (GKeyFile   *keys,
             const char *group,
             const char *key,
             double     *value)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_key_file_get_value (keys, group, key, &error);

  if (text == NULL)
    return field_problem (key, error);
  if (!parse_double (text, value))
    return g_strdup_printf ("the field “%s” is not valid: “%s” is not a number", key, text);
  return NULL;
}

/* The constants are a list that ends with ";", as GKeyFile writes lists. */
static char *
read_constants (GKeyFile                *keys,
                const char              *group,
                DetprofCalibrationEntry *entry)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_key_file_get_value (keys, group, "constants", &error);
  g_auto(GStrv) items = NULL;
  guint n_items;
  guint i;

  if (text == NULL)
    return field_problem ("constants", error);

  items = g_strsplit (text, ";", -1);
  n_items = g_strv_length (items);
  if (n_items > 0 && *g_strstrip (items[n_items - 1]) == '\0')
    n_items--;
  if (n_items == 0 || n_items > G_N_ELEMENTS (entry->constants))
    return g_strdup_printf ("the field “constants” holds %u numbers, not 1 to %u",
                            n_items, (guint) G_N_ELEMENTS (entry->constants));

  for (i = 0; i < n_items; i++)
    if (!parse_double (items[i], &entry->constants[i]))
      return g_strdup_printf ("the field “constants” is not valid: “%s” is not a number",
                              items[i]);
  entry->n_constants = n_items;
  return NULL;
}

static char *
read_date (GKeyFile                *keys,
           const char              *group,
           DetprofCalibrationEntry *entry)
{
  g_autofree char *text = NULL;
  g_autoptr(GDateTime) date = NULL;
  char *problem;

  problem = read_string (keys, group, "date", &text);
  if (problem != NULL)
    return problem;

  /* Without a default time zone, a date that does not name its own is refused. */
  date = g_date_time_new_from_iso8601 (text, NULL);
  if (date == NULL)
    return g_strdup_printf ("the date “%s” is not an ISO 8601 date and time with a time zone", text);
  entry->date = g_date_time_to_utc (date);
  return NULL;
}

/* Reads everything but the format version, which the caller has checked.
 * Returns NULL, or the first field that is missing or malformed. */
static char *
read_group (GKeyFile                *keys,
            const char              *group,
            DetprofCalibrationEntry *entry)
{
  guint64 repeats = 0;
  char *problem;

  problem = read_string (keys, group, "timer", &entry->timer);
  if (problem == NULL)
    problem = read_string (keys, group, "model", &entry->model);
  if (problem == NULL)
    problem = read_constants (keys, group, entry);
  if (problem == NULL)
    problem = read_double (keys, group, "spread", &entry->spread);
  if (problem == NULL)
    problem = read_double (keys, group, "bias-spread", &entry->bias_spread);
  if (problem == NULL)
    problem = read_double (keys, group, "speed-variation", &entry->speed_variation);
  if (problem == NULL)
    problem = read_count (keys, group, "repeats", G_MAXUINT, &repeats);
  if (problem == NULL)
    problem = read_count (keys, group, "n", G_MAXUINT64, &entry->n);
  if (problem == NULL)
    problem = read_date (keys, group, entry);
  if (problem == NULL)
    problem = read_string (keys, group, "cpu-model", &entry->cpu_model);
  if (problem == NULL)
    problem = read_string (keys, group, "clocksource", &entry->clocksource);
  if (problem == NULL)
    problem = read_string (keys, group, "detprof-version", &entry->detprof_version);
  entry->repeats = (guint) repeats;
  return problem;
}

static void
write_group (GKeyFile                      *keys,
             const char                    *group,
             const DetprofCalibrationEntry *entry)
{
  g_autoptr(GString) constants = g_string_new (NULL);
  g_autoptr(GDateTime) utc = g_date_time_to_utc (entry->date);
  g_autofree char *date = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  guint i;

  for (i = 0; i < entry->n_constants; i++)
    {
      g_string_append (constants, format_double (number, entry->constants[i]));
      g_string_append_c (constants, ';');
    }

  /* Start the group afresh, so that no field of the old entry survives. */
  g_key_file_remove_group (keys, group, NULL);
  g_key_file_set_integer (keys, group, "version", FORMAT_VERSION);
  g_key_file_set_string (keys, group, "timer", entry->timer);
  g_key_file_set_string (keys, group, "model", entry->model);
  g_key_file_set_value (keys, group, "constants", constants->str);
  g_key_file_set_value (keys, group, "spread", format_double (number, entry->spread));
  g_key_file_set_value (keys, group, "bias-spread", format_double (number, entry->bias_spread));
  g_key_file_set_value (keys, group, "speed-variation", format_double (number, entry->speed_variation));
  g_key_file_set_uint64 (keys, group, "repeats", entry->repeats);
  g_key_file_set_uint64 (keys, group, "n", entry->n);
  g_key_file_set_string (keys, group, "date", date);
  g_key_file_set_string (keys, group, "cpu-model", entry->cpu_model);
  g_key_file_set_string (keys, group, "clocksource", entry->clocksource);
  g_key_file_set_string (keys, group, "detprof-version", PACKAGE_VERSION);
  g_key_file_set_string (keys, group, "detprof-build", DETPROF_BUILD_ID);
}

/* ------------------------------------------------------------------------
 * The file */

static GKeyFile *
new_cache (void)
{
  GKeyFile *keys = g_key_file_new ();

  g_key_file_set_comment (keys, NULL, NULL,
                          " detprof calibration cache, written by detprof-calibrate and read by\n"
                          " `detprof -b auto`. One group per timer, model, CPU model and clock\n"
                          " source. constants: seconds per event; for the pairs model, after\n"
                          " call→call, call→return, return→call, return→return. Safe to delete.",
                          NULL);
  return keys;
}

/* "not using the calibration cache: " and why, for every refusal of a
 * place that others could have tampered with. */
static void
set_unsafe (GError    **error,
            const char *format,
            ...) G_GNUC_PRINTF (2, 3);

static void
set_unsafe (GError    **error,
            const char *format,
            ...)
{
  g_autofree char *why = NULL;
  va_list args;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_UNSAFE,
               "not using the calibration cache: %s", why);
}

/* Opens the directory the cache lies in, and checks that nobody else can
 * create, rename or replace a file in it, as ssh checks ~/.ssh: it must be
 * ours and writable by neither its group nor others. Someone who can write
 * there can plant a link where our lock file or cache goes, and make us
 * read or write whatever it points to (as root, anything at all).
 *
 * The check is made on the directory the descriptor holds, and every file
 * is then opened relative to that descriptor, so nothing can be swapped in
 * between the check and the use. Reaching the directory through a link is
 * therefore fine: what is checked is where it leads.
 *
 * Returns the descriptor; or -1 with *missing set when there is no such
 * directory; or -1 with DETPROF_CALIBRATION_CACHE_ERROR_UNSAFE or
 * DETPROF_ERROR_IO. */
static int
open_cache_dir (const char *dir,
                gboolean   *missing,
                GError    **error)
{
  struct stat st;
  int saved_errno;
  int fd;

  *missing = FALSE;

  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    {
      saved_errno = errno;
      if (saved_errno == ENOENT)
        {
          *missing = TRUE;
          return -1;
        }
      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO,
                   "cannot open the directory %s: %s", dir, g_strerror (saved_errno));
      return -1;
    }
  if (fstat (fd, &st) != 0)
    {
      saved_errno = errno;
      close (fd);
      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO,
                   "cannot read the directory %s: %s", dir, g_strerror (saved_errno));
      return -1;
    }

  if (st.st_uid != geteuid ())
    {
      close (fd);
      set_unsafe (error, "%s is owned by uid %u, not by you (uid %u), so its owner could plant files in it",
                  dir, (guint) st.st_uid, (guint) geteuid ());
      return -1;
    }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    {
      close (fd);
      set_unsafe (error, "%s is writable by its group or by others (mode %04o), so they could plant files in it",
                  dir, (guint) (st.st_mode & 07777));
      return -1;
    }
  return fd;
}

/* Opens @name in @dir_fd without following a link: ELOOP then means that
 * @name is one, which is refused, since only someone other than detprof
 * puts a link there. (@path is @name's full path, for messages.) Returns
 * the descriptor, or -1 with errno set, or -1 with an error for a link. */
static int
open_no_link (int         dir_fd,
              const char *name,
              const char *path,
              int         flags,
              GError    **error)
{
  int fd = openat (dir_fd, name, flags | O_NOFOLLOW | O_CLOEXEC, 0600);

  if (fd < 0 && errno == ELOOP)
    set_unsafe (error, "%s is a symbolic link, which detprof never follows", path);
  return fd;
}

/* Loads the cache file @name of @dir_fd (@path, for messages). Returns NULL
 * with *missing set when there is none. Otherwise NULL means an error:
 * DETPROF_ERROR_IO when the file cannot be read,
 * DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT when it is not a key file, and
 * DETPROF_CALIBRATION_CACHE_ERROR_UNSAFE when it is a link. */
static GKeyFile *
load_cache (int         dir_fd,
            const char *name,
            const char *path,
            gboolean   *missing,
            GError    **error)
{
  g_autoptr(GKeyFile) keys = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) contents = NULL;
  struct stat st;
  int saved_errno;
  int fd;

  *missing = FALSE;

  /* Not blocking: a fifo planted there must not hang us before fstat ()
   * tells us what it is. */
  fd = open_no_link (dir_fd, name, path, O_RDONLY | O_NONBLOCK, &local_error);
  if (fd < 0)
    {
      saved_errno = errno;
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (saved_errno == ENOENT)
        *missing = TRUE;
      else
        g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO,
                     "cannot read %s: %s", path, g_strerror (saved_errno));
      return NULL;
    }

  if (fstat (fd, &st) != 0)
    {
      saved_errno = errno;
      close (fd);
      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO,
                   "cannot read %s: %s", path, g_strerror (saved_errno));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT,
                   "%s is not a regular file", path);
      return NULL;
    }
  if (st.st_size > MAX_CACHE_SIZE)
    {
      close (fd);
      g_set_error (error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT,
                   "%s is not a calibration cache: it holds %" G_GINT64_FORMAT " bytes",
                   path, (gint64) st.st_size);
      return NULL;
    }

  /* Read at most one byte more than a cache can hold, to tell a file that
   * is too large, even one that grows as we read. */
  contents = g_string_sized_new (MIN (st.st_size, MAX_CACHE_SIZE) + 1);
  while (contents->len <= MAX_CACHE_SIZE)
    {
      char buffer[4096];
      gssize n = read (fd, buffer, MIN (sizeof buffer, MAX_CACHE_SIZE + 1 - contents->len));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved_errno = errno;
          close (fd);
          g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO,
                       "cannot read %s: %s", path, g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0)
        break;
      g_string_append_len (contents, buffer, n);
    }
  close (fd);
  if (contents->len > MAX_CACHE_SIZE)
    {
      g_set_error (error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT,
                   "%s is not a calibration cache: it holds more than %d bytes",
                   path, MAX_CACHE_SIZE);
      return NULL;
    }

  keys = g_key_file_new ();
  if (!g_key_file_load_from_data (keys, contents->str, contents->len, G_KEY_FILE_KEEP_COMMENTS,
                                  &local_error))
    {
      g_autofree char *reason = g_utf8_make_valid (local_error->message, -1);

      g_set_error (error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT,
                   "%s is not a key file: %s", path, reason);
      return NULL;
    }
  return g_steal_pointer (&keys);
}

/* Loads the cache file at @path, after checking its directory; as
 * load_cache (), and *missing is also set when there is no directory. */
static GKeyFile *
read_cache (const char *path,
            gboolean   *missing,
            GError    **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *name = g_path_get_basename (path);
  GKeyFile *keys;
  int dir_fd;

  dir_fd = open_cache_dir (dir, missing, error);
  if (dir_fd < 0)
    return NULL;
  keys = load_cache (dir_fd, name, path, missing, error);
  close (dir_fd);
  return keys;
}

/* The hosts of the entries for @timer and @model, when this host has none:
 * tells "measured elsewhere" from "never measured". */
static char *
describe_other_hosts (GKeyFile   *keys,
                      const char *timer,
                      const char *model)
{
  g_auto(GStrv) groups = g_key_file_get_groups (keys, NULL);
  g_autoptr(GString) hosts = g_string_new (NULL);
  guint i;

  for (i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *group_timer = g_key_file_get_string (keys, groups[i], "timer", NULL);
      g_autofree char *group_model = g_key_file_get_string (keys, groups[i], "model", NULL);
      g_autofree char *cpu_model = NULL;
      g_autofree char *clocksource = NULL;

      if (g_strcmp0 (group_timer, timer) != 0 || g_strcmp0 (group_model, model) != 0)
        continue;
      cpu_model = g_key_file_get_string (keys, groups[i], "cpu-model", NULL);
      clocksource = g_key_file_get_string (keys, groups[i], "clocksource", NULL);
      g_string_append_printf (hosts, "%sCPU “%s”, clock source “%s”",
                              (hosts->len > 0) ? "; " : "",
                              (cpu_model != NULL) ? cpu_model : "?",
                              (clocksource != NULL) ? clocksource : "?");
    }
  if (hosts->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&hosts), FALSE);
}

/* ------------------------------------------------------------------------
 * Lookup */

static void
set_no_entry (GError    **error,
              int         code,
              const char *path,
              const char *timer,
              const char *model,
              const char *format,
              ...) G_GNUC_PRINTF (6, 7);

/* Every "no entry" message starts the same way, and ends with why. */
static void
set_no_entry (GError    **error,
              int         code,
              const char *path,
              const char *timer,
              const char *model,
              const char *format,
              ...)
{
  g_autofree char *why = NULL;
  va_list args;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, DETPROF_CALIBRATION_CACHE_ERROR, code,
               "no usable calibration for timer “%s” (%s model) in %s: %s",
               timer, model, path, why);
}

gboolean
_detprof_calibration_cache_lookup (const char              *cache_path,
                                   const char              *timer,
                                   const char              *model,
                                   DetprofCalibrationEntry *out,
                                   GError                 **error)
{
  g_autofree char *cpu_model = NULL;
  g_autofree char *clocksource = NULL;

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  cpu_model = _detprof_calibration_host_cpu_model ();
  clocksource = _detprof_calibration_host_clocksource ();
  return _detprof_calibration_cache_lookup_for_host (cache_path, timer, model,
                                                     cpu_model, clocksource, out, error);
}

gboolean
_detprof_calibration_cache_lookup_for_host (const char              *cache_path,
                                            const char              *timer,
                                            const char              *model,
                                            const char              *cpu_model,
                                            const char              *clocksource,
                                            DetprofCalibrationEntry *out,
                                            GError                 **error)
{
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_autofree char *default_path = NULL;
  g_autofree char *key = NULL;
  g_autofree char *problem = NULL;
  g_autofree char *other_hosts = NULL;
  g_autofree char *fields_key = NULL;
  g_autoptr(GKeyFile) keys = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *path = cache_path;
  gboolean missing;
  guint64 version;

  g_return_val_if_fail (timer != NULL, FALSE);
  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (cpu_model != NULL, FALSE);
  g_return_val_if_fail (clocksource != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (path == NULL)
    path = default_path = _detprof_calibration_cache_default_path ();

  problem = identity_problem (timer, model);
  if (problem != NULL)
    {
      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_INVALID_ARGUMENT,
                   "no calibration can be stored for timer “%s” (%s model): %s",
                   timer, model, problem);
      return FALSE;
    }

  keys = read_cache (path, &missing, &local_error);
  if (keys == NULL && missing)
    {
      set_no_entry (error, DETPROF_CALIBRATION_CACHE_ERROR_NONE_STORED, path, timer, model,
                    "none is stored");
      return FALSE;
    }
  /* A place we do not trust is not about this timer: say it as it is. */
  if (g_error_matches (local_error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_UNSAFE))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (keys == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "no usable calibration for timer “%s” (%s model): ",
                                  timer, model);
      return FALSE;
    }

  key = build_key (timer, model, cpu_model, clocksource);
  if (!g_key_file_has_group (keys, key))
    {
      other_hosts = describe_other_hosts (keys, timer, model);
      if (other_hosts == NULL)
        set_no_entry (error, DETPROF_CALIBRATION_CACHE_ERROR_NONE_STORED, path, timer, model,
                      "none is stored");
      else
        set_no_entry (error, DETPROF_CALIBRATION_CACHE_ERROR_OTHER_HOST, path, timer, model,
                      "it was measured on another host (%s), and this one has CPU “%s”, "
                      "clock source “%s”; a bias is never reused across hosts",
                      other_hosts, cpu_model, clocksource);
      return FALSE;
    }

  /* The version first: a later format may have changed any other field. */
  problem = read_count (keys, key, "version", G_MAXINT, &version);
  if (problem != NULL)
    {
      set_no_entry (error, DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, path, timer, model,
                    "it cannot be trusted: %s", problem);
      return FALSE;
    }
  if (version < FORMAT_VERSION)
    {
      set_no_entry (error, DETPROF_CALIBRATION_CACHE_ERROR_STALE, path, timer, model,
                    "it was written by an older detprof, in format version %" G_GUINT64_FORMAT
                    ", and this one reads version %d", version, FORMAT_VERSION);
      return FALSE;
    }
  if (version != FORMAT_VERSION)
    {
      set_no_entry (error, DETPROF_CALIBRATION_CACHE_ERROR_STALE, path, timer, model,
                    "it is in format version %" G_GUINT64_FORMAT ", and this detprof reads version %d",
                    version, FORMAT_VERSION);
      return FALSE;
    }

  /* Then the build: a bias that other code measured is stale, however
   * plausible its numbers. Every writer of this format records its build,
   * so an entry without one has been edited, not merely outlived. */
  problem = read_string (keys, key, "detprof-build", &entry.detprof_build);
  if (problem != NULL)
    {
      set_no_entry (error, DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, path, timer, model,
                    "it cannot be trusted: %s", problem);
      return FALSE;
    }
  if (strcmp (entry.detprof_build, DETPROF_BUILD_ID) != 0)
    {
      set_no_entry (error, DETPROF_CALIBRATION_CACHE_ERROR_STALE, path, timer, model,
                    "it was measured by another build of detprof (build “%s”; this one is “%s”)",
                    entry.detprof_build, DETPROF_BUILD_ID);
      return FALSE;
    }

  now = g_date_time_new_now_utc ();
  problem = read_group (keys, key, &entry);
  if (problem == NULL)
    problem = find_implausibility (&entry, now);
  if (problem == NULL)
    {
      /* A hand-edited field must not make another host's bias look like ours. */
      fields_key = build_key (entry.timer, entry.model, entry.cpu_model, entry.clocksource);
      if (strcmp (fields_key, key) != 0)
        problem = g_strdup_printf ("its fields describe “%s”, not its group “%s”", fields_key, key);
    }
  if (problem != NULL)
    {
      set_no_entry (error, DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, path, timer, model,
                    "it cannot be trusted: %s", problem);
      return FALSE;
    }

  *out = entry;
  memset (&entry, 0, sizeof entry);
  return TRUE;
}

/* ------------------------------------------------------------------------
 * Store */

/* Opens and locks @name in @dir_fd (@path, for messages), never through a
 * link; returns the descriptor, whose close () unlocks. */
static int
lock_cache (int         dir_fd,
            const char *name,
            const char *path,
            GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  int fd;

  fd = open_no_link (dir_fd, name, path, O_RDWR | O_CREAT, &local_error);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO,
                     "cannot open the lock file %s: %s", path, g_strerror (saved_errno));
      return -1;
    }

  while (flock (fd, LOCK_EX) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == EINTR)
        continue;
      close (fd);
      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO,
                   "cannot lock %s: %s", path, g_strerror (saved_errno));
      return -1;
    }
  return fd;
}

static gboolean
write_all (int         fd,
           const char *data,
           gsize       length)
{
  while (length > 0)
    {
      gssize n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      data += n;
      length -= (gsize) n;
    }
  return TRUE;
}

/* Replaces @name in @dir_fd (@path, for messages) with @data: writes a
 * temporary file next to it, flushes it, and renames it over @name, so a
 * reader sees the old file or the new one. Called with the lock held, so
 * the temporary name is ours; one left by a writer that died is removed.
 * The temporary file is created exclusively and never through a link, and
 * a rename replaces a link rather than writing where it points. */
static gboolean
replace_file (int         dir_fd,
              const char *name,
              const char *path,
              const char *data,
              gsize       length,
              GError    **error)
{
  g_autofree char *temp = g_strconcat (name, ".new", NULL);
  int saved_errno;
  int fd;

  if (unlinkat (dir_fd, temp, 0) != 0 && errno != ENOENT)
    {
      saved_errno = errno;
      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO,
                   "cannot remove the old temporary file %s.new: %s", path, g_strerror (saved_errno));
      return FALSE;
    }

  fd = openat (dir_fd, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO,
                   "cannot create %s.new: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  if (!write_all (fd, data, length) || fsync (fd) != 0)
    {
      saved_errno = errno;
      close (fd);
      unlinkat (dir_fd, temp, 0);
      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO,
                   "cannot write %s.new: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  if (close (fd) != 0 || renameat (dir_fd, temp, dir_fd, name) != 0)
    {
      saved_errno = errno;
      unlinkat (dir_fd, temp, 0);
      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO,
                   "cannot replace %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* The read-modify-write of @name in @dir_fd (@path, for messages), called
 * with the lock held. */
static gboolean
replace_entry (int                            dir_fd,
               const char                    *name,
               const char                    *path,
               const DetprofCalibrationEntry *entry,
               GError                       **error)
{
  g_autoptr(GKeyFile) keys = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *data = NULL;
  gboolean missing;
  gsize length;

  keys = load_cache (dir_fd, name, path, &missing, &local_error);
  if (keys == NULL && !missing
      && !g_error_matches (local_error, DETPROF_CALIBRATION_CACHE_ERROR,
                           DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* No file yet, or one that is not a key file: start a new one. Groups of
   * a file that parses are kept as they are, even those we cannot read,
   * which may come from a later detprof. */
  if (keys == NULL)
    {
      g_clear_error (&local_error);
      keys = new_cache ();
    }

  key = build_key (entry->timer, entry->model, entry->cpu_model, entry->clocksource);
  write_group (keys, key, entry);
  data = g_key_file_to_data (keys, &length, NULL);
  return replace_file (dir_fd, name, path, data, length, error);
}

gboolean
_detprof_calibration_cache_store (const char                    *cache_path,
                                  const DetprofCalibrationEntry *entry,
                                  GError                       **error)
{
  g_autofree char *default_path = NULL;
  g_autofree char *problem = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *lock_name = NULL;
  g_autofree char *lock_path = NULL;
  g_autoptr(GDateTime) now = NULL;
  const char *path = cache_path;
  gboolean missing;
  gboolean stored;
  int dir_fd;
  int lock_fd;

  g_return_val_if_fail (entry != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  now = g_date_time_new_now_utc ();
  problem = find_implausibility (entry, now);
  if (problem != NULL)
    {
      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_CALIBRATION,
                   "refusing to store the calibration for timer “%s” (%s model): %s",
                   (entry->timer != NULL) ? entry->timer : "",
                   (entry->model != NULL) ? entry->model : "", problem);
      return FALSE;
    }

  if (path == NULL)
    path = default_path = _detprof_calibration_cache_default_path ();

  dir = g_path_get_dirname (path);
  name = g_path_get_basename (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO,
                   "cannot create the directory %s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }
  dir_fd = open_cache_dir (dir, &missing, error);
  if (dir_fd < 0)
    {
      /* Removed since we made it: somebody else is at work in there. */
      if (missing)
        g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO,
                     "cannot open the directory %s: %s", dir, g_strerror (ENOENT));
      return FALSE;
    }

  /* The lock file stays: removing it would let two writers lock two files. */
  lock_name = g_strconcat (name, ".lock", NULL);
  lock_path = g_strconcat (path, ".lock", NULL);
  lock_fd = lock_cache (dir_fd, lock_name, lock_path, error);
  if (lock_fd < 0)
    {
      close (dir_fd);
      return FALSE;
    }
  stored = replace_entry (dir_fd, name, path, entry, error);
  close (lock_fd);
  close (dir_fd);
  return stored;
}

/* ------------------------------------------------------------------------
 * Entries */

void
_detprof_calibration_entry_init (DetprofCalibrationEntry *entry,
                                 const char              *timer,
                                 const char              *model)
{
  g_return_if_fail (entry != NULL);
  g_return_if_fail (timer != NULL);
  g_return_if_fail (model != NULL);

  memset (entry, 0, sizeof *entry);
  entry->timer = g_strdup (timer);
  entry->model = g_strdup (model);
  entry->n_constants = (strcmp (model, "pairs") == 0) ? 4 : 1;
  entry->date = g_date_time_new_now_utc ();
  entry->cpu_model = _detprof_calibration_host_cpu_model ();
  entry->clocksource = _detprof_calibration_host_clocksource ();
  entry->detprof_version = g_strdup (PACKAGE_VERSION);
  entry->detprof_build = g_strdup (DETPROF_BUILD_ID);
}

void
_detprof_calibration_entry_clear (DetprofCalibrationEntry *entry)
{
  g_return_if_fail (entry != NULL);

  g_free (entry->timer);
  g_free (entry->model);
  g_clear_pointer (&entry->date, g_date_time_unref);
  g_free (entry->cpu_model);
  g_free (entry->clocksource);
  g_free (entry->detprof_version);
  g_free (entry->detprof_build);
  memset (entry, 0, sizeof *entry);
}
