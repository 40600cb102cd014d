/* symbols-fixtures.h: functions in shared libraries for test-symbols to resolve.
 *
 * libsymbols-debug is built like any library, with -g. libsymbols-stripped
 * is linked with -Wl,--strip-all: no DWARF and no .symtab, only the
 * dynamic symbols that the loader itself needs.
 */
#pragma once

typedef int (*SymbolsFixtureFunc) (int x);

/* libsymbols-debug. Each *_line holds the line of the function's name,
 * which is what DW_AT_decl_line records. */
int                symbols_debug_global (int x);
SymbolsFixtureFunc symbols_debug_get_static (void);
SymbolsFixtureFunc symbols_debug_get_inline (void);
int                symbols_debug_call_inline (int x);
SymbolsFixtureFunc symbols_debug_get_labelled (void);

extern const int symbols_debug_global_line;
extern const int symbols_debug_static_line;
extern const int symbols_debug_inline_line;
extern const int symbols_debug_labelled_line;

/* libsymbols-stripped */
int                symbols_stripped_global (int x);
SymbolsFixtureFunc symbols_stripped_get_static (void);
