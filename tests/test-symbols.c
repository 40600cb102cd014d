/* test-symbols.c: resolving addresses of this process to file:line(function).
 *
 * Every test looks up a real function or call site of this very process,
 * whose declaration line we know: in this file (a PIE executable), in
 * libsymbols-debug (a shared library with DWARF) and in libsymbols-stripped
 * (one without any). Two small programs, built as PIE and as non-PIE,
 * do the same on themselves, since one process can only be one of the two.
 * libsymbols-many holds hundreds of functions in one compile unit.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdlib.h>

#include "detprof-symbols-private.h"
#include "symbols-fixtures/symbols-fixtures.h"
#include "symbols-fixtures/many-functions.h"

typedef struct
{
  DetprofSymbolizer *symbolizer;
  DetprofSymbol      symbol;      /* what the test looked up; cleared in teardown */
} Fixture;

static void
setup (Fixture       *fixture,
       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->symbolizer = _detprof_symbolizer_new_for_self (&error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->symbolizer);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  user_data)
{
  _detprof_symbol_clear (&fixture->symbol);
  g_clear_pointer (&fixture->symbolizer, _detprof_symbolizer_free);
}

/* The functions we resolve. Each enum holds the line of the function's
 * name, which is what DW_AT_decl_line records. */
enum { STATIC_FUNCTION_LINE = __LINE__ + 2 };
static int G_GNUC_NO_INLINE
static_function (int x)
{
  return x + 1;
}

int global_function (int x);

enum { GLOBAL_FUNCTION_LINE = __LINE__ + 2 };
int G_GNUC_NO_INLINE
global_function (int x)
{
  return x + 2;
}

static guintptr G_GNUC_NO_INLINE
return_address (void)
{
  return (guintptr) __builtin_return_address (0);
}

static void
assert_symbol (const DetprofSymbol *symbol,
               const char          *file_suffix,
               int                  line,
               const char          *name)
{
  g_assert_cmpstr (symbol->name, ==, name);
  g_assert_true (g_str_has_suffix (symbol->file, file_suffix));
  g_assert_cmpint (symbol->line, ==, line);
}

/* @file names the same file as the one the dynamic loader mapped @address
 * from, whatever symbolic links lie on either path. */
static void
assert_module_of (const char    *file,
                  gconstpointer  address)
{
  g_autofree char *real_file = NULL;
  g_autofree char *real_module = NULL;
  Dl_info info;

  g_assert_cmpint (dladdr (address, &info), !=, 0);
  real_module = realpath (info.dli_fname, NULL);
  real_file = realpath (file, NULL);
  g_assert_nonnull (real_module);
  g_assert_cmpstr (real_file, ==, real_module);
}

/* A static function of a PIE executable resolves to its own name, an
 * absolute path to this file, and the line of its declaration. */
static void
test_static_in_executable (Fixture       *fixture,
                           gconstpointer  user_data)
{
  _detprof_symbolizer_lookup_function (fixture->symbolizer,
                                       (guintptr) static_function,
                                       &fixture->symbol);

  assert_symbol (&fixture->symbol, "test-symbols.c", STATIC_FUNCTION_LINE,
                 "static_function");
  g_assert_true (g_path_is_absolute (fixture->symbol.file));
}

/* A global function resolves the same way. */
static void
test_global_in_executable (Fixture       *fixture,
                           gconstpointer  user_data)
{
  _detprof_symbolizer_lookup_function (fixture->symbolizer,
                                       (guintptr) global_function,
                                       &fixture->symbol);

  assert_symbol (&fixture->symbol, "test-symbols.c", GLOBAL_FUNCTION_LINE,
                 "global_function");
}

/* An exported function of a shared library resolves through the
 * library's own DWARF, wherever the library was loaded. */
static void
test_global_in_library (Fixture       *fixture,
                        gconstpointer  user_data)
{
  _detprof_symbolizer_lookup_function (fixture->symbolizer,
                                       (guintptr) symbols_debug_global,
                                       &fixture->symbol);

  assert_symbol (&fixture->symbol, "symbols-debug.c", symbols_debug_global_line,
                 "symbols_debug_global");
}

/* A static function of a shared library, which no dynamic symbol names,
 * still resolves through DWARF. */
static void
test_static_in_library (Fixture       *fixture,
                        gconstpointer  user_data)
{
  _detprof_symbolizer_lookup_function (fixture->symbolizer,
                                       (guintptr) symbols_debug_get_static (),
                                       &fixture->symbol);

  assert_symbol (&fixture->symbol, "symbols-debug.c", symbols_debug_static_line,
                 "debug_static");
}

/* A C function whose linkage name is an assembler label is named as its
 * source names it. */
static void
test_labelled_in_library (Fixture       *fixture,
                          gconstpointer  user_data)
{
  _detprof_symbolizer_lookup_function (fixture->symbolizer,
                                       (guintptr) symbols_debug_get_labelled (),
                                       &fixture->symbol);

  assert_symbol (&fixture->symbol, "symbols-debug.c", symbols_debug_labelled_line,
                 "debug_labelled");
}

/* The out-of-line copy of an inline function takes its name and its
 * declaration line from its abstract origin. */
static void
test_out_of_line_inline (Fixture       *fixture,
                         gconstpointer  user_data)
{
  /* The inlined use is what makes the compiler emit an abstract instance. */
  g_assert_cmpint (symbols_debug_call_inline (2), ==, 7);

  _detprof_symbolizer_lookup_function (fixture->symbolizer,
                                       (guintptr) symbols_debug_get_inline (),
                                       &fixture->symbol);

  assert_symbol (&fixture->symbol, "symbols-debug.c", symbols_debug_inline_line,
                 "debug_inline");
}

/* Runs @program from tests/symbols-fixtures and checks what it printed
 * about itself: its ELF type, then two pairs of (found, expected). */
static void
check_program (const char *program,
               const char *elf_type)
{
  g_autofree char *path = NULL;
  g_autofree char *standard_output = NULL;
  g_autofree char *standard_error = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  char *argv[] = { NULL, NULL };
  int wait_status = 0;

  path = g_test_build_filename (G_TEST_BUILT, "symbols-fixtures", program, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip_printf ("%s is not built", path);
      return;
    }

  argv[0] = path;
  g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &standard_output, &standard_error, &wait_status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (wait_status, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (standard_error, ==, "");

  lines = g_strsplit (standard_output, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 6);
  g_assert_cmpstr (lines[0], ==, elf_type);
  g_assert_cmpstr (lines[1], ==, lines[2]);
  g_assert_cmpstr (lines[3], ==, lines[4]);
  g_assert_cmpstr (lines[5], ==, "");
}

/* A PIE executable, loaded at a random address, resolves its own function
 * and call site. */
static void
test_pie_executable (Fixture       *fixture,
                     gconstpointer  user_data)
{
  check_program ("symbols-pie", "DYN");
}

/* So does a non-PIE executable, loaded where the linker put it. */
static void
test_non_pie_executable (Fixture       *fixture,
                         gconstpointer  user_data)
{
  check_program ("symbols-nopie", "EXEC");
}

/* Without DWARF, an exported function keeps its dynamic symbol's name,
 * with the library's path for a file and 0 for a line. */
static void
test_without_debug_info (Fixture       *fixture,
                         gconstpointer  user_data)
{
  _detprof_symbolizer_lookup_function (fixture->symbolizer,
                                       (guintptr) symbols_stripped_global,
                                       &fixture->symbol);

  g_assert_cmpstr (fixture->symbol.name, ==, "symbols_stripped_global");
  g_assert_cmpint (fixture->symbol.line, ==, 0);
  assert_module_of (fixture->symbol.file, symbols_stripped_global);
}

/* Without DWARF or any symbol, a function is named by its address, and
 * the library it lives in is still known. */
static void
test_without_any_symbol (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autofree char *expected_name = NULL;
  SymbolsFixtureFunc function = symbols_stripped_get_static ();

  expected_name = g_strdup_printf ("0x%" G_GINTPTR_MODIFIER "x",
                                   (guintptr) function);

  _detprof_symbolizer_lookup_function (fixture->symbolizer,
                                       (guintptr) function,
                                       &fixture->symbol);

  g_assert_cmpstr (fixture->symbol.name, ==, expected_name);
  g_assert_cmpint (fixture->symbol.line, ==, 0);
  assert_module_of (fixture->symbol.file, function);
}

/* An address in no module at all is named by itself, in file "??". */
static void
test_unknown_function (Fixture       *fixture,
                       gconstpointer  user_data)
{
  _detprof_symbolizer_lookup_function (fixture->symbolizer, 0x10,
                                       &fixture->symbol);

  assert_symbol (&fixture->symbol, "??", 0, "0x10");
  g_assert_cmpstr (fixture->symbol.file, ==, "??");
}

/* A return address resolves to the line of the call, in the function
 * that made it. */
static void
test_call_site_line (Fixture       *fixture,
                     gconstpointer  user_data)
{
  guintptr site;
  int call_line;

  call_line = __LINE__ + 1;
  site = return_address ();

  _detprof_symbolizer_lookup_call_site (fixture->symbolizer, site,
                                        &fixture->symbol);

  assert_symbol (&fixture->symbol, "test-symbols.c", call_line,
                 "test_call_site_line");
}

/* A call site in no module at all is named by its address, in file "??". */
static void
test_unknown_call_site (Fixture       *fixture,
                        gconstpointer  user_data)
{
  _detprof_symbolizer_lookup_call_site (fixture->symbolizer, 0x10,
                                        &fixture->symbol);

  assert_symbol (&fixture->symbol, "??", 0, "0x10");
  g_assert_cmpstr (fixture->symbol.file, ==, "??");
}

/* Asking twice gives the same answer, as a copy the caller owns. */
static void
test_repeated_lookups_agree (Fixture       *fixture,
                             gconstpointer  user_data)
{
  DetprofSymbol again = { NULL, 0, NULL };

  _detprof_symbolizer_lookup_function (fixture->symbolizer,
                                       (guintptr) static_function,
                                       &fixture->symbol);
  _detprof_symbolizer_lookup_function (fixture->symbolizer,
                                       (guintptr) static_function,
                                       &again);

  g_assert_cmpstr (again.name, ==, fixture->symbol.name);
  g_assert_cmpstr (again.file, ==, fixture->symbol.file);
  g_assert_cmpint (again.line, ==, fixture->symbol.line);
  g_assert_true (again.name != fixture->symbol.name);

  _detprof_symbol_clear (&again);
  g_assert_null (again.name);
  g_assert_null (again.file);
}

/* Every function of a unit of hundreds resolves to its own name and the
 * line of its declaration, in whatever order they are asked for. */
static void
test_many_functions_in_one_unit (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  guint i;

  g_assert_cmpuint (many_functions_count (), ==, MANY_FUNCTIONS_N);

  for (i = 0; i < MANY_FUNCTIONS_N; i++)
    {
      /* 131 and N have no common factor: each function once, scattered. */
      guint k = (i * 131) % MANY_FUNCTIONS_N;
      g_autofree char *name = g_strdup_printf ("f%u", k);

      g_test_message ("%s", name);
      _detprof_symbolizer_lookup_function (fixture->symbolizer,
                                           (guintptr) many_functions_table[k],
                                           &fixture->symbol);
      assert_symbol (&fixture->symbol, "many-functions.c", MANY_FUNCTIONS_LINE (k), name);
      _detprof_symbol_clear (&fixture->symbol);
    }
}

/* An address inside a function of that unit, looked up as a call site,
 * is in that function, on its line: each function is on a line of its
 * own. */
static void
test_many_functions_call_sites (Fixture       *fixture,
                                gconstpointer  user_data)
{
  guint k;

  for (k = 0; k < MANY_FUNCTIONS_N; k += 37)
    {
      g_autofree char *name = g_strdup_printf ("f%u", k);

      g_test_message ("%s", name);
      /* A return address one byte in: the "call" is the first instruction. */
      _detprof_symbolizer_lookup_call_site (fixture->symbolizer,
                                            (guintptr) many_functions_table[k] + 1,
                                            &fixture->symbol);
      assert_symbol (&fixture->symbol, "many-functions.c", MANY_FUNCTIONS_LINE (k), name);
      _detprof_symbol_clear (&fixture->symbol);
    }
}

/* Paths are normalised lexically: "//", "." and "dir/.." collapse, a
 * leading "/" or leading ".." stay. */
static void
test_normalize_path (void)
{
  static const struct { const char *path; const char *normal; } cases[] =
  {
    { "lib//compress/../common/mem.h", "lib/common/mem.h" },
    { "/usr/include/c++/12/bits/../bits/stl_vector.h", "/usr/include/c++/12/bits/stl_vector.h" },
    { "/build/./src//x.c", "/build/src/x.c" },
    { "./csu/../sysdeps/x86/libc-start.c", "sysdeps/x86/libc-start.c" },
    { "../src/x.c", "../src/x.c" },
    { "../../a/./b/../c.h", "../../a/c.h" },
    { "a/../../b.h", "../b.h" },
    { "a/b/../..", "." },
    { "a/..", "." },
    { ".", "." },
    { "./", "." },
    { "/..", "/" },
    { "/../a", "/a" },
    { "//a//b//", "/a/b" },
    { "/", "/" },
    { "a/b/", "a/b" },
    { "x.c", "x.c" },
    { "..", ".." },
    { "", "" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *normal = _detprof_path_normalize (cases[i].path);

      g_test_message ("%s", cases[i].path);
      g_assert_cmpstr (normal, ==, cases[i].normal);
    }
}

int
main (int    argc,
      char **argv)
{
  /* The stripped fixture has no debug information anywhere; with
   * DEBUGINFOD_URLS set, libdwfl would ask the network for it. */
  g_unsetenv ("DEBUGINFOD_URLS");

  g_test_init (&argc, &argv, NULL);
  g_test_summary ("Addresses of this process resolve to the file, line and name of their function or call "
                  "site, in executables and libraries, with and without debugging information.");

  g_test_add ("/symbols/function/static-in-executable-resolves", Fixture, NULL,
              setup, test_static_in_executable, teardown);
  g_test_add ("/symbols/function/global-in-executable-resolves", Fixture, NULL,
              setup, test_global_in_executable, teardown);
  g_test_add ("/symbols/function/global-in-library-resolves", Fixture, NULL,
              setup, test_global_in_library, teardown);
  g_test_add ("/symbols/function/static-in-library-resolves", Fixture, NULL,
              setup, test_static_in_library, teardown);
  g_test_add ("/symbols/function/labelled-in-library-takes-its-source-name", Fixture, NULL,
              setup, test_labelled_in_library, teardown);
  g_test_add ("/symbols/function/out-of-line-copy-of-inline-takes-its-origins-name", Fixture, NULL,
              setup, test_out_of_line_inline, teardown);
  g_test_add ("/symbols/executable/pie-resolves-itself", Fixture, NULL,
              NULL, test_pie_executable, NULL);
  g_test_add ("/symbols/executable/non-pie-resolves-itself", Fixture, NULL,
              NULL, test_non_pie_executable, NULL);
  g_test_add ("/symbols/function/without-debug-info-keeps-its-symbol-name", Fixture, NULL,
              setup, test_without_debug_info, teardown);
  g_test_add ("/symbols/function/without-any-symbol-is-named-by-its-address", Fixture, NULL,
              setup, test_without_any_symbol, teardown);
  g_test_add ("/symbols/function/at-unknown-address-is-named-by-it", Fixture, NULL,
              setup, test_unknown_function, teardown);
  g_test_add ("/symbols/call-site/is-the-line-of-the-call", Fixture, NULL,
              setup, test_call_site_line, teardown);
  g_test_add ("/symbols/call-site/at-unknown-address-is-named-by-it", Fixture, NULL,
              setup, test_unknown_call_site, teardown);
  g_test_add ("/symbols/lookup/repeated-lookups-agree", Fixture, NULL,
              setup, test_repeated_lookups_agree, teardown);
  g_test_add ("/symbols/unit/many-functions-each-resolve", Fixture, NULL,
              setup, test_many_functions_in_one_unit, teardown);
  g_test_add ("/symbols/unit/many-functions-call-sites-resolve", Fixture, NULL,
              setup, test_many_functions_call_sites, teardown);
  g_test_add_func ("/symbols/path/is-normalized-lexically", test_normalize_path);

  return g_test_run ();
}
