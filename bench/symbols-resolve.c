/* symbols-resolve.c: how long detprof's symbolizer alone takes to name
 * every function of a unit of many, and one call site in each: the part
 * of writing a profile that turns addresses into file:line(function),
 * without running the program or building and writing the statistics.
 * bench/symbols-scale.sh runs it on a shared-library build of the unit
 * that bench/make-many-functions.sh writes.
 *
 * Usage: symbols-resolve LIBRARY
 * Prints: SECONDS FUNCTIONS NAMED, where NAMED counts the functions whose
 * name came out as fK, and SECONDS includes making and freeing the
 * symbolizer, as a profile does.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "detprof-symbols-private.h"

typedef unsigned (*ManyFunction) (unsigned x);

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  DetprofSymbolizer *symbolizer;
  const ManyFunction *table;
  unsigned (*count) (void) = NULL;
  void *library;
  void *found;
  gint64 start, end;
  guint named = 0;
  guint n;
  guint k;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s LIBRARY\n", argv[0]);
      return 2;
    }

  library = dlopen (argv[1], RTLD_NOW | RTLD_LOCAL);
  if (library == NULL)
    {
      fprintf (stderr, "%s: %s\n", argv[0], dlerror ());
      return 1;
    }
  table = dlsym (library, "many_functions_table");
  found = dlsym (library, "many_functions_count");
  if (found != NULL)
    memcpy (&count, &found, sizeof count);
  if (table == NULL || count == NULL)
    {
      fprintf (stderr, "%s: %s was not written by make-many-functions.sh\n", argv[0], argv[1]);
      return 1;
    }
  n = count ();

  start = g_get_monotonic_time ();

  symbolizer = _detprof_symbolizer_new_for_self (&error);
  if (symbolizer == NULL)
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }

  for (k = 0; k < n; k++)
    {
      DetprofSymbol symbol = { NULL, 0, NULL };
      char expected[32];

      _detprof_symbolizer_lookup_function (symbolizer, (guintptr) table[k], &symbol);
      g_snprintf (expected, sizeof expected, "f%u", k);
      if (g_strcmp0 (symbol.name, expected) == 0)
        named++;
      _detprof_symbol_clear (&symbol);
    }

  /* One byte into each function, as a return address there would be. */
  for (k = 0; k < n; k++)
    {
      DetprofSymbol symbol = { NULL, 0, NULL };

      _detprof_symbolizer_lookup_call_site (symbolizer, (guintptr) table[k] + 1, &symbol);
      _detprof_symbol_clear (&symbol);
    }

  _detprof_symbolizer_free (symbolizer);

  end = g_get_monotonic_time ();

  printf ("%.3f %u %u\n", (end - start) / 1e6, n, named);
  dlclose (library);
  return 0;
}
