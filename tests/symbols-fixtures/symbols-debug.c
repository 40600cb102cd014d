/* symbols-debug.c: a shared library with debug information, for test-symbols.
 *
 * It holds the three kinds of function a profile meets in a library: an
 * exported one, a static one, and the out-of-line copy of an inline
 * function, which has no name or line of its own in DWARF but points to
 * its abstract instance with DW_AT_abstract_origin.
 */
#include "config.h"

#include "symbols-fixtures.h"

const int symbols_debug_global_line = __LINE__ + 2;
int
symbols_debug_global (int x)
{
  return x + 1;
}

const int symbols_debug_static_line = __LINE__ + 2;
static int
debug_static (int x)
{
  return x + 2;
}

SymbolsFixtureFunc
symbols_debug_get_static (void)
{
  return debug_static;
}

/* always_inline makes GCC inline it even at -O0, so that the abstract
 * instance exists whatever CFLAGS are; taking its address below then forces
 * a concrete, out-of-line copy that refers to it. */
const int symbols_debug_inline_line = __LINE__ + 2;
static inline __attribute__ ((always_inline)) int
debug_inline (int x)
{
  return 3 * x;
}

int
symbols_debug_call_inline (int x)
{
  return debug_inline (x) + 1;
}

SymbolsFixtureFunc
symbols_debug_get_inline (void)
{
  return debug_inline;
}

/* A C function with an assembler label, as glibc gives its functions
 * internal aliases: DWARF then gives the label as its linkage name, and
 * the name in the source is still the one to show. */
int debug_labelled (int x) __asm__ ("debug_labelled_internal_alias");

const int symbols_debug_labelled_line = __LINE__ + 2;
int
debug_labelled (int x)
{
  return x + 4;
}

SymbolsFixtureFunc
symbols_debug_get_labelled (void)
{
  return debug_labelled;
}
