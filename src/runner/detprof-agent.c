/* detprof-agent.c: the library that `detprof` preloads into the program.
 *
 * When the dynamic linker loads it, before the program's own constructors
 * run, it reads its settings from the environment the runner prepared,
 * makes a profiler and enables it. When the program ends (main returns,
 * exit() is called from anywhere, the last thread calls exit), an atexit
 * handler, registered first and so run last, disables the profiler, closes
 * the frames still open and writes the statistics.
 *
 * The agent is linked with its own copy of the library code and the hooks,
 * so that its __cyg_profile_func_enter and __cyg_profile_func_exit come
 * before glibc's empty ones in the lookup order of every preloaded program.
 *
 * Each process also tells the runner how it fared, so that the runner can
 * say why a profile is missing: see note_status ().
 *
 * Settings (all set by the runner), read once, at load: by the time the
 * exit handler runs, the program may have emptied its environment
 * (clearenv (), unsetenv ()):
 *   DETPROF_OUTPUT      where to write; "%p" becomes the process id
 *   DETPROF_TIMER       a built-in timer name
 *   DETPROF_BIAS        seconds per event, or "pairs:CC,CR,RC,RR"
 *   DETPROF_BIAS_SPREAD seconds per stretch, when the bias was measured
 *   DETPROF_SPEED_VARIATION  a share of the time, measured with the bias spread
 *   DETPROF_STATUS_DIR  the runner's private directory for the notes
 *   DETPROF_MAX_PATH_NODES  the bound on each thread's calling-context tree, if not the default
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "detprof.h"
#include "detprof-profiler.h"
#include "detprof-wait-private.h"

static DetprofProfiler *agent_profiler;   /* owned; never freed: threads may outlive exit() */
static char            *agent_output;     /* owned: DETPROF_OUTPUT as it was at load; never freed */
static char            *agent_status_dir; /* owned: DETPROF_STATUS_DIR, or NULL; never freed */
static int              agent_wait_tid;   /* the thread that read agent_wait_start; 0: none */
static DetprofSchedstat agent_wait_start; /* its schedstat at load: the wait before is not the run's */
static DetprofStats    *agent_stats;      /* owned: the statistics written at exit; never freed,
                                           * since the process ends: freeing a big profile's
                                           * hundreds of thousands of blocks only delays it */

/* Tells the runner how this process fares, by an empty file
 * "<pid>.<what>" in its status directory: "started" when the agent starts
 * in it (at load, or in the child of a fork), then at exit "written",
 * "empty" (no instrumented code ran: nothing to write) or "lost" (the
 * profile could not be made or written). A process that ends without
 * running its exit handlers (_exit ()) leaves "started" alone. An empty
 * file needs no room on a full disk. Called in the child of a fork, so
 * it allocates nothing. */
static void
note_status (const char *what)
{
  char path[4096];
  int fd, length;

  if (agent_status_dir == NULL)
    return;
  length = snprintf (path, sizeof path, "%s/%d.%s", agent_status_dir, (int) getpid (), what);
  if (length < 0 || length >= (int) sizeof path)
    return;
  fd = open (path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0)
    close (fd);
}

static void
note_child_started (void)
{
  note_status ("started");
}

/* Replaces each "%p" of @pattern by the process id, so that the children
 * of a fork() write files of their own. */
static char *
expand_output_path (const char *pattern)
{
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  g_auto(GStrv) parts = g_strsplit (pattern, "%p", -1);

  return g_strjoinv (pid, parts);
}

static void
report (const char *format,
        ...) G_GNUC_PRINTF (1, 2);

static void
report (const char *format,
        ...)
{
  va_list args;

  fputs ("detprof: ", stderr);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
}

/* The program and its arguments, from the kernel's copy of argv. */
static void
record_program (DetprofStats *stats)
{
  g_autofree char *cmdline = NULL;
  gsize length = 0, i;

  /* The calling thread's entry: once the main thread has called
   * pthread_exit(), the process's (the main thread's) reads empty. */
  if (!g_file_get_contents ("/proc/thread-self/cmdline", &cmdline, &length, NULL) || length == 0)
    return;
  detprof_stats_set_info (stats, "program", cmdline);
  for (i = strlen (cmdline) + 1; i < length; i++)
    if (cmdline[i] == '\0')
      cmdline[i] = ' ';
  if (strlen (cmdline) + 1 < length)
    {
      cmdline[length - 1] = '\0';
      detprof_stats_set_info (stats, "arguments", cmdline + strlen (cmdline) + 1);
    }
}

/* How long the program's threads ran, and waited for a processor while
 * other programs held them all, since the agent started (the threads
 * still running now: one that ended took its count with it); FALSE when
 * the kernel keeps no scheduler statistics. Read when the program is
 * done, before the profile is made, whose work is not the program's. */
static gboolean
read_wait (DetprofSchedstat *out)
{
  return agent_wait_tid != 0 && _detprof_schedstat_read_process (agent_wait_tid, &agent_wait_start, out);
}

static void
record_wait (DetprofStats           *stats,
             const DetprofSchedstat *wait)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  detprof_stats_set_info (stats, "processor-time", g_ascii_dtostr (text, sizeof text, (double) wait->ran * 1e-9));
  detprof_stats_set_info (stats, "processor-wait", g_ascii_dtostr (text, sizeof text, (double) wait->waited * 1e-9));
}

/* Room the statistics and the symbol tables need, at the least, once
 * the program is done. */
#define PROFILE_ROOM (64 << 20)

/* The program's limit on its address space is its own business: a program
 * that lowered it to what it uses would leave no room to write its
 * profile (and libdw crashes when an allocation fails). The limit is
 * raised to the hard one for that; FALSE if that still leaves less than
 * PROFILE_ROOM, when the profile cannot be written safely. */
static gboolean
make_room_for_the_profile (void)
{
  struct rlimit limit;
  long pages = 0;
  FILE *statm;

  if (getrlimit (RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
    return TRUE;
  if (limit.rlim_cur != limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_AS, &limit);
      if (limit.rlim_cur == RLIM_INFINITY)
        return TRUE;
    }
  statm = fopen ("/proc/self/statm", "re");
  if (statm == NULL)
    return TRUE;
  if (fscanf (statm, "%ld", &pages) != 1)
    pages = 0;
  fclose (statm);
  return (rlim_t) pages * (rlim_t) sysconf (_SC_PAGESIZE) + PROFILE_ROOM <= limit.rlim_cur;
}

static void
write_profile (void)
{
  g_autoptr(DetprofStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  DetprofSchedstat wait;
  gboolean have_wait;

  if (agent_profiler == NULL)
    return;
  detprof_profiler_disable (agent_profiler);
  have_wait = read_wait (&wait);

  if (!make_room_for_the_profile ())
    {
      report ("the program's memory limit (RLIMIT_AS) leaves no room to write its profile: it is lost");
      note_status ("lost");
      return;
    }

  stats = detprof_profiler_create_stats (agent_profiler, &error);
  if (stats == NULL)
    {
      report ("cannot make the statistics: %s", error->message);
      note_status ("lost");
      return;
    }

  /* A program run by this one that has no instrumented code (a shell,
   * ls) made no events: it writes nothing, and overwrites nothing. */
  if (detprof_stats_get_n_functions (stats) == 0)
    {
      note_status ("empty");
      return;
    }

  record_program (stats);
  if (have_wait)
    record_wait (stats, &wait);
  path = expand_output_path (agent_output);
  agent_stats = g_steal_pointer (&stats);
  if (detprof_stats_dump (agent_stats, path, &error))
    {
      note_status ("written");
      return;
    }

  /* The runner removes its directory once the program has ended and been
   * reported: a process that outlived it (a daemon, the grandchild of a
   * double fork) finds it gone. */
  if (agent_status_dir != NULL && access (agent_status_dir, F_OK) != 0 && errno == ENOENT)
    report ("process %d outlived the program that detprof ran, which has ended and been reported:"
            " its profile is not collected (with -o, \"%%p\" in the file name gives each process"
            " a file of its own)", (int) getpid ());
  else
    report ("%s", error->message);
  note_status ("lost");
}

/* DETPROF_BIAS: seconds per event, or "pairs:CC,CR,RC,RR", one per pair
 * of consecutive event kinds. */
static gboolean
parse_bias (const char *text,
            double      pairs[4],
            gboolean   *has_pairs)
{
  const char *p = text;
  int i, n = 1;

  *has_pairs = g_str_has_prefix (text, "pairs:");
  if (*has_pairs)
    {
      p += strlen ("pairs:");
      n = 4;
    }
  for (i = 0; i < n; i++)
    {
      char *end = NULL;

      pairs[i] = g_ascii_strtod (p, &end);
      if (end == p || !isfinite (pairs[i]) || *end != (i + 1 < n ? ',' : '\0'))
        return FALSE;
      p = end + 1;
    }
  return TRUE;
}

static void
agent_exit (void)
{
  write_profile ();
}

/* A measurement the runner passed: a finite number, not negative. */
static gboolean
parse_measure (const char *text,
               double     *value)
{
  char *end = NULL;

  *value = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && isfinite (*value) && *value >= 0.0;
}

__attribute__ ((constructor)) static void
agent_start (void)
{
  const char *output = g_getenv ("DETPROF_OUTPUT");
  const char *status_dir = g_getenv ("DETPROF_STATUS_DIR");
  const char *timer_name = g_getenv ("DETPROF_TIMER");
  const char *bias_text = g_getenv ("DETPROF_BIAS");
  const char *spread_text = g_getenv ("DETPROF_BIAS_SPREAD");
  const char *variation_text = g_getenv ("DETPROF_SPEED_VARIATION");
  const char *max_path_nodes = g_getenv ("DETPROF_MAX_PATH_NODES");
  guint64 max_nodes = 0;
  g_autoptr(DetprofTimer) timer = NULL;
  g_autoptr(GError) error = NULL;
  double pairs[4] = { 0.0, 0.0, 0.0, 0.0 };
  gboolean has_pairs = FALSE;

  if (output == NULL)
    return;   /* loaded by hand, not by the runner: stay out of the way */
  agent_status_dir = g_strdup (status_dir);
  note_status ("started");
  if (_detprof_schedstat_read_self (&agent_wait_start))
    agent_wait_tid = (int) syscall (SYS_gettid);

  timer = (timer_name != NULL) ? detprof_timer_new_builtin (timer_name, &error)
                               : detprof_timer_new_default ();
  if (timer == NULL)
    {
      report ("%s; not profiling", error->message);
      note_status ("lost");
      return;
    }

  if (bias_text != NULL && !parse_bias (bias_text, pairs, &has_pairs))
    {
      report ("bias “%s” is not a number; not profiling", bias_text);
      note_status ("lost");
      return;
    }

  agent_output = g_strdup (output);
  agent_profiler = detprof_profiler_new_with_bias (timer, has_pairs ? 0.0 : pairs[0]);
  if (max_path_nodes != NULL && g_ascii_string_to_unsigned (max_path_nodes, 10, 1, G_MAXUINT - 2, &max_nodes, NULL))
    g_object_set (agent_profiler, "max-path-nodes", (guint) max_nodes, NULL);
  if (has_pairs)
    detprof_profiler_set_bias_pairs (agent_profiler, pairs);
  /* The bias spread, when the bias was measured: after the bias, which
   * would forget it. Without it the profile has no error bounds. */
  if (spread_text != NULL)
    {
      double spread;

      if (parse_measure (spread_text, &spread))
        detprof_profiler_set_bias_spread (agent_profiler, spread);
      else
        report ("bias spread “%s” is not a number of seconds; the profile has no error bounds", spread_text);
    }
  if (variation_text != NULL)
    {
      double variation;

      if (parse_measure (variation_text, &variation))
        detprof_profiler_set_speed_variation (agent_profiler, variation);
      else
        report ("speed variation “%s” is not a share; the error bounds leave it out", variation_text);
    }
  if (atexit (agent_exit) != 0 || !detprof_profiler_enable (agent_profiler, &error))
    {
      report ("cannot start profiling: %s", error != NULL ? error->message : g_strerror (errno));
      g_clear_object (&agent_profiler);
      note_status ("lost");
      return;
    }
  pthread_atfork (NULL, NULL, note_child_started);
}
