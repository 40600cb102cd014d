// cxx-names-store.hh: a class template whose instantiation for int lives
// in a library without debug information (libcxx-names-store), as
// std::basic_string<char> lives in libstdc++.so. Its members are defined
// in the class, as most of libstdc++'s are.
#pragma once

namespace cxxfix
{
  template <typename T>
  class Store
  {
  public:
    enum { CONSTRUCTOR_LINE = __LINE__ + 1 };
    explicit Store (T first) : sum (first) {}
    enum { DESTRUCTOR_LINE = __LINE__ + 1 };
    ~Store () { sum = T (); }

    enum { PUT_LINE = __LINE__ + 1 };
    void put (T value) { sum += value; }
    T total () const { return sum; }

  private:
    T sum;
  };

  // Every user but libcxx-names-store calls the instantiation there.
  extern template class Store<int>;
}
