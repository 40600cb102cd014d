/* test-calibration-cache.c: storing biases, and refusing to trust bad ones. */
#include "config.h"

#include <math.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "detprof-build-id.h"
#include "detprof-calibration-cache-private.h"
#include "detprof-error.h"
#include "test-util.h"

/* The host the tests play: lookups ask for its entries. */
#define THIS_CPU "Test CPU 3000"
#define THIS_CLOCKSOURCE "tsc"

typedef struct
{
  char *dir;   /* owned: a fresh temporary directory, removed afterwards */
  char *path;  /* owned: the cache file, in a directory that does not exist yet */
} Fixture;

static void
setup (Fixture       *fixture,
       gconstpointer  user_data)
{
  fixture->dir = g_dir_make_tmp ("test-calibration-cache-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
  fixture->path = g_build_filename (fixture->dir, "detprof", "calibration.ini", NULL);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  user_data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

/* A plausible entry measured on @cpu_model with @clocksource. */
static void
make_entry (DetprofCalibrationEntry *entry,
            const char              *timer,
            const char              *model,
            const char              *cpu_model,
            const char              *clocksource)
{
  guint i;

  memset (entry, 0, sizeof *entry);
  entry->timer = g_strdup (timer);
  entry->model = g_strdup (model);
  entry->n_constants = (strcmp (model, "pairs") == 0) ? 4 : 1;
  for (i = 0; i < entry->n_constants; i++)
    entry->constants[i] = 2.5e-8 + i * 1e-9;
  entry->spread = 1.03;
  entry->bias_spread = 4.25e-9;
  entry->speed_variation = 0.03125;
  entry->repeats = 5;
  entry->n = 100000;
  entry->date = g_date_time_new_from_iso8601 ("2024-05-01T12:00:00Z", NULL);
  entry->cpu_model = g_strdup (cpu_model);
  entry->clocksource = g_strdup (clocksource);
}

static void
store_ok (Fixture                       *fixture,
          const DetprofCalibrationEntry *entry)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (_detprof_calibration_cache_store (fixture->path, entry, &error));
  g_assert_no_error (error);
}

static gboolean
lookup (Fixture                 *fixture,
        const char              *timer,
        const char              *model,
        DetprofCalibrationEntry *out,
        GError                 **error)
{
  return _detprof_calibration_cache_lookup_for_host (fixture->path, timer, model,
                                                     THIS_CPU, THIS_CLOCKSOURCE, out, error);
}

static void
assert_message_matches (const GError *error,
                        const char   *pattern)
{
  g_assert_nonnull (error);
  if (!g_pattern_match_simple (pattern, error->message))
    g_test_message ("“%s” does not match “%s”", error->message, pattern);
  g_assert_true (g_pattern_match_simple (pattern, error->message));
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The names in the cache's directory, sorted and joined by spaces. */
static char *
list_cache_dir (Fixture *fixture)
{
  g_autofree char *dir_path = g_path_get_dirname (fixture->path);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* Every field comes back as stored, the directory is created private, and
 * only the cache and its lock file are left in it. */
static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_auto(DetprofCalibrationEntry) stored = { 0, };
  g_auto(DetprofCalibrationEntry) found = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autofree char *names = NULL;
  GStatBuf st;
  guint i;

  make_entry (&stored, "wall", "pairs", THIS_CPU, THIS_CLOCKSOURCE);
  stored.constants[DETPROF_CALIBRATION_RETURN_RETURN] = 1.0 / 3.0 * 1e-7;
  stored.n = G_GUINT64_CONSTANT (12345678901234);
  store_ok (fixture, &stored);

  g_assert_true (lookup (fixture, "wall", "pairs", &found, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (found.timer, ==, "wall");
  g_assert_cmpstr (found.model, ==, "pairs");
  g_assert_cmpuint (found.n_constants, ==, 4);
  for (i = 0; i < 4; i++)
    g_assert_cmpfloat (found.constants[i], ==, stored.constants[i]);
  g_assert_cmpfloat (found.spread, ==, 1.03);
  g_assert_cmpfloat (found.bias_spread, ==, 4.25e-9);
  g_assert_cmpfloat (found.speed_variation, ==, 0.03125);
  g_assert_cmpuint (found.repeats, ==, 5);
  g_assert_cmpuint (found.n, ==, G_GUINT64_CONSTANT (12345678901234));
  g_assert_nonnull (found.date);
  g_assert_cmpint (g_date_time_compare (found.date, stored.date), ==, 0);
  g_assert_cmpstr (found.cpu_model, ==, THIS_CPU);
  g_assert_cmpstr (found.clocksource, ==, THIS_CLOCKSOURCE);
  g_assert_cmpstr (found.detprof_version, ==, PACKAGE_VERSION);
  g_assert_cmpstr (found.detprof_build, ==, DETPROF_BUILD_ID);

  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  names = list_cache_dir (fixture);
  g_assert_cmpstr (names, ==, "calibration.ini calibration.ini.lock");
}

/* Each timer and model is its own entry, and a store replaces only the
 * entry with its key. */
static void
test_store_replaces_only_its_key (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_auto(DetprofCalibrationEntry) found = { 0, };
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_auto(GStrv) groups = NULL;

  make_entry (&entry, "wall", "constant", THIS_CPU, THIS_CLOCKSOURCE);
  store_ok (fixture, &entry);
  _detprof_calibration_entry_clear (&entry);
  make_entry (&entry, "cpu", "constant", THIS_CPU, THIS_CLOCKSOURCE);
  entry.constants[0] = 4e-7;
  store_ok (fixture, &entry);
  entry.constants[0] = 3e-7;
  store_ok (fixture, &entry);

  g_assert_true (lookup (fixture, "cpu", "constant", &found, NULL));
  g_assert_cmpfloat (found.constants[0], ==, 3e-7);
  _detprof_calibration_entry_clear (&found);
  g_assert_true (lookup (fixture, "wall", "constant", &found, NULL));
  g_assert_cmpfloat (found.constants[0], ==, 2.5e-8);

  g_assert_true (g_key_file_load_from_file (keys, fixture->path, G_KEY_FILE_NONE, NULL));
  groups = g_key_file_get_groups (keys, NULL);
  g_assert_cmpuint (g_strv_length (groups), ==, 2);
}

/* No file, and a file without this timer and model, both say "none stored". */
static void
test_none_stored (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_auto(DetprofCalibrationEntry) found = { 0, };
  g_autoptr(GError) error = NULL;

  g_assert_false (lookup (fixture, "wall", "constant", &found, &error));
  g_assert_error (error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_NONE_STORED);
  assert_message_matches (error, "no usable calibration for timer “wall” (constant model) in *: none is stored");
  g_clear_error (&error);

  make_entry (&entry, "wall", "constant", THIS_CPU, THIS_CLOCKSOURCE);
  store_ok (fixture, &entry);
  g_assert_false (lookup (fixture, "wall", "pairs", &found, &error));
  g_assert_error (error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_NONE_STORED);
  g_clear_error (&error);
  g_assert_false (lookup (fixture, "cpu", "constant", &found, &error));
  g_assert_error (error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_NONE_STORED);
  g_assert_null (found.timer);
}

/* An entry measured on another CPU model, or with another clock source, is
 * never handed out, and the message names both hosts. */
static void
test_other_host_is_never_reused (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_auto(DetprofCalibrationEntry) found = { 0, };
  g_autoptr(GError) error = NULL;

  make_entry (&entry, "wall", "constant", "Other CPU 9000", THIS_CLOCKSOURCE);
  store_ok (fixture, &entry);
  g_assert_false (lookup (fixture, "wall", "constant", &found, &error));
  g_assert_error (error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_OTHER_HOST);
  assert_message_matches (error, "*another host (CPU “Other CPU 9000”, clock source “tsc”)"
                                 "*this one has CPU “" THIS_CPU "”*never reused*");
  g_clear_error (&error);

  _detprof_calibration_entry_clear (&entry);
  make_entry (&entry, "cpu", "constant", THIS_CPU, "hpet");
  store_ok (fixture, &entry);
  g_assert_false (lookup (fixture, "cpu", "constant", &found, &error));
  g_assert_error (error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_OTHER_HOST);
  assert_message_matches (error, "*clock source “hpet”*clock source “tsc”*");
  g_clear_error (&error);

  /* Once this host has its own, both are kept and ours is found. */
  _detprof_calibration_entry_clear (&entry);
  make_entry (&entry, "wall", "constant", THIS_CPU, THIS_CLOCKSOURCE);
  entry.constants[0] = 7e-8;
  store_ok (fixture, &entry);
  g_assert_true (lookup (fixture, "wall", "constant", &found, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (found.constants[0], ==, 7e-8);
}

/* The host facts are read from the kernel, and a key names timer, model,
 * CPU model and clock source, with no character that a group name forbids. */
static void
test_host_key (void)
{
  g_autofree char *key = _detprof_calibration_host_key ("wall", "constant");
  g_autofree char *cpu_model = _detprof_calibration_host_cpu_model ();
  g_autofree char *clocksource = _detprof_calibration_host_clocksource ();
  g_autofree char *expected = g_strjoin ("|", "wall", "constant", cpu_model, clocksource, NULL);
  g_autofree char *parsed = _detprof_calibration_parse_cpu_model (
      "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
      "model name\t: AMD EPYC [7B13] 64-Core | Processor  \r\nflags\t\t: fpu\n"
      "processor\t: 1\nmodel name\t: Another one\n");
  g_autofree char *nameless = _detprof_calibration_parse_cpu_model ("processor\t: 0\nBogoMIPS\t: 50.00\n");
  g_autofree char *empty = _detprof_calibration_parse_cpu_model ("model name\t:   \n");
  g_autofree char *sysfs = NULL;

  g_assert_cmpstr (key, ==, expected);
  g_assert_cmpstr (cpu_model, !=, "");
  g_assert_cmpstr (clocksource, !=, "");
  g_assert_null (strpbrk (key, "[]\n"));
  g_assert_cmpstr (parsed, ==, "AMD EPYC _7B13_ 64-Core _ Processor");
  g_assert_cmpstr (nameless, ==, "unknown");
  g_assert_cmpstr (empty, ==, "unknown");

  if (g_file_get_contents ("/sys/devices/system/clocksource/clocksource0/current_clocksource",
                           &sysfs, NULL, NULL))
    g_assert_cmpstr (clocksource, ==, g_strstrip (sysfs));
}

/* The default path honours DETPROF_CACHE_DIR, else lies in the user's
 * cache directory (isolated by the test harness), and works with NULL. */
static void
test_default_path (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_auto(DetprofCalibrationEntry) found = { 0, };
  g_autofree char *in_xdg = NULL;
  g_autofree char *in_env = NULL;
  g_autofree char *expected_xdg = g_build_filename (g_get_user_cache_dir (), "detprof",
                                                    "calibration.ini", NULL);
  g_autofree char *expected_env = g_build_filename (fixture->dir, "calibration.ini", NULL);

  g_unsetenv ("DETPROF_CACHE_DIR");
  in_xdg = _detprof_calibration_cache_default_path ();
  g_assert_cmpstr (in_xdg, ==, expected_xdg);

  g_setenv ("DETPROF_CACHE_DIR", fixture->dir, TRUE);
  in_env = _detprof_calibration_cache_default_path ();
  g_assert_cmpstr (in_env, ==, expected_env);

  _detprof_calibration_entry_init (&entry, "wall", "constant");
  entry.constants[0] = 2e-8;
  entry.spread = 1.0;
  entry.repeats = 1;
  entry.n = 1000;
  g_assert_true (_detprof_calibration_cache_store (NULL, &entry, NULL));
  g_assert_true (_detprof_calibration_cache_lookup (NULL, "wall", "constant", &found, NULL));
  g_assert_cmpfloat (found.constants[0], ==, 2e-8);
  g_assert_true (g_file_test (expected_env, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (expected_xdg, G_FILE_TEST_EXISTS));
  g_unsetenv ("DETPROF_CACHE_DIR");
}

/* One way a stored entry can go bad: a field set to a raw value, or removed. */
typedef struct
{
  const char *name;     /* the last part of the test path */
  const char *key;      /* the field to spoil */
  const char *value;    /* its new raw text, or NULL to remove it */
  int         code;     /* the DetprofCalibrationCacheError lookup must give */
  const char *message;  /* a pattern the message must match */
} Corruption;

static const Corruption corruptions[] = {
  { "missing-field", "spread", NULL,
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*cannot be trusted: the field “spread” is missing" },
  { "missing-version", "version", NULL,
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*the field “version” is missing" },
  { "nan-constant", "constants", "nan;",
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*the bias is nan s, not a finite number" },
  { "infinite-constant", "constants", "1e999;",
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*the bias is inf s, not a finite number" },
  { "negative-constant", "constants", "-2e-08;",
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*the bias is negative (-2e-08 s)" },
  { "huge-constant", "constants", "0.002;",
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*the bias is 0.002 s, more than the 0.0001 s*" },
  { "unparsable-constant", "constants", "fast;",
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*“constants” is not valid: “fast” is not a number" },
  { "too-many-constants", "constants", "1e-08;2e-08;",
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*the constant model has 2 constants, not 1" },
  { "spread-below-one", "spread", "0.5",
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*the spread is 0.5, but a max/min ratio*" },
  { "infinite-spread", "spread", "inf",
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*the spread is inf*" },
  { "disagreeing-calibrations", "spread", "15.5",
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT,
    "*cannot be trusted: its 5 calibrations disagree: the largest cost of a leaf call is 1450.00 % "
    "above the smallest, where on a quiet machine they stay within 25 % (was it busy, or does the timer tick too coarsely?)" },
  { "negative-count", "n", "-5",
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*the field “n” is not valid*" },
  { "zero-repeats", "repeats", "0",
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*the number of repeats is 0" },
  { "future-date", "date", "2999-01-01T00:00:00Z",
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*the date 2999-01-01T00:00:00Z is in the future" },
  { "unparsable-date", "date", "yesterday",
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*the date “yesterday” is not an ISO 8601 date*" },
  { "date-without-time-zone", "date", "2024-05-01T12:00:00",
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*not an ISO 8601 date and time with a time zone" },
  { "fields-disagree-with-group", "cpu-model", "Other CPU 9000",
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*its fields describe “wall|constant|Other CPU 9000|tsc”*" },
  { "unparsable-version", "version", "one",
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*the field “version” is not valid*" },
  { "stale-version", "version", "5",
    DETPROF_CALIBRATION_CACHE_ERROR_STALE, "*it is in format version 5, and this detprof reads version 4" },
  { "older-version", "version", "3",
    DETPROF_CALIBRATION_CACHE_ERROR_STALE,
    "*it was written by an older detprof, in format version 3, and this one reads version 4" },
  { "missing-bias-spread", "bias-spread", NULL,
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*cannot be trusted: the field “bias-spread” is missing" },
  { "negative-bias-spread", "bias-spread", "-1e-09",
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT,
    "*the bias spread is -1e-09 s, not a number of seconds between 0 and 0.0001" },
  { "nan-bias-spread", "bias-spread", "nan",
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*the bias spread is nan s*" },
  { "missing-speed-variation", "speed-variation", NULL,
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*cannot be trusted: the field “speed-variation” is missing" },
  { "negative-speed-variation", "speed-variation", "-0.01",
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*the speed variation is -0.01, not a share between 0 and 1" },
  { "speed-variation-over-one", "speed-variation", "1.5",
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*the speed variation is 1.5, not a share between 0 and 1" },
  { "other-build", "detprof-build", "0123456789abcdef0123456789abcdef01234567",
    DETPROF_CALIBRATION_CACHE_ERROR_STALE,
    "*: it was measured by another build of detprof "
    "(build “0123456789abcdef0123456789abcdef01234567”; this one is “?*”)" },
  { "missing-build", "detprof-build", NULL,
    DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT, "*cannot be trusted: the field “detprof-build” is missing" },
};

/* A spoiled entry is reported with its reason, never handed out, and the
 * next store replaces it while keeping the other entries in the file. */
static void
test_corruption (Fixture       *fixture,
                 gconstpointer  user_data)
{
  const Corruption *corruption = user_data;
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_auto(DetprofCalibrationEntry) found = { 0, };
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  const char *group = "wall|constant|" THIS_CPU "|" THIS_CLOCKSOURCE;

  make_entry (&entry, "cpu", "constant", THIS_CPU, THIS_CLOCKSOURCE);
  store_ok (fixture, &entry);
  _detprof_calibration_entry_clear (&entry);
  make_entry (&entry, "wall", "constant", THIS_CPU, THIS_CLOCKSOURCE);
  store_ok (fixture, &entry);

  g_assert_true (g_key_file_load_from_file (keys, fixture->path, G_KEY_FILE_KEEP_COMMENTS, NULL));
  g_assert_true (g_key_file_has_group (keys, group));
  if (corruption->value == NULL)
    g_assert_true (g_key_file_remove_key (keys, group, corruption->key, NULL));
  else
    g_key_file_set_value (keys, group, corruption->key, corruption->value);
  g_assert_true (g_key_file_save_to_file (keys, fixture->path, NULL));

  g_assert_false (lookup (fixture, "wall", "constant", &found, &error));
  g_assert_error (error, DETPROF_CALIBRATION_CACHE_ERROR, corruption->code);
  assert_message_matches (error, corruption->message);
  g_assert_null (found.timer);
  g_clear_error (&error);

  store_ok (fixture, &entry);
  g_assert_true (lookup (fixture, "wall", "constant", &found, &error));
  g_assert_no_error (error);
  _detprof_calibration_entry_clear (&found);
  g_assert_true (lookup (fixture, "cpu", "constant", &found, &error));
  g_assert_no_error (error);
}

/* An entry as detprof wrote it before it recorded its build is stale, and
 * says so; a store replaces it with one that carries our build. */
static void
test_older_detprof (Fixture       *fixture,
                    gconstpointer  user_data)
{
  static const char older[] =
    "[wall|constant|" THIS_CPU "|" THIS_CLOCKSOURCE "]\n"
    "version=1\n"
    "timer=wall\n"
    "model=constant\n"
    "constants=2.1e-08;\n"
    "spread=1.04\n"
    "repeats=5\n"
    "n=100000\n"
    "date=2024-05-01T12:00:00Z\n"
    "cpu-model=" THIS_CPU "\n"
    "clocksource=" THIS_CLOCKSOURCE "\n"
    "detprof-version=0.1.0\n";
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_auto(DetprofCalibrationEntry) found = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (fixture->path, older, -1, NULL));

  g_assert_false (lookup (fixture, "wall", "constant", &found, &error));
  g_assert_error (error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_STALE);
  assert_message_matches (error, "no usable calibration for timer “wall” (constant model) in *: "
                                 "it was written by an older detprof, in format version 1, "
                                 "and this one reads version 4");
  g_assert_null (found.timer);
  g_clear_error (&error);

  make_entry (&entry, "wall", "constant", THIS_CPU, THIS_CLOCKSOURCE);
  store_ok (fixture, &entry);
  g_assert_true (lookup (fixture, "wall", "constant", &found, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (found.detprof_build, ==, DETPROF_BUILD_ID);
}

/* An entry carries the build that stored it, which is ours: the hash the
 * build made (16 hex digits). That every program of one build agrees on
 * it is test-runner's /runner/bias-stored-by-detprof-calibrate-is-used. */
static void
test_entry_carries_this_build (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_auto(DetprofCalibrationEntry) found = { 0, };
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  const char *identity = DETPROF_BUILD_ID;

  g_assert_cmpuint (strlen (identity), ==, 16);
  g_assert_cmpuint (strspn (identity, "0123456789abcdef"), ==, 16);

  _detprof_calibration_entry_init (&entry, "wall", "constant");
  g_assert_cmpstr (entry.detprof_build, ==, identity);
  _detprof_calibration_entry_clear (&entry);

  /* Store writes its own build, whatever the entry says. */
  make_entry (&entry, "wall", "constant", THIS_CPU, THIS_CLOCKSOURCE);
  entry.detprof_build = g_strdup ("another build");
  store_ok (fixture, &entry);
  g_assert_true (g_key_file_load_from_file (keys, fixture->path, G_KEY_FILE_NONE, NULL));
  stored = g_key_file_get_string (keys, "wall|constant|" THIS_CPU "|" THIS_CLOCKSOURCE,
                                  "detprof-build", NULL);
  g_assert_cmpstr (stored, ==, identity);

  g_assert_true (lookup (fixture, "wall", "constant", &found, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (found.detprof_build, ==, identity);
}

/* A file that is not a key file at all is reported as such, and a store
 * replaces it as a whole. */
static void
test_not_a_key_file (Fixture       *fixture,
                     gconstpointer  user_data)
{
  static const char garbage[] = "\x7f" "ELF\x02\x01\x01\0\0\xff\xfe garbage\n=\n";
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_auto(DetprofCalibrationEntry) found = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autofree char *names = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (fixture->path, garbage, sizeof garbage - 1, NULL));

  g_assert_false (lookup (fixture, "wall", "constant", &found, &error));
  g_assert_error (error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT);
  assert_message_matches (error, "no usable calibration for timer “wall” (constant model): "
                                 "*/calibration.ini is not a key file: *");
  g_clear_error (&error);

  make_entry (&entry, "wall", "constant", THIS_CPU, THIS_CLOCKSOURCE);
  store_ok (fixture, &entry);
  g_assert_true (lookup (fixture, "wall", "constant", &found, &error));
  g_assert_no_error (error);
  names = list_cache_dir (fixture);
  g_assert_cmpstr (names, ==, "calibration.ini calibration.ini.lock");
}

/* One way an entry can be nonsense before it is ever stored. */
typedef struct
{
  const char *name;                               /* the last part of the test path */
  void      (*spoil) (DetprofCalibrationEntry *);  /* makes a good entry bad */
  const char *message;                            /* a pattern the message must match */
} Nonsense;

static void
spoil_constant_nan (DetprofCalibrationEntry *entry)
{
  entry->constants[DETPROF_CALIBRATION_CALL_RETURN] = NAN;
}

static void
spoil_constant_negative (DetprofCalibrationEntry *entry)
{
  entry->constants[DETPROF_CALIBRATION_RETURN_CALL] = -1e-9;
}

static void
spoil_constant_huge (DetprofCalibrationEntry *entry)
{
  entry->constants[DETPROF_CALIBRATION_CALL_CALL] = 1.5e-4;
}

static void
spoil_n_constants (DetprofCalibrationEntry *entry)
{
  entry->n_constants = 1;
}

static void
spoil_spread (DetprofCalibrationEntry *entry)
{
  entry->spread = 0.99;
}

static void
spoil_spread_nan (DetprofCalibrationEntry *entry)
{
  entry->spread = NAN;
}

static void
spoil_spread_disagreeing (DetprofCalibrationEntry *entry)
{
  entry->spread = 15.5;
}

static void
spoil_bias_spread (DetprofCalibrationEntry *entry)
{
  entry->bias_spread = INFINITY;
}

static void
spoil_speed_variation (DetprofCalibrationEntry *entry)
{
  entry->speed_variation = NAN;
}

static void
spoil_repeats (DetprofCalibrationEntry *entry)
{
  entry->repeats = 0;
}

static void
spoil_n (DetprofCalibrationEntry *entry)
{
  entry->n = 0;
}

static void
spoil_date_future (DetprofCalibrationEntry *entry)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_date_time_unref (entry->date);
  entry->date = g_date_time_add_days (now, 1);
}

static void
spoil_date_missing (DetprofCalibrationEntry *entry)
{
  g_clear_pointer (&entry->date, g_date_time_unref);
}

static void
spoil_model (DetprofCalibrationEntry *entry)
{
  g_free (entry->model);
  entry->model = g_strdup ("linear");
}

static void
spoil_timer (DetprofCalibrationEntry *entry)
{
  g_free (entry->timer);
  entry->timer = g_strdup ("wall|tsc");
}

static void
spoil_cpu_model (DetprofCalibrationEntry *entry)
{
  g_clear_pointer (&entry->cpu_model, g_free);
}

static const Nonsense nonsense[] = {
  { "nan-constant", spoil_constant_nan, "*: the call→return bias is nan s, not a finite number" },
  { "negative-constant", spoil_constant_negative, "*: the return→call bias is negative (-1e-09 s)" },
  { "huge-constant", spoil_constant_huge, "*: the call→call bias is 0.00015 s, more than*" },
  { "wrong-number-of-constants", spoil_n_constants, "*: the pairs model has 1 constants, not 4" },
  { "spread-below-one", spoil_spread, "*: the spread is 0.99, but*" },
  { "nan-spread", spoil_spread_nan, "*: the spread is nan, but*" },
  { "disagreeing-calibrations", spoil_spread_disagreeing,
    "*: its 5 calibrations disagree: the largest cost of a leaf call is 1450.00 % above the smallest*" },
  { "infinite-bias-spread", spoil_bias_spread, "*: the bias spread is inf s, not a number of seconds*" },
  { "nan-speed-variation", spoil_speed_variation, "*: the speed variation is nan, not a share between 0 and 1*" },
  { "zero-repeats", spoil_repeats, "*: the number of repeats is 0" },
  { "zero-events", spoil_n, "*: the number of events per calibration is 0" },
  { "future-date", spoil_date_future, "*: the date * is in the future" },
  { "missing-date", spoil_date_missing, "*: the date is missing" },
  { "unknown-model", spoil_model, "*: the model “linear” is neither “constant” nor “pairs”" },
  { "timer-name-with-separator", spoil_timer, "*: the timer name “wall|tsc” holds *“|”" },
  { "missing-cpu-model", spoil_cpu_model, "*: the CPU model is empty" },
};

/* Store refuses nonsense with the reason, and writes nothing. */
static void
test_store_refuses_nonsense (Fixture       *fixture,
                             gconstpointer  user_data)
{
  const Nonsense *case_ = user_data;
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_autoptr(GError) error = NULL;

  make_entry (&entry, "wall", "pairs", THIS_CPU, THIS_CLOCKSOURCE);
  case_->spoil (&entry);
  g_assert_false (_detprof_calibration_cache_store (fixture->path, &entry, &error));
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_CALIBRATION);
  assert_message_matches (error, "refusing to store the calibration for timer *");
  assert_message_matches (error, case_->message);
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
}

/* A timer name that cannot be a key is an invalid argument to lookup. */
static void
test_lookup_refuses_bad_names (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_auto(DetprofCalibrationEntry) found = { 0, };
  g_autoptr(GError) error = NULL;

  g_assert_false (lookup (fixture, "[wall]", "constant", &found, &error));
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (lookup (fixture, "wall", "linear", &found, &error));
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_INVALID_ARGUMENT);
}

/* ------------------------------------------------------------------------
 * Shared places: a cache is only used where nobody else can plant a file */

/* Creates the cache's directory with exactly @mode, whatever the umask. */
static char *
make_cache_dir (Fixture *fixture,
                int      mode)
{
  char *dir = g_path_get_dirname (fixture->path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (g_chmod (dir, mode), ==, 0);
  return dir;
}

/* A lock file that is a symbolic link is refused, and what it points to is
 * never created: someone who could plant the link chose where we write. */
static void
test_symlinked_lock_file (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_cache_dir (fixture, 0700);
  g_autofree char *lock = g_strconcat (fixture->path, ".lock", NULL);
  g_autofree char *target = g_build_filename (fixture->dir, "planted-target", NULL);
  g_autofree char *pattern = g_strdup_printf ("not using the calibration cache: %s is a symbolic link*", lock);

  g_assert_cmpint (symlink (target, lock), ==, 0);

  make_entry (&entry, "wall", "constant", THIS_CPU, THIS_CLOCKSOURCE);
  g_assert_false (_detprof_calibration_cache_store (fixture->path, &entry, &error));
  g_assert_error (error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_UNSAFE);
  assert_message_matches (error, pattern);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (lock, G_FILE_TEST_IS_SYMLINK));
}

/* A cache file that is a symbolic link is neither read nor replaced: lookup
 * would otherwise hand out a planted entry, and the file it points to is
 * left exactly as it was. */
static void
test_symlinked_cache_file (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_auto(DetprofCalibrationEntry) found = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_cache_dir (fixture, 0700);
  g_autofree char *target = g_build_filename (fixture->dir, "elsewhere", "calibration.ini", NULL);
  g_autofree char *pattern = g_strdup_printf ("not using the calibration cache: %s is a symbolic link*",
                                              fixture->path);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  /* A cache that lookup would trust, were it reached. */
  make_entry (&entry, "wall", "constant", THIS_CPU, THIS_CLOCKSOURCE);
  g_assert_true (_detprof_calibration_cache_store (target, &entry, NULL));
  g_assert_true (g_file_get_contents (target, &before, NULL, NULL));
  g_assert_cmpint (symlink (target, fixture->path), ==, 0);

  g_assert_false (lookup (fixture, "wall", "constant", &found, &error));
  g_assert_error (error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_UNSAFE);
  assert_message_matches (error, pattern);
  g_assert_null (found.timer);
  g_clear_error (&error);

  entry.constants[0] = 9e-8;
  g_assert_false (_detprof_calibration_cache_store (fixture->path, &entry, &error));
  g_assert_error (error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_UNSAFE);
  assert_message_matches (error, pattern);

  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_get_contents (target, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, before);
}

/* A directory that others may write in is refused, for reading and for
 * writing, with a message that names it; nothing is created in it. */
static void
test_directory_writable_by_others (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  int mode = GPOINTER_TO_INT (user_data);
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_auto(DetprofCalibrationEntry) found = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_cache_dir (fixture, 0700);
  g_autofree char *pattern = g_strdup_printf ("not using the calibration cache: %s is writable by "
                                              "its group or by others (mode %04o)*", dir, mode);
  g_autofree char *names = NULL;

  make_entry (&entry, "wall", "constant", THIS_CPU, THIS_CLOCKSOURCE);
  store_ok (fixture, &entry);
  g_assert_cmpint (g_chmod (dir, mode), ==, 0);

  g_assert_false (lookup (fixture, "wall", "constant", &found, &error));
  g_assert_error (error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_UNSAFE);
  assert_message_matches (error, pattern);
  g_assert_null (found.timer);
  g_clear_error (&error);

  g_assert_cmpint (g_unlink (fixture->path), ==, 0);
  g_assert_false (_detprof_calibration_cache_store (fixture->path, &entry, &error));
  g_assert_error (error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_UNSAFE);
  assert_message_matches (error, pattern);
  names = list_cache_dir (fixture);
  g_assert_cmpstr (names, ==, "calibration.ini.lock");
}

/* A directory that another user owns is refused, even to root, who could
 * write in it: its owner can plant links there. */
static void
test_directory_of_another_user (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_auto(DetprofCalibrationEntry) found = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *names = NULL;
  struct passwd *nobody = getpwnam ("nobody");
  uid_t other = (nobody != NULL) ? nobody->pw_uid : 65534;

  if (geteuid () != 0)
    {
      g_test_skip ("only root can give a directory to another user");
      return;
    }

  dir = make_cache_dir (fixture, 0700);
  make_entry (&entry, "wall", "constant", THIS_CPU, THIS_CLOCKSOURCE);
  store_ok (fixture, &entry);
  g_assert_true (g_file_get_contents (fixture->path, &before, NULL, NULL));
  g_assert_cmpint (chown (dir, other, (gid_t) -1), ==, 0);
  pattern = g_strdup_printf ("not using the calibration cache: %s is owned by uid %u, not by you (uid 0)*",
                             dir, (guint) other);

  g_assert_false (lookup (fixture, "wall", "constant", &found, &error));
  g_assert_error (error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_UNSAFE);
  assert_message_matches (error, pattern);
  g_assert_null (found.timer);
  g_clear_error (&error);

  entry.constants[0] = 9e-8;
  g_assert_false (_detprof_calibration_cache_store (fixture->path, &entry, &error));
  g_assert_error (error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_UNSAFE);
  assert_message_matches (error, pattern);
  g_assert_true (g_file_get_contents (fixture->path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, before);
  names = list_cache_dir (fixture);
  g_assert_cmpstr (names, ==, "calibration.ini calibration.ini.lock");
}

/* What is checked is the directory itself, not the way to it: a cache
 * directory that is a link to a private directory of one's own is used. */
static void
test_linked_private_directory (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_auto(DetprofCalibrationEntry) found = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autofree char *real = g_build_filename (fixture->dir, "real", NULL);

  g_assert_cmpint (g_mkdir (real, 0700), ==, 0);
  g_assert_cmpint (symlink (real, dir), ==, 0);

  make_entry (&entry, "wall", "constant", THIS_CPU, THIS_CLOCKSOURCE);
  store_ok (fixture, &entry);
  g_assert_true (lookup (fixture, "wall", "constant", &found, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (found.constants[0], ==, 2.5e-8);
}

#define N_WRITERS 8
#define N_STORES 50
#define N_TIMERS 5

/* Store @store of writer @writer: five timers, two models, and a first
 * constant that says who stored it when. */
static void
make_concurrent_entry (DetprofCalibrationEntry *entry,
                       guint                    writer,
                       guint                    store)
{
  g_autofree char *timer = g_strdup_printf ("timer-%u-%u", writer, store % N_TIMERS);
  const char *model = ((store / N_TIMERS) % 2 == 0) ? "constant" : "pairs";

  make_entry (entry, timer, model, THIS_CPU, THIS_CLOCKSOURCE);
  entry->constants[0] = (writer * 1000 + store) * 1e-10;
}

static G_NORETURN void
run_writer (const char *path,
            guint       writer)
{
  guint store;

  for (store = 0; store < N_STORES; store++)
    {
      g_auto(DetprofCalibrationEntry) entry = { 0, };
      g_autoptr(GError) error = NULL;

      make_concurrent_entry (&entry, writer, store);
      if (!_detprof_calibration_cache_store (path, &entry, &error))
        {
          g_printerr ("writer %u, store %u: %s\n", writer, store, error->message);
          _exit (1);
        }
    }
  _exit (0);
}

/* Eight processes storing at once lose no store and never expose a
 * half-written file to a reader; no temporary file is left behind. */
static void
test_concurrent_writers (Fixture       *fixture,
                         gconstpointer  user_data)
{
  pid_t pids[N_WRITERS];
  guint n_running = N_WRITERS;
  guint n_reads = 0;
  guint writer;
  guint store;
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_auto(GStrv) groups = NULL;
  g_autofree char *names = NULL;

  for (writer = 0; writer < N_WRITERS; writer++)
    {
      pids[writer] = fork ();
      g_assert_cmpint (pids[writer], >=, 0);
      if (pids[writer] == 0)
        run_writer (fixture->path, writer);
    }

  while (n_running > 0)
    {
      g_auto(DetprofCalibrationEntry) found = { 0, };
      g_autoptr(GError) error = NULL;

      if (!lookup (fixture, "timer-0-0", "constant", &found, &error))
        g_assert_error (error, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_NONE_STORED);
      n_reads++;

      for (writer = 0; writer < N_WRITERS; writer++)
        {
          int status;

          if (pids[writer] == 0 || waitpid (pids[writer], &status, WNOHANG) != pids[writer])
            continue;
          g_assert_true (WIFEXITED (status));
          g_assert_cmpint (WEXITSTATUS (status), ==, 0);
          pids[writer] = 0;
          n_running--;
        }
    }
  g_test_message ("%u reads while writing", n_reads);

  g_assert_true (g_key_file_load_from_file (keys, fixture->path, G_KEY_FILE_NONE, NULL));
  groups = g_key_file_get_groups (keys, NULL);
  g_assert_cmpuint (g_strv_length (groups), ==, N_WRITERS * N_TIMERS * 2);

  /* Replay each writer's stores in order: the last one for each key wins. */
  for (writer = 0; writer < N_WRITERS; writer++)
    for (store = N_STORES - 2 * N_TIMERS; store < N_STORES; store++)
      {
        g_auto(DetprofCalibrationEntry) expected = { 0, };
        g_auto(DetprofCalibrationEntry) found = { 0, };
        g_autoptr(GError) error = NULL;

        make_concurrent_entry (&expected, writer, store);
        g_assert_true (lookup (fixture, expected.timer, expected.model, &found, &error));
        g_assert_no_error (error);
        g_assert_cmpfloat (found.constants[0], ==, expected.constants[0]);
      }

  names = list_cache_dir (fixture);
  g_assert_cmpstr (names, ==, "calibration.ini calibration.ini.lock");
}

int
main (int   argc,
      char *argv[])
{
  guint i;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_summary ("The calibration cache keeps a bias per timer, model, host and build, and never trusts "
                  "one that is stale, foreign or in a place others could write to.");

  g_test_add ("/calibration-cache/lookup-gives-back-every-field-stored", Fixture, NULL,
              setup, test_round_trip, teardown);
  g_test_add ("/calibration-cache/store-replaces-only-its-key", Fixture, NULL,
              setup, test_store_replaces_only_its_key, teardown);
  g_test_add ("/calibration-cache/lookup-says-when-none-is-stored", Fixture, NULL,
              setup, test_none_stored, teardown);
  g_test_add ("/calibration-cache/other-host-is-never-reused", Fixture, NULL,
              setup, test_other_host_is_never_reused, teardown);
  g_test_add_func ("/calibration-cache/host-key-names-timer-model-cpu-and-clocksource",
                   test_host_key);
  g_test_add ("/calibration-cache/default-path-honours-detprof-cache-dir", Fixture, NULL,
              setup, test_default_path, teardown);
  g_test_add ("/calibration-cache/entry-carries-this-build", Fixture, NULL,
              setup, test_entry_carries_this_build, teardown);
  for (i = 0; i < G_N_ELEMENTS (corruptions); i++)
    {
      g_autofree char *path = g_strconcat ("/calibration-cache/lookup-distrusts/",
                                           corruptions[i].name, NULL);

      g_test_add (path, Fixture, &corruptions[i], setup, test_corruption, teardown);
    }
  g_test_add ("/calibration-cache/lookup-distrusts/older-detprof", Fixture, NULL,
              setup, test_older_detprof, teardown);
  g_test_add ("/calibration-cache/lookup-distrusts/not-a-key-file", Fixture, NULL,
              setup, test_not_a_key_file, teardown);
  for (i = 0; i < G_N_ELEMENTS (nonsense); i++)
    {
      g_autofree char *path = g_strconcat ("/calibration-cache/store-refuses/",
                                           nonsense[i].name, NULL);

      g_test_add (path, Fixture, &nonsense[i], setup, test_store_refuses_nonsense, teardown);
    }
  g_test_add ("/calibration-cache/lookup-refuses-names-that-cannot-be-keys", Fixture, NULL,
              setup, test_lookup_refuses_bad_names, teardown);
  g_test_add ("/calibration-cache/unsafe/symlinked-lock-file-is-refused", Fixture, NULL,
              setup, test_symlinked_lock_file, teardown);
  g_test_add ("/calibration-cache/unsafe/symlinked-cache-file-is-neither-read-nor-replaced", Fixture, NULL,
              setup, test_symlinked_cache_file, teardown);
  g_test_add ("/calibration-cache/unsafe/directory-writable-by-all-is-refused", Fixture,
              GINT_TO_POINTER (0777), setup, test_directory_writable_by_others, teardown);
  g_test_add ("/calibration-cache/unsafe/directory-writable-by-its-group-is-refused", Fixture,
              GINT_TO_POINTER (0770), setup, test_directory_writable_by_others, teardown);
  g_test_add ("/calibration-cache/unsafe/directory-of-another-user-is-refused", Fixture, NULL,
              setup, test_directory_of_another_user, teardown);
  g_test_add ("/calibration-cache/linked-private-directory-is-used", Fixture, NULL,
              setup, test_linked_private_directory, teardown);
  g_test_add ("/calibration-cache/concurrent-writers-lose-nothing", Fixture, NULL,
              setup, test_concurrent_writers, teardown);

  return g_test_run ();
}
