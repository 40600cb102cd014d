/* symbols-program.c: resolves a function and a call site in itself, for
 * test-symbols, which runs it built twice: as a PIE (loaded anywhere, so
 * every address carries a load bias) and as a non-PIE executable (loaded
 * where the linker put it, no bias).
 *
 * It prints five lines: the ELF type of its own file (DYN for a PIE, EXEC
 * otherwise), then, for the function and for the call site, what the
 * symbolizer found and what it should have found, as "file:line(name)"
 * with the file's base name.
 */
#include "config.h"

#include <elf.h>
#include <stdio.h>

#include "detprof-symbols-private.h"

/* The type field of our own ELF header, from /proc/self/exe. */
static const char *
own_elf_type (void)
{
  Elf64_Ehdr header;
  FILE *file;
  size_t n_read;

  file = fopen ("/proc/self/exe", "rb");
  if (file == NULL)
    return "unknown";

  n_read = fread (&header, sizeof header, 1, file);
  fclose (file);
  if (n_read != 1)
    return "unknown";

  switch (header.e_type)
    {
    case ET_DYN:
      return "DYN";
    case ET_EXEC:
      return "EXEC";
    default:
      return "other";
    }
}

static void
print_symbol (const char *file,
              int         line,
              const char *name)
{
  g_autofree char *base = g_path_get_basename (file);

  printf ("%s:%d(%s)\n", base, line, name);
}

enum { PROGRAM_FUNCTION_LINE = __LINE__ + 2 };
static int G_GNUC_NO_INLINE
program_function (int x)
{
  return x + 1;
}

static guintptr G_GNUC_NO_INLINE
return_address (void)
{
  return (guintptr) __builtin_return_address (0);
}

int
main (void)
{
  g_autoptr(DetprofSymbolizer) symbolizer = NULL;
  g_autoptr(GError) error = NULL;
  DetprofSymbol symbol = { NULL, 0, NULL };
  guintptr site;
  int call_line;

  call_line = __LINE__ + 1;
  site = return_address ();

  symbolizer = _detprof_symbolizer_new_for_self (&error);
  if (symbolizer == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  printf ("%s\n", own_elf_type ());

  _detprof_symbolizer_lookup_function (symbolizer, (guintptr) program_function,
                                       &symbol);
  print_symbol (symbol.file, symbol.line, symbol.name);
  print_symbol (__FILE__, PROGRAM_FUNCTION_LINE, "program_function");
  _detprof_symbol_clear (&symbol);

  _detprof_symbolizer_lookup_call_site (symbolizer, site, &symbol);
  print_symbol (symbol.file, symbol.line, symbol.name);
  print_symbol (__FILE__, call_line, "main");
  _detprof_symbol_clear (&symbol);

  return 0;
}
