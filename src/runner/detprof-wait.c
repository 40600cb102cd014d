/* detprof-wait.c: how long a program waited for a processor (see
 * detprof-wait-private.h). */
#include "config.h"

#include <stdlib.h>

#include "detprof-wait-private.h"

gboolean
_detprof_schedstat_parse (const char       *text,
                          DetprofSchedstat *out)
{
  const char *p = text;
  char *end = NULL;
  guint64 values[2];
  int i;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  for (i = 0; i < 2; i++)
    {
      while (*p == ' ')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      values[i] = g_ascii_strtoull (p, &end, 10);
      if (end == p || (*end != ' ' && *end != '\n' && *end != '\0'))
        return FALSE;
      p = end;
    }
  out->ran = values[0];
  out->waited = values[1];
  return TRUE;
}

static gboolean
read_file (const char       *path,
           DetprofSchedstat *out)
{
  g_autofree char *text = NULL;

  return g_file_get_contents (path, &text, NULL, NULL) && _detprof_schedstat_parse (text, out);
}

gboolean
_detprof_schedstat_read_self (DetprofSchedstat *out)
{
  g_return_val_if_fail (out != NULL, FALSE);

  return read_file ("/proc/thread-self/schedstat", out);
}

gboolean
_detprof_schedstat_read_process (int                     start_tid,
                                 const DetprofSchedstat *start,
                                 DetprofSchedstat       *out)
{
  g_autoptr(GDir) tasks = g_dir_open ("/proc/self/task", 0, NULL);
  const char *name;
  gboolean any = FALSE;

  g_return_val_if_fail (start != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  out->ran = out->waited = 0;
  if (tasks == NULL)
    return FALSE;
  while ((name = g_dir_read_name (tasks)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/task", name, "schedstat", NULL);
      DetprofSchedstat task;

      /* A thread that ended meanwhile has no file left: it is not counted. */
      if (!read_file (path, &task))
        continue;
      if (atoi (name) == start_tid && task.ran >= start->ran && task.waited >= start->waited)
        {
          task.ran -= start->ran;
          task.waited -= start->waited;
        }
      out->ran += task.ran;
      out->waited += task.waited;
      any = TRUE;
    }
  return any;
}
