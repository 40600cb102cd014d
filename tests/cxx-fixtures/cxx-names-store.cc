// cxx-names-store.cc: the one instantiation of cxxfix::Store<int>, in a
// library linked with --strip-all, like a libstdc++.so without its
// debug symbols.
#include "cxx-names-store.hh"

namespace cxxfix
{
  template class Store<int>;

  // Declared in no header and no debug information: only a symbol names
  // them, and only their parameters tell them apart.
  int
  store_only (int x)
  {
    return x + 1;
  }

  double
  store_only (double x)
  {
    return x + 0.5;
  }
}
