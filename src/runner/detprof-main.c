/* detprof-main.c: the runner, `detprof [options] PROGRAM [ARGS...]`.
 *
 * It checks what it can before running anything (the program exists and
 * was built with -finstrument-functions, the timer and the sort key are
 * known, the output can be written), then runs the program with the agent
 * preloaded and its settings in the environment, waits for it, and prints
 * the report (or leaves the dump where -o said). Its exit status is the
 * program's; a program killed by a signal is reported, and the status is
 * 128 + the signal number, as a shell gives.
 *
 * A profile that is missing is never silent. Each process the agent
 * starts in notes how it fared in the runner's private directory (see
 * note_status () in detprof-agent.c), so that after the program ends the
 * runner can say why its profile is missing (_exit (), a script, a
 * set-user-ID program), that one could not be written (a full disk), or
 * that a process is still running. A profile that was lost, or never
 * made, turns a status of 0 into EXIT_PROFILE_LOST.
 *
 * The program's standard output is the program's: a compressor writing to
 * stdout under detprof must write the same bytes as without it. So the
 * report goes where valgrind, perf stat and time put theirs, on standard
 * error, or to the file --report-file names.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <gelf.h>
#include <libelf.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "detprof.h"
#include "detprof-profiler.h"
#include "detprof-report-private.h"
#include "detprof-calibration-cache-private.h"
#include "detprof-timer-private.h"

#define EXIT_USAGE 2
/* The program exited 0, but its profile (or its report) is missing or
 * incomplete: a status the program did not give, so that a script can
 * tell. A program that failed keeps its own status. */
#define EXIT_PROFILE_LOST 125

static char *opt_output;
static char *opt_report;
static char *opt_sort;
static char *opt_timer;
static char *opt_bias;
static char *opt_max_path_nodes;
static gboolean opt_version;

static const GOptionEntry entries[] = {
  { "outfile", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
    "Write the statistics to FILE (\"%p\" becomes the process id) instead of printing them", "FILE" },
  { "report-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_report,
    "Write the printed report to FILE instead of standard error (standard output is always"
    " the program's alone)", "FILE" },
  { "sort", 's', 0, G_OPTION_ARG_STRING, &opt_sort,
    "Sort the printed report by KEY (a pstats key: stdname, cumulative, tottime, calls, ...)", "KEY" },
  { "timer", 't', 0, G_OPTION_ARG_STRING, &opt_timer,
    "Read TIMER at each event: tsc, tsc-fenced, wall, cpu, thread-cpu, rusage, times, coarse"
    " (default: tsc-fenced where the cycle counter is invariant, else wall)", "TIMER" },
  { "bias", 'b', 0, G_OPTION_ARG_STRING, &opt_bias,
    "auto (the default): the calibrated bias stored for this timer and host, calibrating first if"
    " there is none; 0: no correction; or a number of seconds (not negative) subtracted at each event", "BIAS" },
  { "max-path-nodes", 0, 0, G_OPTION_ARG_STRING, &opt_max_path_nodes,
    "Keep at most N nodes in each thread's calling-context tree (default 1000000, some 100 MB);"
    " calls past them are counted in the tables but left out of the paths", "N" },
  { "version", 'V', 0, G_OPTION_ARG_NONE, &opt_version, "Print the version and exit", NULL },
  G_OPTION_ENTRY_NULL
};

static int
fail (int         status,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static int
fail (int         status,
      const char *format,
      ...)
{
  va_list args;

  fputs ("detprof: ", stderr);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  return status;
}

/* ---- checks made before running anything ---- */

typedef enum
{
  PROGRAM_INSTRUMENTED,
  PROGRAM_NOT_INSTRUMENTED,
  PROGRAM_STATIC,
  PROGRAM_NOT_ELF,
} ProgramKind;

/* Looks for a reference to __cyg_profile_func_enter in the program's
 * symbol tables: -finstrument-functions leaves one in every object it
 * compiles. */
static ProgramKind
inspect_program (const char *path)
{
  ProgramKind kind = PROGRAM_NOT_INSTRUMENTED;
  gboolean dynamic = FALSE;
  Elf_Scn *scn = NULL;
  size_t i, n_headers = 0;
  Elf *elf;
  int fd;

  elf_version (EV_CURRENT);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return PROGRAM_NOT_ELF;
  elf = elf_begin (fd, ELF_C_READ, NULL);
  if (elf == NULL || elf_kind (elf) != ELF_K_ELF)
    {
      if (elf != NULL)
        elf_end (elf);
      close (fd);
      return PROGRAM_NOT_ELF;
    }

  elf_getphdrnum (elf, &n_headers);
  for (i = 0; i < n_headers; i++)
    {
      GElf_Phdr phdr;

      if (gelf_getphdr (elf, (int) i, &phdr) != NULL && phdr.p_type == PT_DYNAMIC)
        dynamic = TRUE;
    }

  while ((scn = elf_nextscn (elf, scn)) != NULL && kind == PROGRAM_NOT_INSTRUMENTED)
    {
      GElf_Shdr shdr;
      Elf_Data *data;
      size_t j, count;

      if (gelf_getshdr (scn, &shdr) == NULL
          || (shdr.sh_type != SHT_SYMTAB && shdr.sh_type != SHT_DYNSYM)
          || shdr.sh_entsize == 0)
        continue;
      data = elf_getdata (scn, NULL);
      count = shdr.sh_size / shdr.sh_entsize;
      for (j = 0; data != NULL && j < count; j++)
        {
          GElf_Sym sym;
          const char *name;

          if (gelf_getsym (data, (int) j, &sym) == NULL)
            continue;
          name = elf_strptr (elf, shdr.sh_link, sym.st_name);
          if (name != NULL && strcmp (name, "__cyg_profile_func_enter") == 0)
            {
              kind = PROGRAM_INSTRUMENTED;
              break;
            }
        }
    }

  elf_end (elf);
  close (fd);
  if (kind == PROGRAM_INSTRUMENTED && !dynamic)
    return PROGRAM_STATIC;
  return kind;
}

static char *
find_program (const char *name)
{
  if (strchr (name, '/') != NULL)
    return g_file_test (name, G_FILE_TEST_IS_REGULAR) ? g_strdup (name) : NULL;
  return g_find_program_in_path (name);
}

/* The agent: $DETPROF_AGENT, else next to this program in a build tree,
 * else where `make install` put it. */
static char *
find_agent (void)
{
  const char *env = g_getenv ("DETPROF_AGENT");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = (self != NULL) ? g_path_get_dirname (self) : NULL;
  g_autofree char *uninstalled = NULL;

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (dir != NULL)
    {
      uninstalled = g_build_filename (dir, ".libs", "libdetprof-agent.so", NULL);
      if (g_file_test (uninstalled, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&uninstalled);
    }
  return g_build_filename (PKGLIBDIR, "libdetprof-agent.so", NULL);
}

/* Fails early, before the program runs, if the dump could not be written.
 * A character device or a pipe (/dev/null, /dev/stdout, a FIFO) is
 * written in place (detprof_stats_dump ()); other files that are not
 * regular files cannot take a dump. */
static gboolean
check_output_path (const char  *path,
                   GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  GStatBuf st;

  if (g_stat (path, &st) == 0 && !S_ISREG (st.st_mode))
    {
      const char *kind = S_ISDIR (st.st_mode) ? "a directory"
                         : S_ISSOCK (st.st_mode) ? "a socket"
                         : S_ISBLK (st.st_mode) ? "a block device"
                         : (S_ISCHR (st.st_mode) || S_ISFIFO (st.st_mode)) ? NULL
                         : "not a regular file";

      if (kind != NULL)
        {
          g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO, "%s is %s: a profile goes to a regular"
                       " file, a character device (such as /dev/null) or a pipe", path, kind);
          return FALSE;
        }
      if (access (path, W_OK) != 0)
        {
          int saved = errno;

          g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO, "cannot write %s: %s", path, g_strerror (saved));
          return FALSE;
        }
      return TRUE;
    }
  if (access (dir, W_OK | X_OK) != 0)
    {
      int saved = errno;

      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO, "cannot write %s: %s: %s",
                   path, dir, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_sort_key (const char  *key,
                GError     **error)
{
  g_autoptr(DetprofStats) empty = detprof_stats_new ();
  const char *keys[2] = { key, NULL };

  return detprof_stats_sort (empty, keys, error);
}

/* ---- running ---- */

static void
prepend_env (const char *name,
             const char *value)
{
  const char *old = g_getenv (name);
  g_autofree char *joined = NULL;

  if (old != NULL && *old != '\0')
    joined = g_strconcat (value, ":", old, NULL);
  g_setenv (name, joined != NULL ? joined : value, TRUE);
}

static int
run_program (char  **argv,
             int    *status,
             pid_t  *child)
{
  struct sigaction ignore = { .sa_handler = SIG_IGN }, old_int, old_quit;
  pid_t pid;
  int saved;

  /* Like a shell: Ctrl-C is for the program; we wait and report. */
  sigaction (SIGINT, &ignore, &old_int);
  sigaction (SIGQUIT, &ignore, &old_quit);

  pid = fork ();
  if (pid == 0)
    {
      sigaction (SIGINT, &old_int, NULL);
      sigaction (SIGQUIT, &old_quit, NULL);
      execv (argv[0], argv);
      fprintf (stderr, "detprof: cannot run %s: %s\n", argv[0], g_strerror (errno));
      _exit (127);
    }
  saved = errno;
  *child = pid;
  if (pid > 0)
    while (waitpid (pid, status, 0) < 0 && errno == EINTR)
      ;

  sigaction (SIGINT, &old_int, NULL);
  sigaction (SIGQUIT, &old_quit, NULL);
  return pid < 0 ? saved : 0;
}

/* The report's first line: which clock, and what was subtracted. */
static void
print_header (FILE                          *report,
              DetprofTimer                  *timer,
              double                         bias,
              const DetprofCalibrationEntry *calibration)
{
  fprintf (report, "detprof: timer %s (%s), ", detprof_timer_get_name (timer),
           detprof_timer_get_description (timer));
  if (calibration != NULL)
    {
      g_autofree char *date = g_date_time_format (calibration->date, "%Y-%m-%d");

      fprintf (report, "bias auto, calibrated %s: call->call %.2f ns, call->return %.2f ns, "
               "return->call %.2f ns, return->return %.2f ns (spread %.1f %%; %.2f ns per "
               "stretch across shapes of code; speed variation %.1f %%)\n", date,
               calibration->constants[0] * 1e9, calibration->constants[1] * 1e9,
               calibration->constants[2] * 1e9, calibration->constants[3] * 1e9,
               (calibration->spread - 1.0) * 100.0, calibration->bias_spread * 1e9,
               calibration->speed_variation * 100.0);
    }
  else if (bias == 0.0)
    fprintf (report, "bias 0 (no correction)\n");
  else
    fprintf (report, "bias %.6g s per event\n", bias);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Prints the report of each dump in @dir to @report: the program's own
 * first, then those of the processes it forked. Each ends with what its
 * dump says of negative times and of the call tree's exactness. */
static int
print_reports (FILE       *report,
               const char *dir,
               int         main_pid,
               const char *sort)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *main_name = g_strdup_printf ("%d.prof", main_pid);
  const char *name;
  int status = 0;
  guint i;

  /* The directory also holds the agent's notes (see read_notes ()). */
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, ".prof"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (i = 0; i < names->len; i++)
    if (strcmp (g_ptr_array_index (names, i), main_name) == 0)
      {
        g_free (g_ptr_array_steal_index (names, i));
        g_ptr_array_insert (names, 0, g_strdup (main_name));
        break;
      }

  for (i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autoptr(DetprofStats) stats = NULL;
      g_autoptr(GString) out = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) contents = NULL;
      g_autofree char *data = NULL;
      const char *keys[2] = { sort, NULL };
      gsize length = 0;

      /* From bytes, not from the file: like `python -m cProfile`, the
       * report has no line naming a (temporary) file. */
      contents = g_file_get_contents (path, &data, &length, &error)
                 ? g_bytes_new_take (g_steal_pointer (&data), length) : NULL;
      stats = (contents != NULL) ? detprof_stats_new_from_bytes (contents, path, &error) : NULL;
      if (stats == NULL)
        {
          status = fail (1, "%s", error->message);
          continue;
        }
      if (names->len > 1)
        fprintf (report, "detprof: process %.*s\n", (int) (strlen (g_ptr_array_index (names, i)) - 5),
                 (const char *) g_ptr_array_index (names, i));
      detprof_stats_strip_dirs (stats);
      detprof_stats_sort (stats, keys, NULL);
      detprof_stats_print_stats (stats, out, NULL, 0);
      _detprof_report_append_negative_warning (stats, out);
      _detprof_report_append_unresolved (stats, out);
      _detprof_report_append_notes (stats, out);
      fwrite (out->str, 1, out->len, report);
    }
  return status;
}

/* Opens the --report-file before the program runs, so that a name that
 * cannot be written is refused with nothing run, as -o is. Not inherited
 * by the program. */
static FILE *
open_report_file (const char  *path,
                  GError     **error)
{
  FILE *report = g_fopen (path, "we");

  if (report == NULL)
    {
      int saved = errno;

      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO, "cannot write %s: %s",
                   path, g_strerror (saved));
    }
  return report;
}

/* Closes the --report-file, saying so if it could not be written whole
 * (a full disk, a closed pipe). */
static gboolean
close_report (FILE       *report,
              const char *path)
{
  gboolean failed = fflush (report) != 0 || ferror (report);
  int saved = errno;

  if (fclose (report) != 0 && !failed)
    {
      failed = TRUE;
      saved = errno;
    }
  if (failed)
    fail (1, "cannot write the report to %s: %s", path, g_strerror (saved));
  return !failed;
}

static void
remove_directory (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

/* ---- after the run: what became of each process's profile ---- */

/* What the agent noted of a process, by an empty file "<pid>.<what>" in
 * the run directory (note_status () in detprof-agent.c). */
typedef enum
{
  NOTED_STARTED = 1 << 0,  /* "started": the agent started in it */
  NOTED_WRITTEN = 1 << 1,  /* "written": it wrote its profile */
  NOTED_EMPTY   = 1 << 2,  /* "empty": no instrumented code ran in it, nothing to write */
  NOTED_LOST    = 1 << 3,  /* "lost": its profile could not be made or written */
} Noted;

/* The notes in @dir: process id -> Noted flags. */
static GHashTable *
read_notes (const char *dir)
{
  static const struct
  {
    const char *suffix;
    Noted       noted;
  } kinds[] = {
    { ".started", NOTED_STARTED }, { ".written", NOTED_WRITTEN },
    { ".empty", NOTED_EMPTY }, { ".lost", NOTED_LOST },
  };
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  GHashTable *notes = g_hash_table_new (NULL, NULL);
  const char *name;
  gsize i;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    for (i = 0; i < G_N_ELEMENTS (kinds); i++)
      if (g_str_has_suffix (name, kinds[i].suffix))
        {
          gpointer pid = GINT_TO_POINTER (atoi (name));
          guint noted = GPOINTER_TO_UINT (g_hash_table_lookup (notes, pid));

          g_hash_table_insert (notes, pid, GUINT_TO_POINTER (noted | kinds[i].noted));
        }
  return notes;
}

/* Whether process @pid is still running (a zombie has ended). */
static gboolean
is_running (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  const char *after_name;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  /* "pid (name) state ...": the name may hold anything, ")" too. */
  after_name = strrchr (stat, ')');
  return after_name != NULL && after_name[1] == ' ' && after_name[2] != 'Z' && after_name[2] != 'X';
}

/* The interpreter of a script, from its "#!" line, or NULL. */
static char *
script_interpreter (const char *path)
{
  char line[256] = { 0 };
  g_auto(GStrv) words = NULL;
  gssize length;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return NULL;
  length = read (fd, line, sizeof line - 1);
  close (fd);
  if (length < 2 || line[0] != '#' || line[1] != '!')
    return NULL;
  line[strcspn (line, "\n")] = '\0';
  words = g_strsplit_set (g_strstrip (line + 2), " \t", 2);
  return words[0] != NULL && *words[0] != '\0' ? g_strdup (words[0]) : NULL;
}

/* Whether running @path changes the user or the group: the loader then
 * runs it in secure-execution mode, which ignores an LD_PRELOAD path. */
static const char *
describe_set_id (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return NULL;
  if ((st.st_mode & S_ISUID) != 0 && st.st_uid != getuid ())
    return "set-user-ID";
  if ((st.st_mode & S_ISGID) != 0 && (st.st_mode & S_IXGRP) != 0 && st.st_gid != getgid ())
    return "set-group-ID";
  return NULL;
}

/* Why the program's own process wrote no profile, from what the agent
 * noted of it; NULL when it wrote one, or said itself why not (lost), or
 * is a wrapper (a script) whose programs wrote theirs. */
static char *
explain_missing_profile (const char *program,
                         guint       noted,
                         gboolean    others_wrote)
{
  g_autofree char *interpreter = NULL;
  const char *set_id = NULL;

  if ((noted & (NOTED_WRITTEN | NOTED_LOST)) != 0)
    return NULL;
  interpreter = script_interpreter (program);
  if ((interpreter != NULL || (noted & NOTED_EMPTY) != 0) && others_wrote)
    return NULL;
  /* Shells end with _exit (), so a script may leave only "started". */
  if (interpreter != NULL)
    return g_strdup_printf ("it is a script, run by %s, which was not built with -finstrument-functions",
                            interpreter);
  if ((noted & NOTED_EMPTY) != 0)
    return g_strdup ("no instrumented code ran in it");
  if ((noted & NOTED_STARTED) == 0 && (set_id = describe_set_id (program)) != NULL)
    return g_strdup_printf ("it is %s, so the loader ignored LD_PRELOAD and the profiler never started in it",
                            set_id);
  if ((noted & NOTED_STARTED) == 0)
    return g_strdup ("the profiler never started in it (the loader did not preload it)");
  return g_strdup ("it ended without running its exit handlers, where the profile is written"
                   " (it called _exit (), or replaced itself by a program the profiler could not start in)");
}

static char *
expand_pid (const char *pattern,
            int         pid)
{
  g_autofree char *text = g_strdup_printf ("%d", pid);
  g_auto(GStrv) parts = g_strsplit (pattern, "%p", -1);

  return g_strjoinv (text, parts);
}

/* Says what became of the profiles the program was to leave: why its own
 * is missing, which could not be written (the agent said why), which
 * processes are still running. Returns FALSE if a profile was lost: the
 * program's own is missing, or one could not be written.
 *
 * A process that outlives the program (a daemon it started, the
 * grandchild of a double fork) is not waited for, although it may still
 * write a profile: it may run for days, and a profiler must never be the
 * reason that the command running it hangs. So it is named here, and the
 * run directory is removed all the same; without -o its profile is not
 * collected (the agent says so when it finds the directory gone), with
 * -o it writes its own file when it ends. */
static gboolean
account_for_profiles (const char *program,
                      const char *run_dir,
                      int         main_pid,
                      int         status,
                      const char *output)
{
  g_autoptr(GHashTable) notes = read_notes (run_dir);
  g_autofree char *why = NULL;
  GHashTableIter iter;
  gpointer key, value;
  gboolean others_wrote = FALSE;
  guint main_noted = GPOINTER_TO_UINT (g_hash_table_lookup (notes, GINT_TO_POINTER (main_pid)));
  guint n_lost = 0;

  g_hash_table_iter_init (&iter, notes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      int pid = GPOINTER_TO_INT (key);
      guint noted = GPOINTER_TO_UINT (value);

      if (pid == main_pid)
        continue;
      if ((noted & NOTED_WRITTEN) != 0)
        others_wrote = TRUE;
      if ((noted & NOTED_LOST) != 0)
        n_lost++;
      if (noted == NOTED_STARTED && is_running (pid))
        {
          g_autofree char *path = output != NULL ? expand_pid (output, pid) : NULL;

          if (path != NULL)
            fprintf (stderr, "detprof: process %d, started by %s, is still running: it will write its"
                     " profile to %s when it ends, after detprof has exited\n", pid, program, path);
          else
            fprintf (stderr, "detprof: process %d, started by %s, is still running: its profile"
                     " will not be collected (with -o FILE.%%p.prof, each process writes a file"
                     " of its own)\n", pid, program);
        }
    }

  if ((main_noted & NOTED_LOST) != 0)
    fprintf (stderr, "detprof: the profile of %s could not be written (see above)\n", program);
  if (n_lost > 0)
    fprintf (stderr, "detprof: the profiles of %u processes started by %s could not be written (see above)\n",
             n_lost, program);
  if (!WIFSIGNALED (status) && (why = explain_missing_profile (program, main_noted, others_wrote)) != NULL)
    fprintf (stderr, "detprof: %s wrote no profile: %s\n", program, why);

  return (main_noted & NOTED_LOST) == 0 && n_lost == 0 && why == NULL;
}

/* The status for a run whose profile or report was lost, with a line
 * that keeps the program's own status in view. */
static int
profile_lost_status (const char *program,
                     int         program_status)
{
  if (program_status != 0)
    {
      fprintf (stderr, "detprof: %s exited with status %d (detprof's status too),"
               " and the profile is missing or incomplete\n", program, program_status);
      return program_status;
    }
  fprintf (stderr, "detprof: %s exited with status 0, but the profile is missing or incomplete:"
           " detprof exits with %d\n", program, EXIT_PROFILE_LOST);
  return EXIT_PROFILE_LOST;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DetprofTimer) timer = NULL;
  g_autofree char *program = NULL;
  g_autofree char *agent = NULL;
  g_autofree char *output = NULL;
  g_autofree char *run_dir = NULL;
  g_autofree char *dumps = NULL;
  g_autofree char *bias_text = NULL;
  g_autofree char *spread_text = NULL;
  g_autofree char *variation_text = NULL;
  g_autofree char *hz = NULL;
  g_auto(DetprofCalibrationEntry) calibration = { 0 };
  FILE *report = stderr;
  double bias = 0.0;
  gboolean lost = FALSE;
  int status = 0, result;
  pid_t child = -1;

  setlocale (LC_ALL, "");
  context = g_option_context_new ("[--] PROGRAM [ARGS...]");
  g_option_context_set_summary (context,
    "Run PROGRAM, built with -finstrument-functions, under the deterministic profiler,\n"
    "then print its statistics in the layout of Python's pstats, on standard error or\n"
    "in the --report-file, or write them with -o in the format pstats (and detprof-stats)\n"
    "load. PROGRAM's standard output stays PROGRAM's, byte for byte.");
  g_option_context_set_description (context,
    "Exit status: PROGRAM's; 128+N if a signal N killed it; 2 for a usage error;\n"
    "125 if PROGRAM exited 0 but its profile is missing or incomplete (the\n"
    "messages say why, and what PROGRAM's status was).\n"
    "Build your program with: gcc -g -finstrument-functions -o PROGRAM PROGRAM.c");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_strict_posix (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (EXIT_USAGE, "%s (see detprof --help)", error->message);
  /* As detprof-stats and detprof-calibrate print it. */
  if (opt_version)
    {
      printf ("detprof %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (argc > 1 && strcmp (argv[1], "--") == 0)
    {
      argv++;
      argc--;
    }
  if (argc < 2)
    return fail (EXIT_USAGE, "no program to run (usage: detprof [-o FILE | --report-file FILE]"
                 " [-s SORT] [-t TIMER] [-b BIAS] PROGRAM [ARGS...])");

  /* Every check before anything runs: nothing half-done on bad input. */
  timer = (opt_timer != NULL) ? detprof_timer_new_builtin (opt_timer, &error)
                              : detprof_timer_new_default ();
  if (timer == NULL)
    return fail (EXIT_USAGE, "%s", error->message);

  if (opt_bias != NULL && strcmp (opt_bias, "auto") != 0)
    {
      char *end = NULL;

      bias = g_ascii_strtod (opt_bias, &end);
      if (end == opt_bias || *end != '\0' || !isfinite (bias))
        return fail (EXIT_USAGE, "option -b: “%s” is neither auto nor a number of seconds", opt_bias);
      if (bias < 0.0)
        return fail (EXIT_USAGE, "option -b: “%s” is negative: the bias is what each event costs the"
                     " profiler, which is never less than nothing (-b 0 turns correction off)", opt_bias);
    }

  if (opt_max_path_nodes != NULL
      && !g_ascii_string_to_unsigned (opt_max_path_nodes, 10, 1, G_MAXUINT - 2, NULL, NULL))
    return fail (EXIT_USAGE, "option --max-path-nodes: “%s” is not a count of nodes from 1 to %u",
                 opt_max_path_nodes, G_MAXUINT - 2);

  if (opt_sort == NULL)
    opt_sort = g_strdup ("stdname");
  if (!check_sort_key (opt_sort, &error))
    return fail (EXIT_USAGE, "option -s: %s", error->message);

  if (opt_output != NULL)
    {
      output = g_canonicalize_filename (opt_output, NULL);
      if (!check_output_path (output, &error))
        return fail (EXIT_USAGE, "option -o: %s", error->message);
    }
  if (opt_output != NULL && opt_report != NULL)
    return fail (EXIT_USAGE, "option --report-file: with -o there is no report to write"
                 " (the dump holds the statistics: detprof-stats prints them)");

  program = find_program (argv[1]);
  if (program == NULL && strchr (argv[1], '/') != NULL && g_file_test (argv[1], G_FILE_TEST_IS_DIR))
    return fail (126, "%s is a directory, not a program", argv[1]);
  if (program == NULL)
    return fail (127, "%s: no such program", argv[1]);
  if (access (program, X_OK) != 0)
    return fail (126, "%s: not executable: %s", program, g_strerror (errno));
  switch (inspect_program (program))
    {
    case PROGRAM_INSTRUMENTED:
      break;
    case PROGRAM_NOT_INSTRUMENTED:
      return fail (EXIT_USAGE,
                   "%s was not built with -finstrument-functions: it never calls the profiler.\n"
                   "Rebuild it with, for example:  gcc -g -finstrument-functions -o %s %s.c",
                   program, argv[1], argv[1]);
    case PROGRAM_STATIC:
      return fail (EXIT_USAGE,
                   "%s is statically linked, so the profiler cannot be preloaded into it;"
                   " link it dynamically (without -static)", program);
    case PROGRAM_NOT_ELF:
      fprintf (stderr, "detprof: warning: %s is not an ELF executable; cannot check that it is instrumented\n",
               program);
      break;
    default:
      g_assert_not_reached ();
    }

  agent = find_agent ();
  if (!g_file_test (agent, G_FILE_TEST_IS_REGULAR))
    return fail (1, "cannot find the agent library %s (set DETPROF_AGENT)", agent);

  /* Last of the checks: it creates the file. */
  if (opt_report != NULL)
    {
      report = open_report_file (opt_report, &error);
      if (report == NULL)
        return fail (EXIT_USAGE, "option --report-file: %s", error->message);
    }

  if (opt_bias == NULL || strcmp (opt_bias, "auto") == 0)
    {
      gboolean measured;

      if (!_detprof_calibration_auto (timer, &calibration, &measured, &error))
        return fail (1, "cannot calibrate the %s timer: %s (use -b 0 for no correction)",
                     detprof_timer_get_name (timer), error->message);
      bias_text = g_strdup_printf ("pairs:%.17g,%.17g,%.17g,%.17g",
                                   calibration.constants[0], calibration.constants[1],
                                   calibration.constants[2], calibration.constants[3]);
      /* How far that bias was measured to stray: every time's error bound. */
      spread_text = g_strdup_printf ("%.17g", calibration.bias_spread);
      variation_text = g_strdup_printf ("%.17g", calibration.speed_variation);
    }
  else
    bias_text = g_strdup_printf ("%.17g", bias);

  /* Private (0700): the agent's notes, and the dumps when there is no -o.
   * Absolute: the program may change directories. Made last, so that no
   * failure before the run leaves it behind. */
  {
    g_autofree char *made = g_dir_make_tmp ("detprof-XXXXXX", &error);

    if (made == NULL)
      return fail (1, "%s", error->message);
    run_dir = g_canonicalize_filename (made, NULL);
  }

  prepend_env ("LD_PRELOAD", agent);
  if (output == NULL)
    dumps = g_build_filename (run_dir, "%p.prof", NULL);
  g_setenv ("DETPROF_OUTPUT", output != NULL ? output : dumps, TRUE);
  g_setenv ("DETPROF_STATUS_DIR", run_dir, TRUE);
  g_setenv ("DETPROF_TIMER", detprof_timer_get_name (timer), TRUE);
  g_setenv ("DETPROF_BIAS", bias_text, TRUE);
  if (spread_text != NULL)
    g_setenv ("DETPROF_BIAS_SPREAD", spread_text, TRUE);
  else
    g_unsetenv ("DETPROF_BIAS_SPREAD");
  if (variation_text != NULL)
    g_setenv ("DETPROF_SPEED_VARIATION", variation_text, TRUE);
  else
    g_unsetenv ("DETPROF_SPEED_VARIATION");
  if (opt_max_path_nodes != NULL)
    g_setenv ("DETPROF_MAX_PATH_NODES", opt_max_path_nodes, TRUE);
  else
    g_unsetenv ("DETPROF_MAX_PATH_NODES");
  if (_detprof_timer_reads_tsc (timer))
    {
      hz = g_strdup_printf ("%.17g", 1.0 / detprof_timer_get_timeunit (timer));
      g_setenv ("DETPROF_TSC_HZ", hz, TRUE);
    }

  argv[1] = program;
  result = run_program (argv + 1, &status, &child);
  if (result != 0)
    {
      remove_directory (run_dir);
      return fail (1, "cannot start %s: %s", program, g_strerror (result));
    }

  if (WIFSIGNALED (status))
    fprintf (stderr, "detprof: %s was killed by signal %d (%s); no profile was written\n",
             program, WTERMSIG (status), g_strsignal (WTERMSIG (status)));

  if (output == NULL && !WIFSIGNALED (status))
    {
      print_header (report, timer, bias, calibration.timer != NULL ? &calibration : NULL);
      if (print_reports (report, run_dir, (int) child, opt_sort) != 0)
        lost = TRUE;
    }
  if (!account_for_profiles (program, run_dir, (int) child, status, output))
    lost = TRUE;
  remove_directory (run_dir);
  if (opt_report != NULL && !close_report (report, opt_report))
    lost = TRUE;

  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  if (lost)
    return profile_lost_status (program, WEXITSTATUS (status));
  return WEXITSTATUS (status);
}
