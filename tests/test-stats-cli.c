/* test-stats-cli.c: detprof-stats, the program and its browser.
 *
 * The browser is driven directly, one command line at a time, for its
 * messages; then the built program (found through $DETPROF_STATS) is run:
 * a scripted session on a pipe is compared with `python3 -m pstats` fed
 * the same commands, a session in a pseudo-terminal (util-linux script)
 * must prompt, the one-shot reports are compared with pstats, every kind
 * of bad input must give one line that names the file and a non-zero
 * status, and the exports must be read by callgrind_annotate and dot when
 * they are installed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "detprof-browser-private.h"
#include "detprof-stats-private.h"
#include "test-util.h"

typedef struct
{
  char *tmpdir;   /* a fresh directory, removed at teardown; owned */
  char *program;  /* the detprof-stats under test; owned */
} Fixture;

static void
setup (Fixture       *fixture,
       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  const char *program = g_getenv ("DETPROF_STATS");

  fixture->tmpdir = g_dir_make_tmp ("test-stats-cli-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->program = program != NULL ? g_strdup (program)
                                     : g_test_build_filename (G_TEST_BUILT, "..", "src", "detprof-stats", NULL);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  user_data)
{
  remove_tree (fixture->tmpdir);
  g_free (fixture->tmpdir);
  g_free (fixture->program);
}

/* ---------------------------------------------------------------------- */
/* Running programs                                                        */

static void
redirect_stdin (gpointer user_data)
{
  int fd = open (user_data, O_RDONLY);

  if (fd >= 0)
    {
      dup2 (fd, STDIN_FILENO);
      close (fd);
    }
}

/* Runs @argv in @cwd with @input on its standard input; returns the exit
 * status (-1 if killed), and the outputs. */
static int
run (const char         *cwd,
     const char         *input,
     const char * const *argv,
     char              **out,
     char              **err)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *input_path = g_build_filename (cwd, ".stdin", NULL);
  int wait_status = 0;

  g_file_set_contents (input_path, input != NULL ? input : "", -1, &error);
  g_assert_no_error (error);

  g_spawn_sync (cwd, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, redirect_stdin, input_path,
                out, err, &wait_status, &error);
  g_assert_no_error (error);
  g_unlink (input_path);

  if (!WIFEXITED (wait_status))
    return -1;
  return WEXITSTATUS (wait_status);
}

static const char *
python3 (void)
{
  const char *python = g_getenv ("PYTHON3");

  return python != NULL && *python != '\0' ? python : "python3";
}

static gboolean
have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  return path != NULL;
}

/* Whether a pseudo-terminal can be opened here: not in a container or a
 * chroot without /dev/pts. Says why not in *why. */
static gboolean
can_open_pseudo_terminal (char **why)
{
  const char *slave;
  int master, fd;

  master = posix_openpt (O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt (master) != 0 || unlockpt (master) != 0 || (slave = ptsname (master)) == NULL)
    {
      *why = g_strdup_printf ("no pseudo-terminal can be opened here: %s", g_strerror (errno));
      if (master >= 0)
        close (master);
      return FALSE;
    }
  fd = open (slave, O_RDWR | O_NOCTTY);
  if (fd < 0)
    {
      *why = g_strdup_printf ("no pseudo-terminal can be opened here: %s: %s", slave, g_strerror (errno));
      close (master);
      return FALSE;
    }
  close (fd);
  close (master);
  return TRUE;
}

static void
copy_fixture (const char *name,
              const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *source = stats_fixture_path (name);
  g_autofree char *target = g_build_filename (dir, name, NULL);
  g_autofree char *data = NULL;
  gsize len;

  g_file_get_contents (source, &data, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (target, data, (gssize) len, &error);
  g_assert_no_error (error);
}

/* Python's browser greets, prompts and says Goodbye even on a pipe; ours
 * does not. What is left must be the same. */
static char *
without_python_noise (const char *text,
                      const char *file)
{
  g_autofree char *prompt = g_strconcat (file, "% ", NULL);
  g_auto(GStrv) welcome = g_strsplit (text, "Welcome to the profile statistics browser.\n", -1);
  g_autofree char *joined = g_strjoinv ("", welcome);
  g_auto(GStrv) prompts = g_strsplit (joined, prompt, -1);
  g_autofree char *rest = g_strjoinv ("", prompts);
  g_auto(GStrv) bare = g_strsplit (rest, "% ", -1);

  return g_strjoinv ("", bare);
}

/* ---------------------------------------------------------------------- */
/* The browser, driven directly                                            */

static char *
browse (DetprofBrowser *browser,
        const char     *line,
        gboolean       *go_on)
{
  GString *out = g_string_new (NULL);
  gboolean result = _detprof_browser_execute (browser, line, out);

  if (go_on != NULL)
    *go_on = result;
  return g_string_free (out, FALSE);
}

#define assert_browses(browser, line, expected) \
  G_STMT_START { \
    g_autofree char *_text = browse ((browser), (line), NULL); \
    g_assert_cmpstr (_text, ==, (expected)); \
  } G_STMT_END

/* Without a file, every command that needs statistics says so, as
 * Python's browser does, and the prompt stays "% ". */
static void
test_browser_without_statistics (void)
{
  g_autoptr(DetprofBrowser) browser = _detprof_browser_new (FALSE);
  static const char * const needy[] = { "stats", "callers", "callees", "sort time", "reverse",
                                        "strip", "add x.prof", "lines" };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (needy); i++)
    assert_browses (browser, needy[i], "No statistics object is loaded.\n");
  assert_browses (browser, "read", "No statistics object is current -- cannot reload.\n");
  assert_browses (browser, "stats 2.5 7", "Fraction argument must be in [0, 1]\n"
                  "No statistics object is loaded.\n");
  g_assert_cmpstr (_detprof_browser_get_prompt (browser), ==, "% ");
  g_assert_null (_detprof_browser_get_stats (browser));
}

/* cmd.Cmd's rules: unknown words, "?" for help, per-command help, and the
 * command word ending at the first non-identifier character. */
static void
test_browser_command_syntax (void)
{
  g_autoptr(DetprofBrowser) browser = _detprof_browser_new (FALSE);
  g_autofree char *help = NULL;

  assert_browses (browser, "  frobnicate  now ", "*** Unknown syntax: frobnicate  now\n");
  assert_browses (browser, "stats20", "*** Unknown syntax: stats20\n");
  assert_browses (browser, "-5", "*** Unknown syntax: -5\n");
  assert_browses (browser, "help nope", "*** No help on nope\n");
  assert_browses (browser, "?quit", "Leave the profile browser.\n");
  assert_browses (browser, "help EOF", "Leave the profile browser.\n");
  assert_browses (browser, "help add", "Add profile info from given file to current statistics object.\n");
  assert_browses (browser, "help read", "Read in profile data from a specified file.\n"
                  "Without argument, reload the current file.\n");
  assert_browses (browser, "help sort", "Sort profile data according to specified keys.\n"
                  "(Typing `sort' without arguments lists valid keys.)\n");
  assert_browses (browser, "help strip", "Strip leading path information from filenames in the report.\n");
  assert_browses (browser, "help reverse", "Reverse the sort order of the profiling report.\n");
  assert_browses (browser, "help help", "Show help for a given command.\n");

  help = browse (browser, "help callers", NULL);
  g_assert_true (g_str_has_prefix (help, "Print callers statistics from the current stat object.\n"
                                   "Arguments may be:\n"));
  g_assert_true (g_str_has_suffix (help, "  that match it are printed.\n"));

  assert_browses (browser, "help", "\nDocumented commands (type help <topic>):\n"
                  "========================================\n"
                  "EOF  add  callees  callers  help  lines  quit  read  reverse  sort  stats  strip\n\n");
}

/* An empty line runs the last command again, even an unknown one; EOF
 * prints its newline only to a person, and ends the browser as quit does. */
static void
test_browser_repeat_and_leave (void)
{
  g_autoptr(DetprofBrowser) piped = _detprof_browser_new (FALSE);
  g_autoptr(DetprofBrowser) typed = _detprof_browser_new (TRUE);
  g_autofree char *eof_piped = NULL;
  g_autofree char *eof_typed = NULL;
  g_autofree char *quit = NULL;
  gboolean go_on = TRUE;

  assert_browses (piped, "", "");
  assert_browses (piped, "bogus", "*** Unknown syntax: bogus\n");
  assert_browses (piped, "   ", "*** Unknown syntax: bogus\n");
  assert_browses (piped, "help quit", "Leave the profile browser.\n");
  assert_browses (piped, "", "Leave the profile browser.\n");

  eof_piped = browse (piped, "EOF", &go_on);
  g_assert_false (go_on);
  g_assert_cmpstr (eof_piped, ==, "");
  eof_typed = browse (typed, "EOF", &go_on);
  g_assert_false (go_on);
  g_assert_cmpstr (eof_typed, ==, "\n");
  quit = browse (typed, "quit", &go_on);
  g_assert_false (go_on);
  g_assert_cmpstr (quit, ==, "");
}

/* Loading: the prompt names the file; a bad file is one line that names
 * it, and the statistics already loaded stay. */
static void
test_browser_read_and_add_errors (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autoptr(DetprofBrowser) browser = _detprof_browser_new (FALSE);
  g_autofree char *good = stats_fixture_path ("cprofile-profilee.prof");
  g_autofree char *text = stats_fixture_path ("not-marshal.txt");
  g_autofree char *missing = g_build_filename (fixture->tmpdir, "nosuch.prof", NULL);
  g_autofree char *command = NULL;
  g_autofree char *output = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GString) opened = g_string_new (NULL);
  const char *files[] = { good, missing, NULL };
  DetprofStats *stats;

  _detprof_browser_open (browser, files, opened);
  expected = g_strdup_printf ("Failed to load statistics for %s: %s: No such file or directory\n",
                              missing, missing);
  g_assert_cmpstr (opened->str, ==, expected);
  g_clear_pointer (&expected, g_free);

  expected = g_strconcat (good, "% ", NULL);
  g_assert_cmpstr (_detprof_browser_get_prompt (browser), ==, expected);
  stats = _detprof_browser_get_stats (browser);
  g_assert_nonnull (stats);

  command = g_strconcat ("read ", text, NULL);
  output = browse (browser, command, NULL);
  g_assert_true (g_str_has_prefix (output, text));
  g_assert_nonnull (strstr (output, ": expected a dict"));
  g_assert_cmpint (strchr (output, '\n') - output, ==, (int) strlen (output) - 1);
  g_assert_true (_detprof_browser_get_stats (browser) == stats);
  g_assert_cmpstr (_detprof_browser_get_prompt (browser), ==, expected);
  g_clear_pointer (&command, g_free);
  g_clear_pointer (&output, g_free);

  command = g_strconcat ("add ", fixture->tmpdir, NULL);
  output = browse (browser, command, NULL);
  g_assert_true (g_str_has_prefix (output, "Failed to load statistics for "));
  g_assert_nonnull (strstr (output, "Is a directory\n"));
  g_clear_pointer (&output, g_free);

  /* "read" alone reloads the file of the prompt. */
  output = browse (browser, "read", NULL);
  g_assert_cmpstr (output, ==, "");
  g_assert_false (_detprof_browser_get_stats (browser) == stats);
}

/* The arguments of stats, callers and callees: Python's int and float
 * syntax, the [0, 1] rule, and everything else a regular expression. */
static void
test_browser_parses_terms (void)
{
  static const struct
  {
    const char             *text;
    gboolean                kept;
    DetprofRestrictionKind  kind;
    gint64                  count;
    double                  fraction;
  } cases[] = {
    { "20", TRUE, DETPROF_RESTRICTION_COUNT, 20, 0.0 },
    { "-3", TRUE, DETPROF_RESTRICTION_COUNT, -3, 0.0 },
    { "1_000", TRUE, DETPROF_RESTRICTION_COUNT, 1000, 0.0 },
    { "99999999999999999999999", TRUE, DETPROF_RESTRICTION_COUNT, G_MAXINT64, 0.0 },
    { "0.5", TRUE, DETPROF_RESTRICTION_FRACTION, 0, 0.5 },
    { ".25", TRUE, DETPROF_RESTRICTION_FRACTION, 0, 0.25 },
    { "1e-1", TRUE, DETPROF_RESTRICTION_FRACTION, 0, 0.1 },
    { "1.", TRUE, DETPROF_RESTRICTION_FRACTION, 0, 1.0 },
    { "1.5", FALSE, DETPROF_RESTRICTION_FRACTION, 0, 0.0 },
    { "-0.5", FALSE, DETPROF_RESTRICTION_FRACTION, 0, 0.0 },
    { "inf", FALSE, DETPROF_RESTRICTION_FRACTION, 0, 0.0 },
    { "1__0", TRUE, DETPROF_RESTRICTION_REGEX, 0, 0.0 },
    { "_1", TRUE, DETPROF_RESTRICTION_REGEX, 0, 0.0 },
    { "0x10", TRUE, DETPROF_RESTRICTION_REGEX, 0, 0.0 },
    { ".", TRUE, DETPROF_RESTRICTION_REGEX, 0, 0.0 },
    { "1e", TRUE, DETPROF_RESTRICTION_REGEX, 0, 0.0 },
    { "parse", TRUE, DETPROF_RESTRICTION_REGEX, 0, 0.0 },
  };
  DetprofRestriction restriction;
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean kept = _detprof_browser_parse_term (cases[i].text, &restriction);

      g_test_message ("term %s", cases[i].text);
      g_assert_cmpint (kept, ==, cases[i].kept);
      if (!kept)
        continue;
      g_assert_cmpint (restriction.kind, ==, cases[i].kind);
      if (cases[i].kind == DETPROF_RESTRICTION_COUNT)
        g_assert_cmpint (restriction.count, ==, cases[i].count);
      else if (cases[i].kind == DETPROF_RESTRICTION_FRACTION)
        g_assert_cmpfloat_with_epsilon (restriction.fraction, cases[i].fraction, 1e-15);
      else
        g_assert_true (restriction.pattern == cases[i].text);
    }

  g_assert_true (_detprof_browser_parse_term ("nan", &restriction));
  g_assert_cmpint (restriction.kind, ==, DETPROF_RESTRICTION_FRACTION);
  g_assert_true (isnan (restriction.fraction));
}

/* Tab completion: commands first, sort keys after sort, files after read. */
static void
test_browser_completes (void)
{
  g_auto(GStrv) commands = _detprof_browser_complete ("", "c");
  g_auto(GStrv) keys = _detprof_browser_complete ("sort ", "cu");
  g_auto(GStrv) files = _detprof_browser_complete ("read ", "my");
  const char * const expected_commands[] = { "callees", "callers", NULL };
  const char * const expected_keys[] = { "cumtime", "cumulative", NULL };

  g_assert_cmpstrv (commands, expected_commands);
  g_assert_cmpstrv (keys, expected_keys);
  g_assert_null (files);
}

/* ---------------------------------------------------------------------- */
/* The program: the browser on a pipe and in a terminal                    */

static void
compare_session_with_python (Fixture    *fixture,
                             const char *file,
                             const char *commands)
{
  g_autofree char *ours = NULL, *theirs = NULL, *err = NULL, *cleaned = NULL;
  const char *argv[] = { fixture->program, file, NULL };
  const char *python_argv[] = { python3 (), "-m", "pstats", file, NULL };

  copy_fixture (file, fixture->tmpdir);
  g_assert_cmpint (run (fixture->tmpdir, commands, argv, &ours, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (fixture->tmpdir, commands, python_argv, &theirs, &err), ==, 0);

  cleaned = without_python_noise (theirs, file);
  /* Python ends with EOF's newline and "Goodbye."; we end silently. */
  g_assert_true (g_str_has_suffix (cleaned, "\nGoodbye.\n"));
  cleaned[strlen (cleaned) - strlen ("\nGoodbye.\n")] = '\0';
  g_assert_cmpstr (ours, ==, cleaned);
}

/* A scripted session prints what Python's browser prints, less the
 * welcome, the prompts and the goodbye. */
static void
test_pipe_session_matches_python (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  const char *commands =
    "sort time\nstats 3\ncallers fact\n\ncallees .5 help\nsort cum name\nreverse\n"
    "stats 4 1.5 nan\nstrip\nstats\nread\nstats 0.2\nsort\nsort zz time\n"
    "sort nfl\ncallees [\nhelp stats\nhelp nope\nbogus\n? sort\n";

  if (!have_program (python3 ()))
    {
      g_test_skip ("python3 is not installed");
      return;
    }

  compare_session_with_python (fixture, "cprofile-profilee.prof", commands);
  compare_session_with_python (fixture, "profile-profilee.prof",
                               "stats\ncallers\ncallees\nsort stdname\ncallers 0.5\n");
  compare_session_with_python (fixture, "unicode-long.prof", "stats\ncallers\ncallees\n");
}

/* In a terminal the browser greets, prompts with the file name and says
 * Goodbye. */
static void
test_terminal_session_prompts (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autofree char *out = NULL, *err = NULL, *command = NULL;
  const char *argv[] = { "script", "-qfec", NULL, "/dev/null", NULL };
  g_autofree char *why = NULL;

  if (!have_program ("script"))
    {
      g_test_skip ("script (util-linux) is not installed");
      return;
    }
  if (!can_open_pseudo_terminal (&why))
    {
      g_test_skip (why);
      return;
    }

  copy_fixture ("cprofile-profilee.prof", fixture->tmpdir);
  command = g_strdup_printf ("'%s' cprofile-profilee.prof", fixture->program);
  argv[2] = command;
  g_assert_cmpint (run (fixture->tmpdir, "stats 1\nquit\n", argv, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "Welcome to the profile statistics browser."));
  g_assert_nonnull (strstr (out, "cprofile-profilee.prof% "));
  g_assert_nonnull (strstr (out, "List reduced from 15 to 1"));
  g_assert_nonnull (strstr (out, "Goodbye."));
}

/* Where no pseudo-terminal can be opened (a container, a chroot without
 * /dev/pts), the terminal session is skipped, not failed. Shown in a mount
 * namespace whose /dev/ptmx is /dev/null, where unshare (1) can make one. */
static void
test_terminal_session_skips_without_pty (Fixture       *fixture,
                                         gconstpointer  user_data)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *out = NULL, *err = NULL;
  const char *hide_ptys = "mount --bind /dev/null /dev/ptmx && exec \"$@\"";
  const char *probe[] = { "unshare", "-rm", "sh", "-c", hide_ptys, "sh", "true", NULL };
  const char *argv[] = { "unshare", "-rm", "sh", "-c", hide_ptys, "sh", self,
                         "-p", "/stats-cli/program/terminal-session-prompts", NULL };

  if (!have_program ("script") || !have_program ("unshare"))
    {
      g_test_skip ("script or unshare (util-linux) is not installed");
      return;
    }
  if (run (fixture->tmpdir, NULL, probe, &out, &err) != 0)
    {
      g_test_skip ("unshare cannot make a mount namespace here");
      return;
    }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (fixture->tmpdir, NULL, argv, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, " # SKIP no pseudo-terminal can be opened here"));
}

/* ---------------------------------------------------------------------- */
/* One-shot reports                                                        */

static void
compare_with_oracle (Fixture            *fixture,
                     const char         *file,
                     const char * const *options,
                     const char * const *operations)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GPtrArray) oracle = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *ours = NULL, *theirs = NULL, *err = NULL;
  gsize i;

  copy_fixture (file, fixture->tmpdir);
  g_ptr_array_add (argv, fixture->program);
  for (i = 0; options[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) options[i]);
  g_ptr_array_add (argv, (gpointer) file);
  g_ptr_array_add (argv, NULL);

  g_ptr_array_add (oracle, g_strdup (python3 ()));
  g_ptr_array_add (oracle, g_test_build_filename (G_TEST_DIST, "pstats-oracle.py", NULL));
  g_ptr_array_add (oracle, g_strdup (file));
  for (i = 0; operations[i] != NULL; i++)
    g_ptr_array_add (oracle, g_strdup (operations[i]));
  g_ptr_array_add (oracle, NULL);

  g_assert_cmpint (run (fixture->tmpdir, NULL, (const char * const *) argv->pdata, &ours, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (fixture->tmpdir, NULL, (const char * const *) oracle->pdata, &theirs, &err), ==, 0);
  g_assert_cmpstr (ours, ==, theirs);
}

/* The options of the one-shot mode do what the pstats calls they stand
 * for, byte for byte. */
static void
test_one_shot_matches_pstats (Fixture       *fixture,
                              gconstpointer  user_data)
{
  const char *cumulative[] = { "-s", "cumulative", "--limit", "5", NULL };
  const char *cumulative_ops[] = { "sort cumulative", "stats 5", NULL };
  const char *callers[] = { "--callers", "fact", NULL };
  const char *callers_ops[] = { "callers fact", NULL };
  const char *callees[] = { "--callees", "-s", "time,name", "--reverse", "0.5", "help", NULL };
  const char *callees_ops[] = { "sort time name", "reverse", "callees 0.5 help", NULL };
  const char *strip[] = { "--strip", "-s", "file", "-s", "line", "--limit", "0.3", NULL };
  const char *strip_ops[] = { "strip", "sort file line", "stats 0.3", NULL };
  const char *legacy[] = { "--no-strip", "-s", "-1", NULL };
  const char *legacy_ops[] = { "sort -1", "stats", NULL };
  const char *both[] = { "--callers", "--callees", "-s", "pcalls", "mul", NULL };
  const char *both_ops[] = { "sort pcalls", "callers mul", "callees mul", NULL };

  if (!have_program (python3 ()))
    {
      g_test_skip ("python3 is not installed");
      return;
    }

  compare_with_oracle (fixture, "cprofile-profilee.prof", cumulative, cumulative_ops);
  compare_with_oracle (fixture, "cprofile-profilee.prof", callers, callers_ops);
  compare_with_oracle (fixture, "cprofile-profilee.prof", callees, callees_ops);
  compare_with_oracle (fixture, "cprofile-profilee.prof", strip, strip_ops);
  compare_with_oracle (fixture, "profile-profilee.prof", legacy, legacy_ops);
  compare_with_oracle (fixture, "profile-profilee.prof", both, both_ops);
}

/* Several files are added together, and a merged dump can be written. */
static void
test_one_shot_adds_and_dumps (Fixture       *fixture,
                              gconstpointer  user_data)
{
  const char *merge[] = { NULL, "--format", "pstats", "--output", "merged.prof",
                          "cprofile-profilee.prof", "cprofile-profilee-v2.prof", NULL };
  const char *show[] = { NULL, "-s", "calls", "--limit", "3", "merged.prof", NULL };
  g_autofree char *out = NULL, *err = NULL;

  copy_fixture ("cprofile-profilee.prof", fixture->tmpdir);
  copy_fixture ("cprofile-profilee-v2.prof", fixture->tmpdir);
  merge[0] = show[0] = fixture->program;
  g_assert_cmpint (run (fixture->tmpdir, NULL, merge, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (fixture->tmpdir, NULL, show, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "238 function calls (198 primitive calls)"));
}

/* ---------------------------------------------------------------------- */
/* Errors                                                                  */

static void
assert_fails (Fixture            *fixture,
              const char * const *args,
              int                 status,
              const char         *message)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *expected = g_strconcat ("detprof-stats: ", message, NULL);
  gsize i;

  g_ptr_array_add (argv, fixture->program);
  for (i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_test_message ("expecting %s", message);
  g_assert_cmpint (run (fixture->tmpdir, NULL, (const char * const *) argv->pdata, &out, &err), ==, status);
  g_test_message ("got %s", err);
  g_assert_cmpstr (out, ==, "");
  /* One line. */
  g_assert_nonnull (strchr (err, '\n'));
  g_assert_cmpstr (strchr (err, '\n') + 1, ==, "");
  g_assert_true (g_pattern_match_simple (expected, err));
}

static void
write_file (const char *dir,
            const char *name,
            const char *data,
            gssize      len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

/* Each kind of bad input gives one line on stderr that names the file
 * (and, for a broken dump, says where), and a non-zero status. */
static void
test_bad_input_is_one_clear_line (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autofree char *data = NULL;
  g_autofree char *source = stats_fixture_path ("cprofile-profilee.prof");
  g_autofree char *unreadable = g_build_filename (fixture->tmpdir, "unreadable.prof", NULL);
  g_autofree char *directory = g_build_filename (fixture->tmpdir, "dir.prof", NULL);
  gsize len;

  g_file_get_contents (source, &data, &len, NULL);
  write_file (fixture->tmpdir, "good.prof", data, (gssize) len);
  write_file (fixture->tmpdir, "empty.prof", "", 0);
  write_file (fixture->tmpdir, "truncated.prof", data, 40);
  write_file (fixture->tmpdir, "text.prof", "hello, world\n", -1);
  write_file (fixture->tmpdir, "list.prof", "[\x02\x00\x00\x00\xe9\x01\x00\x00\x00\xe9\x02\x00\x00\x00", 15);
  write_file (fixture->tmpdir, "empty-dict.prof", "{0", 2);
  write_file (fixture->tmpdir, "unreadable.prof", data, (gssize) len);
  g_chmod (unreadable, 0);
  g_mkdir (directory, 0700);
  copy_fixture ("bad-short-value.prof", fixture->tmpdir);
  copy_fixture ("bad-caller-value.prof", fixture->tmpdir);

  assert_fails (fixture, (const char *[]) { "--limit", "1", "missing.prof", NULL }, 1,
                "missing.prof: No such file or directory\n");
  assert_fails (fixture, (const char *[]) { "--callers", "x", "missing", NULL }, 1,
                "missing: No such file or directory\n");
  assert_fails (fixture, (const char *[]) { "--limit", "1", "dir.prof", NULL }, 1, "dir.prof: Is a directory\n");
  assert_fails (fixture, (const char *[]) { "--limit", "1", "empty.prof", NULL }, 1, "empty.prof: at byte 0: *\n");
  assert_fails (fixture, (const char *[]) { "--limit", "1", "truncated.prof", NULL }, 1,
                "truncated.prof: at byte 40: *truncated*\n");
  assert_fails (fixture, (const char *[]) { "--limit", "1", "text.prof", NULL }, 1, "text.prof: at byte 0: *\n");
  assert_fails (fixture, (const char *[]) { "--limit", "1", "list.prof", NULL }, 1,
                "list.prof: expected a dict at the top level, found a list\n");
  assert_fails (fixture, (const char *[]) { "--limit", "1", "empty-dict.prof", NULL }, 1, "empty-dict.prof: *no functions*\n");
  assert_fails (fixture, (const char *[]) { "--limit", "1", "bad-short-value.prof", NULL }, 1,
                "bad-short-value.prof: entry 1: expected a 5-tuple, found a 2-tuple\n");
  assert_fails (fixture, (const char *[]) { "--limit", "1", "good.prof", "bad-caller-value.prof", NULL }, 1,
                "bad-caller-value.prof: entry 1: caller 1: *\n");
  if (g_access (unreadable, R_OK) != 0)
    assert_fails (fixture, (const char *[]) { "--limit", "1", "unreadable.prof", NULL }, 1,
                  "unreadable.prof: Permission denied\n");

  assert_fails (fixture, (const char *[]) { "-s", "zzz", "good.prof", NULL }, 2,
                "Unknown sort key*zzz*calls, ncalls, cumtime, cumulative, filename, line, module, "
                "name, nfl, pcalls, stdname, time, tottime\n");
  assert_fails (fixture, (const char *[]) { "-s", "c", "good.prof", NULL }, 2, "Ambiguous sort key*\n");
  assert_fails (fixture, (const char *[]) { "-s", "7", "good.prof", NULL }, 2, "Invalid numeric sort key 7*\n");
  assert_fails (fixture, (const char *[]) { "--callers", "x[", "good.prof", NULL }, 2,
                "invalid regular expression 'x[' at char 2: *\n");
  assert_fails (fixture, (const char *[]) { "good.prof", "1.5", NULL }, 2, "fraction '1.5' is not in [0, 1]\n");
  assert_fails (fixture, (const char *[]) { "--limit", "many", "good.prof", NULL }, 2, "*--limit*count or a fraction*\n");
  assert_fails (fixture, (const char *[]) { "--format", "svg", "good.prof", NULL }, 2, "Unknown format 'svg'*\n");
  assert_fails (fixture, (const char *[]) { "--threshold", "2", "good.prof", NULL }, 2, "*fraction between 0 and 1*\n");
  assert_fails (fixture, (const char *[]) { "--bogus", NULL }, 2, "Unknown option --bogus*\n");
  assert_fails (fixture, (const char *[]) { "-s", "time", NULL }, 2, "no statistics file given*\n");
  assert_fails (fixture, (const char *[]) { "--output", "no/such/dir/out.txt", "good.prof", NULL }, 1,
                "*no/such/dir/out.txt*\n");
}

/* ---------------------------------------------------------------------- */
/* The options the three programs share                                    */

/* --version and -V print "detprof-stats VERSION" on standard output, as
 * detprof and detprof-calibrate print theirs. */
static void
test_version_is_printed (Fixture       *fixture,
                         gconstpointer  user_data)
{
  const char *long_form[] = { NULL, "--version", NULL };
  const char *short_form[] = { NULL, "-V", "-s", "calls", "good.prof", NULL };
  const char **forms[] = { long_form, short_form };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autofree char *out = NULL, *err = NULL;

      forms[i][0] = fixture->program;
      g_assert_cmpint (run (fixture->tmpdir, NULL, forms[i], &out, &err), ==, 0);
      g_assert_cmpstr (out, ==, "detprof-stats " PACKAGE_VERSION "\n");
      g_assert_cmpstr (err, ==, "");
    }
}

/* -n, -o, -r and -t mean something else in detprof or detprof-calibrate,
 * so they are no longer short for --limit, --output, --reverse and
 * --threshold here: their old use is refused, naming the long option to
 * write instead, and nothing is read or written. The long options work. */
static void
test_retired_letters_are_refused (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autofree char *out_path = g_build_filename (fixture->tmpdir, "out.txt", NULL);
  const char *long_forms[] = { NULL, "--limit", "1", "--reverse", "-s", "calls", "--output", "out.txt",
                               "cprofile-profilee.prof", NULL };
  const char *threshold[] = { NULL, "--format", "dot", "--threshold", "0.1", "cprofile-profilee.prof", NULL };
  g_autofree char *out = NULL, *err = NULL;

  copy_fixture ("cprofile-profilee.prof", fixture->tmpdir);

  assert_fails (fixture, (const char *[]) { "-n", "5", "cprofile-profilee.prof", NULL }, 2,
                "-n no longer stands for --limit (in detprof-calibrate, -n is --calls): write --limit N*\n");
  assert_fails (fixture, (const char *[]) { "-o", "out.txt", "cprofile-profilee.prof", NULL }, 2,
                "-o no longer stands for --output (in detprof, -o is --outfile, the pstats dump):"
                " write --output FILE*\n");
  g_assert_false (g_file_test (out_path, G_FILE_TEST_EXISTS));
  assert_fails (fixture, (const char *[]) { "-s", "calls", "-r", "cprofile-profilee.prof", NULL }, 2,
                "-r no longer stands for --reverse (in detprof-calibrate, -r is --repeat): write --reverse*\n");
  assert_fails (fixture, (const char *[]) { "-Sr", "cprofile-profilee.prof", NULL }, 2,
                "-r no longer stands for --reverse*\n");
  assert_fails (fixture, (const char *[]) { "--format", "dot", "-t", "0.1", "cprofile-profilee.prof", NULL }, 2,
                "-t no longer stands for --threshold (in detprof and detprof-calibrate, -t is --timer):"
                " write --threshold FRACTION*\n");
  /* Nothing left to browse either. */
  assert_fails (fixture, (const char *[]) { "-n", NULL }, 2, "-n no longer stands for --limit*\n");

  long_forms[0] = threshold[0] = fixture->program;
  g_assert_cmpint (run (fixture->tmpdir, NULL, long_forms, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_file_test (out_path, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (fixture->tmpdir, NULL, threshold, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_str_has_prefix (out, "digraph"));
}

/* -s is the sort key here as in detprof: both refuse an unknown key with
 * pstats' own message. */
static void
test_s_is_the_sort_as_in_detprof (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  const char *runner = g_getenv ("DETPROF_RUNNER");
  const char *runner_argv[] = { runner, "-s", "zzz", "true", NULL };
  g_autofree char *out = NULL, *err = NULL;

  copy_fixture ("cprofile-profilee.prof", fixture->tmpdir);
  assert_fails (fixture, (const char *[]) { "-s", "zzz", "cprofile-profilee.prof", NULL }, 2,
                "Unknown sort key “zzz”*\n");

  if (runner == NULL)
    {
      g_test_skip ("DETPROF_RUNNER is not set: run this test with make check");
      return;
    }
  g_assert_cmpint (run (fixture->tmpdir, NULL, runner_argv, &out, &err), ==, 2);
  g_assert_true (g_pattern_match_simple ("detprof: option -s: Unknown sort key “zzz”*\n", err));
}

/* ---------------------------------------------------------------------- */
/* Exports and call sites                                                  */

/* callgrind_annotate reads the export, and its total is ours. */
static void
test_callgrind_export_reads_back (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  const char *export[] = { NULL, "--format", "callgrind", "--output", "out.callgrind",
                           "cprofile-profilee.prof", NULL };
  const char *annotate[] = { "callgrind_annotate", "out.callgrind", NULL };
  g_autofree char *out = NULL, *err = NULL;

  if (!have_program ("callgrind_annotate"))
    {
      g_test_skip ("callgrind_annotate is not installed");
      return;
    }

  copy_fixture ("cprofile-profilee.prof", fixture->tmpdir);
  export[0] = fixture->program;
  g_assert_cmpint (run (fixture->tmpdir, NULL, export, &out, &err), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (fixture->tmpdir, NULL, annotate, &out, &err), ==, 0);
  g_assert_null (strstr (err, "WARNING"));
  /* pstats says 1.000 seconds: 1,000,000,000 ns. */
  g_assert_nonnull (strstr (out, "1,000,000,000 (100.0%)  PROGRAM TOTALS"));
  g_assert_nonnull (strstr (out, "profilee.py:helper2"));
}

/* The DOT export is a graph dot draws. */
static void
test_dot_export_draws (Fixture       *fixture,
                       gconstpointer  user_data)
{
  const char *export[] = { NULL, "--format", "dot", "--output", "graph.dot", "--threshold", "0",
                           "unicode-long.prof", NULL };
  const char *draw[] = { "dot", "-Tsvg", "-o", "graph.svg", "graph.dot", NULL };
  g_autofree char *out = NULL, *err = NULL;

  copy_fixture ("unicode-long.prof", fixture->tmpdir);
  export[0] = fixture->program;
  g_assert_cmpint (run (fixture->tmpdir, NULL, export, &out, &err), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  if (!have_program ("dot"))
    {
      g_test_skip ("dot (Graphviz) is not installed");
      return;
    }
  g_assert_cmpint (run (fixture->tmpdir, NULL, draw, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
}

/* A detprof dump with call sites and run facts, made with the library;
 * with @inexact, the run facts count frames and events that the call tree
 * could not place, and frames left by longjmp. */
static void
write_detprof_dump_with (const char *path,
                         gboolean    inexact)
{
  g_autoptr(DetprofStats) stats = detprof_stats_new ();
  g_autoptr(GError) error = NULL;
  guint main_fn, parse, lex;

  main_fn = _detprof_stats_add_function (stats, "src/main.c", 10, "main", 1, 1, 0.5, 4.0);
  parse = _detprof_stats_add_function (stats, "src/parse.c", 40, "parse", 3, 3, 1.5, 3.5);
  lex = _detprof_stats_add_function (stats, "src/lex.c", 7, "lex", 30, 30, 2.0, 2.0);
  _detprof_stats_add_caller (stats, parse, main_fn, 3, 3, 1.5, 3.5);
  _detprof_stats_add_caller (stats, lex, parse, 30, 30, 2.0, 2.0);
  _detprof_stats_add_call_site (stats, main_fn, parse, "src/main.c", 14, 1, 1, 0.5, 1.0);
  _detprof_stats_add_call_site (stats, main_fn, parse, "src/main.c", 12, 2, 2, 1.0, 2.5);
  _detprof_stats_add_call_site (stats, parse, lex, "src/parse.c", 44, 30, 30, 2.0, 2.0);
  detprof_stats_set_info (stats, "timer", "tsc");
  detprof_stats_set_info (stats, "bias", "1.2e-08");
  detprof_stats_set_info (stats, "program", "./myprog");
  detprof_stats_set_info (stats, "unmatched-returns", "0");
  if (inexact)
    {
      detprof_stats_set_info (stats, "abandoned-frames", "2");
      detprof_stats_set_info (stats, "frames-left-by-longjmp", "3");
    }
  _detprof_stats_finish (stats);
  detprof_stats_dump (stats, path, &error);
  g_assert_no_error (error);
}

static void
write_detprof_dump (const char *path)
{
  write_detprof_dump_with (path, FALSE);
}

/* What every report of the inexact dump ends with: 2 of its 34 calls. */
static const char reconstruction_footer[] =
  "detprof: warning: 2 abandoned frames (5.88% of 34 calls): closed without their return events, "
  "because later returns belonged to frames below them; where each ended is a guess\n"
  "detprof: note: 3 frames were left by longjmp: closed where the program left them\n"
  "\n";

static void
assert_ends_with_footer_once (const char *report)
{
  const char *first = strstr (report, "detprof: warning: 2 abandoned frames");

  g_assert_true (g_str_has_suffix (report, reconstruction_footer));
  g_assert_true (first == report + strlen (report) - strlen (reconstruction_footer));
}

/* Every report of the browser ends with what the dump says of the call
 * tree's exactness: stats, callers, callees and both by-line reports. A
 * dump that counts nothing inexact gets no such lines. */
static void
test_browser_reports_end_with_reconstruction_notes (Fixture       *fixture,
                                                    gconstpointer  user_data)
{
  static const char * const commands[] = { "stats", "callers", "callees parse", "lines", "lines -c" };
  g_autoptr(DetprofBrowser) browser = _detprof_browser_new (FALSE);
  g_autoptr(DetprofBrowser) exact = _detprof_browser_new (FALSE);
  g_autofree char *inexact_path = g_build_filename (fixture->tmpdir, "inexact.prof", NULL);
  /* Names of one length: the reports differ only by the footer. */
  g_autofree char *exact_path = g_build_filename (fixture->tmpdir, "precise.prof", NULL);
  g_autofree char *stats = NULL;
  g_autoptr(GString) opened = g_string_new (NULL);
  const char *files[] = { inexact_path, NULL };
  const char *exact_files[] = { exact_path, NULL };
  gsize i;

  write_detprof_dump_with (inexact_path, TRUE);
  write_detprof_dump (exact_path);
  _detprof_browser_open (browser, files, opened);
  _detprof_browser_open (exact, exact_files, opened);
  g_assert_cmpstr (opened->str, ==, "");

  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *report = browse (browser, commands[i], NULL);
      g_autofree char *plain = browse (exact, commands[i], NULL);

      g_test_message ("%s:\n%s", commands[i], report);
      assert_ends_with_footer_once (report);
      g_assert_null (strstr (plain, "detprof: warning"));
      g_assert_null (strstr (plain, "detprof: note"));
      /* The footer comes after the report, which is otherwise unchanged. */
      g_assert_cmpuint (strlen (report), ==, strlen (plain) + strlen (reconstruction_footer));
    }

  /* After pstats' table and its blank lines. */
  stats = browse (browser, "stats", NULL);
  g_assert_nonnull (strstr (stats, " src/lex.c:7(lex)\n\n\n"));
}

/* detprof-stats' one-shot reports end with the same lines, once, however
 * many tables they print. */
static void
test_one_shot_reports_end_with_reconstruction_notes (Fixture       *fixture,
                                                     gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->tmpdir, "inexact.prof", NULL);
  const char *stats[] = { NULL, "-s", "stdname", "inexact.prof", NULL };
  const char *both[] = { NULL, "--callers", "--callees", "inexact.prof", NULL };
  const char *by_line[] = { NULL, "--callers", "--callees", "-l", "inexact.prof", NULL };
  const char **reports[] = { stats, both, by_line };
  gsize i;

  write_detprof_dump_with (path, TRUE);
  for (i = 0; i < G_N_ELEMENTS (reports); i++)
    {
      g_autofree char *out = NULL, *err = NULL;

      reports[i][0] = fixture->program;
      g_assert_cmpint (run (fixture->tmpdir, NULL, (const char * const *) reports[i], &out, &err), ==, 0);
      g_assert_cmpstr (err, ==, "");
      assert_ends_with_footer_once (out);
    }
}

/* A profile corrected with too large a bias (per pair of events): the
 * header gives the four constants, and the report warns of the function
 * whose time is negative (tiny; main's own time stays positive), naming
 * it, after the table. */
static void
test_negative_times_are_flagged (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->tmpdir, "negative.prof", NULL);
  const char *report[] = { NULL, "-s", "stdname", "negative.prof", NULL };
  g_autoptr(DetprofStats) stats = detprof_stats_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  guint main_fn, tiny;

  main_fn = _detprof_stats_add_function (stats, "main.c", 10, "main", 1, 1, 0.5, 0.25);
  tiny = _detprof_stats_add_function (stats, "main.c", 4, "tiny", 1000, 1000, -0.25, -0.25);
  _detprof_stats_add_caller (stats, tiny, main_fn, 1000, 1000, -0.25, -0.25);
  detprof_stats_set_info (stats, "timer", "tsc");
  detprof_stats_set_info (stats, "bias", "3e-08");
  detprof_stats_set_info (stats, "bias-model", "pairs");
  detprof_stats_set_info (stats, "bias-pairs", "call->call 3e-08, call->return 2.9e-08, "
                          "return->call 3.1e-08, return->return 3e-08");
  _detprof_stats_finish (stats);
  detprof_stats_dump (stats, path, &error);
  g_assert_no_error (error);

  report[0] = fixture->program;
  g_assert_cmpint (run (fixture->tmpdir, NULL, report, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_str_has_prefix (out, "detprof: timer tsc, bias per pair of events (s): call->call 3e-08, "
                                   "call->return 2.9e-08, return->call 3.1e-08, return->return 3e-08\n"));
  g_assert_true (g_str_has_suffix (out, "main.c:4(tiny)\n\n\n"
                                   "detprof: warning: negative times in 1 function (tiny): the bias "
                                   "took off more than the overhead it really had; its times are not "
                                   "to be trusted (try a smaller -b, or -b 0 to see the uncorrected times)\n\n"));
}

/* --by-line lists the lines that called each function, and the text
 * report starts with the timer and bias of a detprof dump. */
static void
test_by_line_lists_call_sites (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->tmpdir, "myprog.prof", NULL);
  const char *by_line[] = { NULL, "--callers", "--by-line", "parse", "myprog.prof", NULL };
  const char *callees[] = { NULL, "--callees", "-l", "main", "myprog.prof", NULL };
  const char *stats[] = { NULL, "--limit", "1", "myprog.prof", NULL };
  const char *python_stats[] = { python3 (), "-c", "import pstats; pstats.Stats('myprog.prof').print_stats(1)", NULL };
  g_autofree char *out = NULL, *err = NULL, *theirs = NULL;

  write_detprof_dump (path);
  by_line[0] = callees[0] = stats[0] = fixture->program;

  g_assert_cmpint (run (fixture->tmpdir, NULL, by_line, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpstr (out, ==,
                   "detprof: timer tsc, bias 1.2e-08 s per event\n"
                   "   Random listing order was used\n"
                   "   List reduced from 3 to 1 due to restriction <'parse'>\n"
                   "\n"
                   "    ncalls  tottime  cumtime  call site  caller\n"
                   "src/parse.c:40(parse) was called from...\n"
                   "         2    1.000    2.500  src/main.c:12  src/main.c:10(main)\n"
                   "         1    0.500    1.000  src/main.c:14  src/main.c:10(main)\n"
                   "\n\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (fixture->tmpdir, NULL, callees, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "src/main.c:10(main) called from its lines...\n"
                            "         2    1.000    2.500  src/main.c:12  src/parse.c:40(parse)\n"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The pstats part stays what Python prints. */
  g_assert_cmpint (run (fixture->tmpdir, NULL, stats, &out, &err), ==, 0);
  g_assert_true (g_str_has_prefix (out, "detprof: timer tsc, bias 1.2e-08 s per event\n"));
  if (!have_program (python3 ()))
    return;
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (fixture->tmpdir, NULL, python_stats, &theirs, &err), ==, 0);
  g_assert_cmpstr (strchr (out, '\n') + 1, ==, theirs);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("detprof-stats does what python3 -m pstats does, in its browser driven command by "
                  "command and as a program on pipes, terminals and bad input, and its exports read back.");

  g_test_add_func ("/stats-cli/browser/without-statistics-says-so", test_browser_without_statistics);
  g_test_add_func ("/stats-cli/browser/reads-commands-as-cmd-does", test_browser_command_syntax);
  g_test_add_func ("/stats-cli/browser/empty-line-repeats-and-eof-leaves", test_browser_repeat_and_leave);
  g_test_add ("/stats-cli/browser/bad-file-keeps-the-loaded-statistics", Fixture, NULL, setup,
              test_browser_read_and_add_errors, teardown);
  g_test_add_func ("/stats-cli/browser/parses-terms", test_browser_parses_terms);
  g_test_add_func ("/stats-cli/browser/completes-commands-keys-and-files", test_browser_completes);
  g_test_add ("/stats-cli/program/pipe-session-matches-python", Fixture, NULL, setup,
              test_pipe_session_matches_python, teardown);
  g_test_add ("/stats-cli/program/terminal-session-prompts", Fixture, NULL, setup,
              test_terminal_session_prompts, teardown);
  g_test_add ("/stats-cli/program/terminal-session-skips-without-pty", Fixture, NULL, setup,
              test_terminal_session_skips_without_pty, teardown);
  g_test_add ("/stats-cli/program/one-shot-matches-pstats", Fixture, NULL, setup,
              test_one_shot_matches_pstats, teardown);
  g_test_add ("/stats-cli/program/one-shot-adds-and-dumps", Fixture, NULL, setup,
              test_one_shot_adds_and_dumps, teardown);
  g_test_add ("/stats-cli/program/bad-input-is-one-clear-line", Fixture, NULL, setup,
              test_bad_input_is_one_clear_line, teardown);
  g_test_add ("/stats-cli/program/version-is-printed", Fixture, NULL, setup,
              test_version_is_printed, teardown);
  g_test_add ("/stats-cli/program/retired-letters-are-refused", Fixture, NULL, setup,
              test_retired_letters_are_refused, teardown);
  g_test_add ("/stats-cli/program/s-is-the-sort-as-in-detprof", Fixture, NULL, setup,
              test_s_is_the_sort_as_in_detprof, teardown);
  g_test_add ("/stats-cli/program/callgrind-export-reads-back", Fixture, NULL, setup,
              test_callgrind_export_reads_back, teardown);
  g_test_add ("/stats-cli/program/dot-export-draws", Fixture, NULL, setup,
              test_dot_export_draws, teardown);
  g_test_add ("/stats-cli/program/negative-times-are-flagged", Fixture, NULL, setup,
              test_negative_times_are_flagged, teardown);
  g_test_add ("/stats-cli/browser/reports-end-with-reconstruction-notes", Fixture, NULL, setup,
              test_browser_reports_end_with_reconstruction_notes, teardown);
  g_test_add ("/stats-cli/program/reports-end-with-reconstruction-notes", Fixture, NULL, setup,
              test_one_shot_reports_end_with_reconstruction_notes, teardown);
  g_test_add ("/stats-cli/program/by-line-lists-call-sites", Fixture, NULL, setup,
              test_by_line_lists_call_sites, teardown);

  return g_test_run ();
}
