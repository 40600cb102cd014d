// cxx-names-debug.cc: the C++ a profile meets, built with g++ -g -O2, for
// test-cxx-names: a namespace, a class and its method, a class template
// and a function template, operators, an anonymous namespace, a lambda,
// functions of libstdc++'s headers, and calls into an explicit
// instantiation that lives in a library without debug information.
//
// Each *_LINE holds the line of a function's name in its definition (in
// its declaration when the code is elsewhere), which is what
// DW_AT_decl_line records. Addresses of member functions
// are taken through pointers to members, whose first word is the
// function's address for a non-virtual function in the Itanium C++ ABI.
#include <cstring>
#include <string>
#include <vector>

#include "cxx-fixtures.h"
#include "cxx-names-store.hh"

namespace cxxfix
{
  enum { FREE_FUNCTION_LINE = __LINE__ + 2 };
  __attribute__ ((noinline)) int
  free_function (int x)
  {
    return x * 7 + 1;
  }

  class Widget
  {
  public:
    explicit Widget (int size) : size_ (size) {}
    int draw (int scale) const;

  private:
    int size_;
  };

  // Defined outside its class: DWARF then gives the definition's line.
  enum { DRAW_LINE = __LINE__ + 2 };
  __attribute__ ((noinline)) int
  Widget::draw (int scale) const
  {
    return size_ * scale;
  }

  template <typename T>
  class Box
  {
  public:
    explicit Box (T value) : value_ (value) {}
    enum { AREA_LINE = __LINE__ + 1 };
    __attribute__ ((noinline)) T area () const { return value_ * value_; }
    enum { PLUS_LINE = __LINE__ + 1 };
    __attribute__ ((noinline)) Box operator+ (const Box &other) const { return Box (value_ + other.value_); }
    T value () const { return value_; }

  private:
    T value_;
  };

  enum { LESS_LINE = __LINE__ + 2 };
  template <typename T> __attribute__ ((noinline)) bool
  operator< (const Box<T> &a, const Box<T> &b)
  {
    return a.value () < b.value ();
  }

  enum { TWICE_LINE = __LINE__ + 2 };
  template <typename T> __attribute__ ((noinline)) T
  twice (T x)
  {
    return x + x;
  }

  namespace
  {
    enum { HELPER_LINE = __LINE__ + 2 };
    __attribute__ ((noinline)) int
    helper (int x)
    {
      return x - 3;
    }
  }

  const void *lambda_address;

  // The whole lambda on one line: GCC declares its body nowhere, and the
  // symbolizer takes the line of its first instruction.
  enum { LAMBDA_LINE = __LINE__ + 4 };
  static int
  lambda_user (int k)
  {
    auto scale = [k] (int x) __attribute__ ((noinline)) { return x * k; };
    const void *address;
    auto member = &decltype (scale)::operator();

    std::memcpy (&address, &member, sizeof address);
    lambda_address = address;
    return scale (k);
  }

  __attribute__ ((noinline)) static const void *
  return_address ()
  {
    return __builtin_return_address (0);
  }

  enum { CALL_SITE_MAKER_LINE = __LINE__ + 2 };
  __attribute__ ((noinline)) const void *
  call_site_maker (int *line)
  {
    const void *site;

    *line = __LINE__ + 1;
    site = return_address ();
    // Keeps the call from being a tail jump, which returns elsewhere.
    __asm__ __volatile__ ("" : : "r" (site) : "memory");
    return site;
  }

  // Uses std::string, std::vector and Store<int>, whose functions live in
  // the libraries' headers, in libstdc++.so and in libcxx-names-store.
  static int
  use_libraries (int n)
  {
    std::vector<int> numbers;
    std::string text ("detprof");
    Store<int> store (n);

    for (int i = 0; i < n; i++)
      numbers.push_back (i);
    text += std::to_string (numbers.size ());
    store.put (static_cast<int> (text.size ()));
    return store.total ();
  }
}

template <typename Member>
static const void *
member_address (Member member)
{
  const void *address;

  static_assert (sizeof member >= sizeof address, "an Itanium pointer to member");
  std::memcpy (&address, &member, sizeof address);
  return address;
}

extern "C"
{
  const int cxx_fixture_free_function_line = cxxfix::FREE_FUNCTION_LINE;
  const int cxx_fixture_method_line = cxxfix::DRAW_LINE;
  const int cxx_fixture_template_method_line = cxxfix::Box<int>::AREA_LINE;
  const int cxx_fixture_template_function_line = cxxfix::TWICE_LINE;
  const int cxx_fixture_member_operator_line = cxxfix::Box<int>::PLUS_LINE;
  const int cxx_fixture_free_operator_line = cxxfix::LESS_LINE;
  const int cxx_fixture_anonymous_line = cxxfix::HELPER_LINE;
  const int cxx_fixture_lambda_line = cxxfix::LAMBDA_LINE;
  const int cxx_fixture_call_site_maker_line = cxxfix::CALL_SITE_MAKER_LINE;
  const int cxx_fixture_store_constructor_line = cxxfix::Store<int>::CONSTRUCTOR_LINE;
  const int cxx_fixture_store_put_line = cxxfix::Store<int>::PUT_LINE;
  const int cxx_fixture_store_destructor_line = cxxfix::Store<int>::DESTRUCTOR_LINE;

  const void *
  cxx_fixture_free_function (void)
  {
    return reinterpret_cast<const void *> (&cxxfix::free_function);
  }

  const void *
  cxx_fixture_method (void)
  {
    return member_address (&cxxfix::Widget::draw);
  }

  const void *
  cxx_fixture_template_method (void)
  {
    return member_address (&cxxfix::Box<int>::area);
  }

  const void *
  cxx_fixture_template_function (void)
  {
    return reinterpret_cast<const void *> (&cxxfix::twice<double>);
  }

  const void *
  cxx_fixture_member_operator (void)
  {
    return member_address (&cxxfix::Box<int>::operator+);
  }

  const void *
  cxx_fixture_free_operator (void)
  {
    bool (*less) (const cxxfix::Box<int> &, const cxxfix::Box<int> &) = &cxxfix::operator<;

    return reinterpret_cast<const void *> (less);
  }

  const void *
  cxx_fixture_anonymous (void)
  {
    return reinterpret_cast<const void *> (&cxxfix::helper);
  }

  const void *
  cxx_fixture_lambda (void)
  {
    cxxfix::lambda_user (2);
    return cxxfix::lambda_address;
  }

  const void *
  cxx_fixture_vector_push_back (void)
  {
    void (std::vector<int>::*push_back) (const int &) = &std::vector<int>::push_back;

    return member_address (push_back);
  }

  const void *
  cxx_fixture_string_size (void)
  {
    return member_address (&std::string::size);
  }

  const void *
  cxx_fixture_store_put (void)
  {
    return member_address (&cxxfix::Store<int>::put);
  }

  const void *
  cxx_fixture_call_site (int *line)
  {
    return cxxfix::call_site_maker (line);
  }

  int
  cxx_fixture_run (int n)
  {
    cxxfix::Widget widget (n);
    cxxfix::Box<int> a (n), b (n + 1);

    return cxxfix::free_function (n) + widget.draw (2) + (a + b).area ()
           + (a < b) + static_cast<int> (cxxfix::twice (0.5 * n))
           + cxxfix::helper (n) + cxxfix::lambda_user (n) + cxxfix::use_libraries (n);
  }
}
