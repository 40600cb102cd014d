/* detprof-wait-private.h: how long a program waited for a processor.
 *
 * A profile's times are what its timer read between events; while the
 * program was ready to run but other programs held every processor, a
 * wall-clock timer went on counting, into whatever function the wait
 * interrupted, and no error bound holds that. Linux counts the wait of
 * each thread (run_delay in /proc/<pid>/task/<tid>/schedstat, when the
 * kernel keeps scheduler statistics), and the agent records it with the
 * profile, so that the report can say how much of the run it was.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the kernel counted for a thread: nanoseconds on a processor, and
 * nanoseconds ready to run but waiting for one. */
typedef struct
{
  guint64 ran;
  guint64 waited;
} DetprofSchedstat;

/* Parses the text of a schedstat file ("RAN WAITED SLICES"); FALSE if it
 * is not one. */
gboolean _detprof_schedstat_parse (const char       *text,
                                   DetprofSchedstat *out);

/* Reads the calling thread's; FALSE if the kernel keeps none. */
gboolean _detprof_schedstat_read_self (DetprofSchedstat *out);

/* Adds up the schedstats of the process's threads now, less @start for
 * the thread @start_tid (the one that read it, when it still runs):
 * what the threads still running did since then. FALSE if none could be
 * read. */
gboolean _detprof_schedstat_read_process (int                     start_tid,
                                          const DetprofSchedstat *start,
                                          DetprofSchedstat       *out);

G_END_DECLS
