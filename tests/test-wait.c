/* test-wait.c: how long a program waited for a processor, as the agent
 * reads it from the kernel's scheduler statistics (detprof-wait.c). */
#include "config.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <glib.h>

#include "detprof-wait-private.h"

/* The kernel's line: nanoseconds run, nanoseconds waited, time slices. */
static void
test_parse_a_line (void)
{
  DetprofSchedstat stat = { 0, 0 };

  g_assert_true (_detprof_schedstat_parse ("837626 67691 1\n", &stat));
  g_assert_cmpuint (stat.ran, ==, 837626);
  g_assert_cmpuint (stat.waited, ==, 67691);

  g_assert_true (_detprof_schedstat_parse ("0 0 0", &stat));
  g_assert_cmpuint (stat.ran, ==, 0);
  g_assert_cmpuint (stat.waited, ==, 0);

  g_assert_true (_detprof_schedstat_parse ("18446744073709551615 5", &stat));
  g_assert_cmpuint (stat.ran, ==, G_MAXUINT64);
  g_assert_cmpuint (stat.waited, ==, 5);
}

/* Anything else is not one, and leaves nothing half read. */
static void
test_parse_refuses (void)
{
  static const char *const bad[] = { "", "\n", "12", "12\n", "-1 2 3", "1 -2 3", "1x 2 3", "1 2x 3", "a b c",
                                     " \n" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      DetprofSchedstat stat = { 7, 7 };

      g_test_message ("“%s”", bad[i]);
      g_assert_false (_detprof_schedstat_parse (bad[i], &stat));
      g_assert_cmpuint (stat.ran, ==, 7);
      g_assert_cmpuint (stat.waited, ==, 7);
    }
}

/* This thread's own, and the process's since then: the thread that read
 * the start counts only what came after, and spinning counts as running. */
static void
test_read_self_and_process (void)
{
  DetprofSchedstat start, later, since, after;
  int tid = (int) syscall (SYS_gettid);
  gint64 until;
  volatile guint64 spin = 0;

  if (!_detprof_schedstat_read_self (&start))
    {
      g_test_skip ("this kernel keeps no scheduler statistics (/proc/thread-self/schedstat)");
      return;
    }
  until = g_get_monotonic_time () + 20000;
  while (g_get_monotonic_time () < until)
    spin++;
  g_assert_true (_detprof_schedstat_read_self (&later));
  g_assert_cmpuint (later.ran, >, start.ran);
  g_assert_cmpuint (later.waited, >=, start.waited);

  g_assert_true (_detprof_schedstat_read_process (tid, &start, &since));
  g_assert_true (_detprof_schedstat_read_self (&after));
  g_assert_cmpuint (since.ran, >=, later.ran - start.ran);
  /* The only thread of this test: all of it is this thread's, since start. */
  g_assert_cmpuint (since.ran, <=, after.ran - start.ran);
  g_assert_cmpuint (since.waited, <=, after.waited - start.waited);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wait/schedstat/parse-a-line", test_parse_a_line);
  g_test_add_func ("/wait/schedstat/parse-refuses-what-is-not-one", test_parse_refuses);
  g_test_add_func ("/wait/schedstat/read-self-and-process", test_read_self_and_process);
  return g_test_run ();
}
