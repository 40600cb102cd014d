/* test-timer.c: the built-in timers and the three timer shapes. */
#include "config.h"

#include <string.h>

#include "detprof.h"
#include "detprof-timer.h"

/* Every built-in timer can be made by name (tsc only where the cycle
 * counter is invariant), has a positive timeunit and never goes back. */
static void
test_builtins_read_forward (void)
{
  const char * const *names = detprof_timer_list_builtins ();
  guint i;

  g_assert_cmpuint (g_strv_length ((char **) names), ==, 8);
  for (i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DetprofTimer) timer = detprof_timer_new_builtin (names[i], &error);
      double a, b;
      int j;

      if (timer == NULL)
        {
          g_assert_true (g_str_has_prefix (names[i], "tsc"));
          g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_NO_TIMER);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpstr (detprof_timer_get_name (timer), ==, names[i]);
      g_assert_cmpfloat (detprof_timer_get_timeunit (timer), >, 0.0);
      g_assert_cmpfloat (detprof_timer_get_resolution (timer), >, 0.0);
      g_assert_nonnull (detprof_timer_get_description (timer));

      a = detprof_timer_read (timer);
      for (j = 0; j < 1000; j++)
        {
          b = detprof_timer_read (timer);
          g_assert_cmpfloat (b, >=, a);
          a = b;
        }
    }
}

/* rusage and times are tuples of (user, system), like os.times(). */
static void
test_builtin_shapes (void)
{
  g_autoptr(DetprofTimer) wall = detprof_timer_new_builtin ("wall", NULL);
  g_autoptr(DetprofTimer) rusage = detprof_timer_new_builtin ("rusage", NULL);
  g_autoptr(DetprofTimer) times = detprof_timer_new_builtin ("times", NULL);

  g_assert_cmpint (detprof_timer_get_shape (wall), ==, DETPROF_TIMER_INTEGER);
  g_assert_cmpfloat (detprof_timer_get_timeunit (wall), ==, 1e-9);
  g_assert_cmpint (detprof_timer_get_shape (rusage), ==, DETPROF_TIMER_TUPLE);
  g_assert_cmpuint (detprof_timer_get_n_values (rusage), ==, 2);
  g_assert_cmpint (detprof_timer_get_shape (times), ==, DETPROF_TIMER_TUPLE);
  g_assert_cmpfloat (detprof_timer_get_timeunit (times), ==, detprof_timer_get_resolution (times));
}

/* An unknown name is refused with a message that lists the valid ones. */
static void
test_unknown_name_lists_valid_ones (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DetprofTimer) timer = detprof_timer_new_builtin ("sundial", &error);

  g_assert_null (timer);
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_NO_TIMER);
  g_assert_cmpstr (error->message, ==,
                   "unknown timer “sundial” (valid timers: tsc, tsc-fenced, wall, cpu, thread-cpu, rusage, times, coarse)");
}

/* The default is the fenced cycle counter where it is invariant, else wall. */
static void
test_default_is_fenced_cycle_counter (void)
{
  g_autoptr(DetprofTimer) tsc = detprof_timer_new_builtin ("tsc", NULL);
  g_autoptr(DetprofTimer) timer = detprof_timer_new_default ();

  g_assert_cmpstr (detprof_timer_get_default_name (), ==, tsc != NULL ? "tsc-fenced" : "wall");
  g_assert_cmpstr (detprof_timer_get_name (timer), ==, detprof_timer_get_default_name ());
}

static double
constant_double (gpointer user_data)
{
  return 2.5;
}

static gint64
constant_integer (gpointer user_data)
{
  return 7;
}

static void
constant_tuple (double   *values,
                gpointer  user_data)
{
  guint i;

  for (i = 0; i < 5; i++)
    values[i] = i + 0.5;
}

static void
count_destroy (gpointer user_data)
{
  (*(int *) user_data)++;
}

/* Custom timers read as their shape says (a tuple reads as its sum), and
 * free their data with the last reference. */
static void
test_custom_shapes (void)
{
  int destroyed = 0;
  DetprofTimer *d = detprof_timer_new_double ("d", constant_double, 1.0, &destroyed, count_destroy);
  DetprofTimer *i = detprof_timer_new_integer ("i", constant_integer, 1e-3, &destroyed, count_destroy);
  DetprofTimer *t = detprof_timer_new_tuple ("t", 5, constant_tuple, 0.5, &destroyed, count_destroy);

  g_assert_cmpfloat (detprof_timer_read (d), ==, 2.5);
  g_assert_cmpfloat (detprof_timer_read (i), ==, 7.0);
  g_assert_cmpfloat (detprof_timer_read (t), ==, 0.5 + 1.5 + 2.5 + 3.5 + 4.5);
  g_assert_cmpint (detprof_timer_get_shape (t), ==, DETPROF_TIMER_TUPLE);
  g_assert_cmpuint (detprof_timer_get_n_values (t), ==, 5);
  g_assert_cmpfloat (detprof_timer_get_timeunit (i), ==, 1e-3);

  detprof_timer_ref (d);
  detprof_timer_unref (d);
  g_assert_cmpint (destroyed, ==, 0);
  detprof_timer_unref (d);
  detprof_timer_unref (i);
  detprof_timer_unref (t);
  g_assert_cmpint (destroyed, ==, 3);
}

/* A custom timer knows nothing of its clock until told: its resolution is
 * 0 (unknown) and its description generic. What it is told, it reports,
 * for the report header and for calibrate()'s choice of n. */
static void
test_custom_declares_itself (void)
{
  g_autoptr(DetprofTimer) timer = detprof_timer_new_integer ("jiffies", constant_integer, 4e-3, NULL, NULL);

  g_assert_cmpfloat (detprof_timer_get_resolution (timer), ==, 0.0);
  g_assert_cmpstr (detprof_timer_get_description (timer), ==, "a custom timer returning an integer count");

  detprof_timer_set_resolution (timer, 4e-3);
  detprof_timer_set_description (timer, "the kernel's jiffies, 4 ms each");
  g_assert_cmpfloat (detprof_timer_get_resolution (timer), ==, 4e-3);
  g_assert_cmpstr (detprof_timer_get_description (timer), ==, "the kernel's jiffies, 4 ms each");

  /* Back to unknown, and nonsense refused. */
  detprof_timer_set_resolution (timer, 0.0);
  g_assert_cmpfloat (detprof_timer_get_resolution (timer), ==, 0.0);
  if (g_test_undefined ())
    {
      g_test_expect_message ("Detprof", G_LOG_LEVEL_CRITICAL, "*resolution*");
      detprof_timer_set_resolution (timer, -1.0);
      g_test_assert_expected_messages ();
      g_assert_cmpfloat (detprof_timer_get_resolution (timer), ==, 0.0);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("The built-in timers and custom timers of each shape declare their shape, unit, "
                  "resolution and description, and the built-in ones read forward.");

  g_test_add_func ("/timer/builtins/read-forward", test_builtins_read_forward);
  g_test_add_func ("/timer/builtins/rusage-and-times-are-tuples", test_builtin_shapes);
  g_test_add_func ("/timer/builtins/unknown-name-lists-valid-ones", test_unknown_name_lists_valid_ones);
  g_test_add_func ("/timer/default/is-the-fenced-cycle-counter-else-wall",
                   test_default_is_fenced_cycle_counter);
  g_test_add_func ("/timer/custom/reads-as-its-shape-says", test_custom_shapes);
  g_test_add_func ("/timer/custom/declares-itself", test_custom_declares_itself);

  return g_test_run ();
}
