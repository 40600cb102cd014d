/* detprof-symbols-private.h: resolving code addresses of this process to
 * (file, line, function), with elfutils' libdwfl.
 *
 * Resolution happens once per distinct address, when a profile is written,
 * never while profiling.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _DetprofSymbolizer DetprofSymbolizer;

typedef struct
{
  char *file;      /* owned: source file, or the module's path without debug info */
  int   line;      /* declaration line of a function, or the line of an address; 0 if unknown */
  char *name;      /* owned: the function's name; "0x..." when nothing is known */
} DetprofSymbol;

void                _detprof_symbol_clear (DetprofSymbol *symbol);

/* The same answer, borrowed: its strings belong to the symbolizer and
 * stay valid until it is freed. What a profile of many functions uses,
 * since copying and freeing every answer costs about as much as finding
 * it. */
typedef struct
{
  const char *file;
  int         line;
  const char *name;
} DetprofSymbolView;

/* The C++ name that the Itanium-mangled @mangled ("_Z...") stands for,
 * from the C++ runtime's demangler: with its parameter list if
 * @with_parameters, else as _detprof_symbol_strip_parameters () leaves it.
 * NULL if @mangled is not a mangled name, or no demangler could be loaded
 * (the caller then shows @mangled as it is). */
char               *_detprof_symbol_demangle (const char *mangled,
                                              gboolean    with_parameters);

/* A demangled function name without its return type and parameter list:
 * "void ns::Box<int>::put(int) const" becomes "ns::Box<int>::put". See the
 * rule in detprof-symbols.c. NULL if @demangled does not have the shape of
 * a function's name that it knows, which the caller keeps whole. */
char               *_detprof_symbol_strip_parameters (const char *demangled);

/* @path with "//", "." and "dir/.." collapsed, lexically (symbolic links
 * are not looked at): "lib//compress/../common/mem.h" is "lib/common/mem.h".
 * A leading "/" stays, and so do leading ".." of a relative path; "/.."
 * is "/", and a path that collapses to nothing is ".". */
char               *_detprof_path_normalize (const char *path);

/* A symbolizer for the calling process: the executable and every shared
 * library mapped when this is called, PIE or not. */
DetprofSymbolizer  *_detprof_symbolizer_new_for_self (GError **error);
void                _detprof_symbolizer_free (DetprofSymbolizer *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DetprofSymbolizer, _detprof_symbolizer_free)

/* @address is a function's entry point (what -finstrument-functions passes
 * as this_fn). Fills @out with the function's declaration file and line
 * and its name, following DW_AT_abstract_origin / DW_AT_specification for
 * out-of-line copies of inline functions; static functions included. C++
 * names are demangled from the linkage name (see detprof-symbols.c for
 * their form). With no DWARF: the ELF symbol's name, and the file and line
 * where another module's DWARF declares that (C++) symbol, else the module
 * path and line 0. With no symbol at all: name "0x<hex>" and the module
 * path (or "??"). Never fails. */
void                _detprof_symbolizer_lookup_function (DetprofSymbolizer *self,
                                                         guintptr           address,
                                                         DetprofSymbol     *out);

/* The same as _detprof_symbolizer_lookup_function (), borrowed. */
void                _detprof_symbolizer_find_function (DetprofSymbolizer *self,
                                                       guintptr           address,
                                                       DetprofSymbolView *out);

/* Whether @address lies in a module this symbolizer knows: one mapped
 * after it was made does not. */
gboolean            _detprof_symbolizer_knows_address (DetprofSymbolizer *self,
                                                       guintptr           address);

/* @address is a return address (a call site as the hook receives it).
 * Fills @out with the source file and line of the call instruction (the
 * address minus one) and the name of the function containing it, the
 * same name that _detprof_symbolizer_lookup_function () gives its entry. */
void                _detprof_symbolizer_lookup_call_site (DetprofSymbolizer *self,
                                                          guintptr           address,
                                                          DetprofSymbol     *out);

/* The same as _detprof_symbolizer_lookup_call_site (), borrowed. */
void                _detprof_symbolizer_find_call_site (DetprofSymbolizer *self,
                                                        guintptr           address,
                                                        DetprofSymbolView *out);

/* Where the DWARF of some module of the process declares the C++ function
 * whose linkage name is @mangled, or another name of the same function
 * (a complete and a base constructor are two symbols of one declaration).
 * Fills @out->file and @out->line and returns TRUE; FALSE if no module
 * declares it. */
gboolean            _detprof_symbolizer_lookup_declaration (DetprofSymbolizer *self,
                                                            const char        *mangled,
                                                            DetprofSymbol     *out);

G_END_DECLS
