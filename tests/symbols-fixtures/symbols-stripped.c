/* symbols-stripped.c: a shared library linked with -Wl,--strip-all, for
 * test-symbols. Its exported function keeps a name in .dynsym; its static
 * function keeps nothing at all but an address. */
#include "config.h"

#include "symbols-fixtures.h"

int
symbols_stripped_global (int x)
{
  return x + 1;
}

static int
stripped_static (int x)
{
  return x + 2;
}

SymbolsFixtureFunc
symbols_stripped_get_static (void)
{
  return stripped_static;
}
