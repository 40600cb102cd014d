/* test-cxx-names.c: C++ functions are reported as C++ reads.
 *
 * Names are demangled from the linkage name and shown qualified, without
 * the parameter list (see the rule in detprof-symbols.c); functions of a
 * library without debug information take the file and line where another
 * module's DWARF declares them. The functions looked up are real ones of
 * this process: libcxx-names-debug (g++ -g -O2), libcxx-names-store (an
 * explicit instantiation, with no debug information) and libstdc++.so.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdlib.h>

#include "detprof-symbols-private.h"
#include "cxx-fixtures/cxx-fixtures.h"

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

  /* Makes the compiler keep every function, and runs the lambda, whose
   * address is known only once it has run. */
  g_assert_cmpint (cxx_fixture_run (3), !=, 0);

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

/* @path is absolute and lexically normal: no "//", "/./" or "/../". */
static void
assert_normal_path (const char *path)
{
  g_assert_true (g_path_is_absolute (path));
  g_assert_null (strstr (path, "//"));
  g_assert_null (strstr (path, "/./"));
  g_assert_null (strstr (path, "/../"));
}

/* The code at @address was loaded from a file whose name ends with @suffix. */
static void
assert_in_module (gconstpointer  address,
                  const char    *suffix)
{
  g_autofree char *real_module = NULL;
  Dl_info info;

  g_assert_cmpint (dladdr (address, &info), !=, 0);
  real_module = realpath (info.dli_fname, NULL);
  g_assert_nonnull (real_module);
  if (!g_str_has_suffix (real_module, suffix))
    g_error ("%p is in %s, not in %s", address, real_module, suffix);
}

static void
lookup_and_assert (Fixture       *fixture,
                   gconstpointer  address,
                   const char    *file_suffix,
                   int            line,
                   const char    *name)
{
  g_assert_nonnull (address);

  _detprof_symbolizer_lookup_function (fixture->symbolizer, (guintptr) address,
                                       &fixture->symbol);

  g_assert_cmpstr (fixture->symbol.name, ==, name);
  if (!g_str_has_suffix (fixture->symbol.file, file_suffix))
    g_error ("%s is not in a file ending with %s", fixture->symbol.file, file_suffix);
  assert_normal_path (fixture->symbol.file);
  if (line > 0)
    g_assert_cmpint (fixture->symbol.line, ==, line);
  else
    g_assert_cmpint (fixture->symbol.line, >, 0);
}

/* ---- the name rule, on the demangler's own output ---- */

typedef struct
{
  const char *demangled;
  const char *shown;      /* NULL: the shape is not known, and the name is kept whole */
} StripCase;

static const StripCase strip_cases[] =
{
  { "ns::Widget<int>::draw(int) const", "ns::Widget<int>::draw" },
  { "cxxfix::free_function(int)", "cxxfix::free_function" },
  { "void std::vector<int, std::allocator<int> >::_M_realloc_insert<int>(__gnu_cxx::__normal_iterator<int*, std::vector<int, std::allocator<int> > >, int&&)",
    "std::vector<int, std::allocator<int> >::_M_realloc_insert<int>" },
  { "std::enable_if<std::__is_bitwise_relocatable<int, void>::value, int*>::type std::__relocate_a_1<int, int>(int*, int*, int*, std::allocator<int>&)",
    "std::__relocate_a_1<int, int>" },
  { "decltype (({parm#1}.begin)()) ns::beg<std::vector<int, std::allocator<int> > >(std::vector<int, std::allocator<int> >&)",
    "ns::beg<std::vector<int, std::allocator<int> > >" },
  { "void ns::g<(char)3>()", "ns::g<(char)3>" },
  /* Operators, whose "<" and ">" open and close nothing. */
  { "ns::Box<int>::operator<(ns::Box<int> const&) const", "ns::Box<int>::operator<" },
  { "bool ns::operator< <int>(ns::Box<int> const&, int)", "ns::operator< <int>" },
  { "std::ostream& ns::operator<< <char>(std::ostream&, ns::Box<char> const&)", "ns::operator<< <char>" },
  { "ns::Box<int>::operator>>=(int)", "ns::Box<int>::operator>>=" },
  { "ns::Box<int>::operator->()", "ns::Box<int>::operator->" },
  { "ns::Box<int>::operator()(int, int)", "ns::Box<int>::operator()" },
  { "ns::Box<int>::operator,(int)", "ns::Box<int>::operator," },
  { "ns::Box<int>::operator--(int)", "ns::Box<int>::operator--" },
  { "ns::Box<int>::operator<=>(ns::Box<int> const&) const", "ns::Box<int>::operator<=>" },
  { "std::vector<int, std::allocator<int> >::operator[](unsigned long)", "std::vector<int, std::allocator<int> >::operator[]" },
  { "ns::Box<int>::operator bool() const", "ns::Box<int>::operator bool" },
  { "ns::Box<int>::operator std::vector<int, std::allocator<int> >() const",
    "ns::Box<int>::operator std::vector<int, std::allocator<int> >" },
  { "ns::Box<int>::operator char const*() const", "ns::Box<int>::operator char const*" },
  { "operator new(unsigned long)", "operator new" },
  { "operator delete[](void*)", "operator delete[]" },
  { "ns::operator\"\" _km(unsigned long long)", "ns::operator\"\" _km" },
  /* Constructors, destructors, anonymous namespaces, lambdas. */
  { "ns::A::~A()", "ns::A::~A" },
  { "ns::(anonymous namespace)::hidden(int)", "ns::(anonymous namespace)::hidden" },
  { "(anonymous namespace)::helper()", "(anonymous namespace)::helper" },
  { "main::{lambda(int)#1}::operator()(int) const", "main::{lambda(int)#1}::operator()" },
  { "ns::A::foo() const::{lambda()#1}::operator()() const", "ns::A::foo() const::{lambda()#1}::operator()" },
  { "ns::f(int (*)(double))", "ns::f" },
  /* Tags go, clones stay, thunks say what they are. */
  { "geo::describe[abi:cxx11](std::vector<int, std::allocator<int> > const&)", "geo::describe" },
  { "geo::work(int) [clone .constprop.0]", "geo::work [clone .constprop.0]" },
  { "geo::work(int) [clone .isra.0] [clone .cold]", "geo::work [clone .isra.0] [clone .cold]" },
  { "non-virtual thunk to ns::C::f(int)", "non-virtual thunk to ns::C::f" },
  /* Shapes kept whole. */
  { "void (*ns::pick<int>(int))(double)", NULL },
  { "vtable for ns::A", NULL },
  { "ns::counter", NULL },
  { "ns::broken(int", NULL },
  { "ns::broken>(int)", NULL },
};

/* Return types and parameter lists go; what is inside the name stays. */
static void
test_strip_parameters (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (strip_cases); i++)
    {
      g_autofree char *shown = _detprof_symbol_strip_parameters (strip_cases[i].demangled);

      g_test_message ("%s", strip_cases[i].demangled);
      g_assert_cmpstr (shown, ==, strip_cases[i].shown);
    }
}

/* A name cut anywhere (a corrupt symbol table) is read without reading
 * past its end: each prefix of each case gives a name or NULL. */
static void
test_strip_truncated (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (strip_cases); i++)
    {
      gsize length = strlen (strip_cases[i].demangled);
      gsize cut;

      for (cut = 0; cut <= length; cut++)
        {
          g_autofree char *prefix = g_strndup (strip_cases[i].demangled, cut);
          g_autofree char *shown = _detprof_symbol_strip_parameters (prefix);

          g_assert_true (shown == NULL || strlen (shown) <= cut);
        }
    }
}

typedef struct
{
  const char *mangled;
  const char *without_parameters;
  const char *with_parameters;
} DemangleCase;

/* Mangled names go through the C++ runtime's demangler; the form with
 * parameters, used where no line is known, drops only the return type
 * and ABI tags. Names that are not C++ symbols are not demangled. */
static void
test_demangle (void)
{
  static const DemangleCase cases[] =
  {
    { "_ZNK6cxxfix6Widget4drawEi", "cxxfix::Widget::draw", "cxxfix::Widget::draw(int) const" },
    { "_ZNSt6vectorIiSaIiEE17_M_realloc_insertIJiEEEvN9__gnu_cxx17__normal_iteratorIPiS1_EEDpOT_",
      "std::vector<int, std::allocator<int> >::_M_realloc_insert<int>",
      "std::vector<int, std::allocator<int> >::_M_realloc_insert<int>(__gnu_cxx::__normal_iterator<int*, std::vector<int, std::allocator<int> > >, int&&)" },
    { "_ZN3geo8describeB5cxx11ERKSt6vectorIiSaIiEE", "geo::describe",
      "geo::describe(std::vector<int, std::allocator<int> > const&)" },
    { "_ZZ4mainENKUliE_clEi", "main::{lambda(int)#1}::operator()", "main::{lambda(int)#1}::operator()(int) const" },
    { "_ZN3geo12_GLOBAL__N_16hiddenEi", "geo::(anonymous namespace)::hidden", "geo::(anonymous namespace)::hidden(int)" },
    { "_ZN3geo4workEi.constprop.0", "geo::work [clone .constprop.0]", "geo::work(int) [clone .constprop.0]" },
    { "_ZNSaIcEC2Ev", "std::allocator<char>::allocator", "std::allocator<char>::allocator()" },
  };
  static const char *const not_cxx[] = { "main", "fib.constprop.0", "_Z", "_Zgarbage", "__Z3foov" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *without = _detprof_symbol_demangle (cases[i].mangled, FALSE);
      g_autofree char *with = _detprof_symbol_demangle (cases[i].mangled, TRUE);

      g_assert_cmpstr (without, ==, cases[i].without_parameters);
      g_assert_cmpstr (with, ==, cases[i].with_parameters);
    }

  for (i = 0; i < G_N_ELEMENTS (not_cxx); i++)
    {
      g_autofree char *name = _detprof_symbol_demangle (not_cxx[i], FALSE);

      g_assert_null (name);
    }
}

/* ---- functions with debug information ---- */

/* A function in a namespace is qualified by it. */
static void
test_namespace_function (Fixture       *fixture,
                         gconstpointer  user_data)
{
  lookup_and_assert (fixture, cxx_fixture_free_function (), "cxx-fixtures/cxx-names-debug.cc",
                     cxx_fixture_free_function_line, "cxxfix::free_function");
}

/* A method, defined outside its class, is named by its class and takes
 * the line of its definition, where its code is. */
static void
test_method (Fixture       *fixture,
             gconstpointer  user_data)
{
  lookup_and_assert (fixture, cxx_fixture_method (), "cxx-fixtures/cxx-names-debug.cc",
                     cxx_fixture_method_line, "cxxfix::Widget::draw");
}

/* A method of a class template names the template's arguments. */
static void
test_class_template_method (Fixture       *fixture,
                            gconstpointer  user_data)
{
  lookup_and_assert (fixture, cxx_fixture_template_method (), "cxx-fixtures/cxx-names-debug.cc",
                     cxx_fixture_template_method_line, "cxxfix::Box<int>::area");
}

/* So does a function template, without its return type. */
static void
test_function_template (Fixture       *fixture,
                        gconstpointer  user_data)
{
  lookup_and_assert (fixture, cxx_fixture_template_function (), "cxx-fixtures/cxx-names-debug.cc",
                     cxx_fixture_template_function_line, "cxxfix::twice<double>");
}

/* An operator is named as it is written. */
static void
test_member_operator (Fixture       *fixture,
                      gconstpointer  user_data)
{
  lookup_and_assert (fixture, cxx_fixture_member_operator (), "cxx-fixtures/cxx-names-debug.cc",
                     cxx_fixture_member_operator_line, "cxxfix::Box<int>::operator+");
}

/* An operator template keeps the space that the demangler puts between
 * "operator<" and its template arguments. */
static void
test_operator_template (Fixture       *fixture,
                        gconstpointer  user_data)
{
  lookup_and_assert (fixture, cxx_fixture_free_operator (), "cxx-fixtures/cxx-names-debug.cc",
                     cxx_fixture_free_operator_line, "cxxfix::operator< <int>");
}

/* A function of an anonymous namespace says so. */
static void
test_anonymous_namespace (Fixture       *fixture,
                          gconstpointer  user_data)
{
  lookup_and_assert (fixture, cxx_fixture_anonymous (), "cxx-fixtures/cxx-names-debug.cc",
                     cxx_fixture_anonymous_line, "cxxfix::(anonymous namespace)::helper");
}

/* A lambda's body is named by the function it is in, whose parameters
 * tell the lambdas of overloads apart; GCC declares it nowhere, and its
 * line is the one of its code. */
static void
test_lambda (Fixture       *fixture,
             gconstpointer  user_data)
{
  lookup_and_assert (fixture, cxx_fixture_lambda (), "cxx-fixtures/cxx-names-debug.cc",
                     cxx_fixture_lambda_line,
                     "cxxfix::lambda_user(int)::{lambda(int)#1}::operator()");
}

/* A function of libstdc++'s headers, instantiated in the library that
 * uses it, is named and placed in the header. */
static void
test_header_function (Fixture       *fixture,
                      gconstpointer  user_data)
{
  lookup_and_assert (fixture, cxx_fixture_vector_push_back (), "bits/stl_vector.h", 0,
                     "std::vector<int, std::allocator<int> >::push_back");
}

/* std::string's functions live in libstdc++.so, which has no debug
 * information unless its debug symbols are installed: the declaration in
 * our library's DWARF then gives the header's file and line. */
static void
test_libstdcxx_function (Fixture       *fixture,
                         gconstpointer  user_data)
{
  lookup_and_assert (fixture, cxx_fixture_string_size (), "bits/basic_string.h", 0,
                     "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >::size");
}

/* ---- symbols declared only in another module ---- */

/* A method of an explicit instantiation in a library without debug
 * information takes the declaration's file and line from the DWARF of the
 * library that calls it, as std::string's functions do. */
static void
test_declared_elsewhere (Fixture       *fixture,
                         gconstpointer  user_data)
{
  assert_in_module (cxx_fixture_store_put (), "libcxx-names-store.so");
  lookup_and_assert (fixture, cxx_fixture_store_put (), "cxx-fixtures/cxx-names-store.hh",
                     cxx_fixture_store_put_line, "cxxfix::Store<int>::put");
}

/* GCC declares a constructor under a symbol no code has (C4); the code's
 * symbols (C1, C2) are found by their demangled signature, and so are the
 * destructor's. */
static void
test_declared_under_another_symbol (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  gconstpointer constructor = dlsym (RTLD_DEFAULT, "_ZN6cxxfix5StoreIiEC1Ei");
  gconstpointer destructor = dlsym (RTLD_DEFAULT, "_ZN6cxxfix5StoreIiED1Ev");

  assert_in_module (constructor, "libcxx-names-store.so");
  assert_in_module (destructor, "libcxx-names-store.so");
  lookup_and_assert (fixture, constructor, "cxx-fixtures/cxx-names-store.hh",
                     cxx_fixture_store_constructor_line, "cxxfix::Store<int>::Store");
  _detprof_symbol_clear (&fixture->symbol);
  lookup_and_assert (fixture, destructor, "cxx-fixtures/cxx-names-store.hh",
                     cxx_fixture_store_destructor_line, "cxxfix::Store<int>::~Store");
}

/* The declaration is found by its linkage name directly too. */
static void
test_lookup_declaration (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_assert_true (_detprof_symbolizer_lookup_declaration (fixture->symbolizer,
                                                         "_ZN6cxxfix5StoreIiE3putEi",
                                                         &fixture->symbol));
  g_assert_true (g_str_has_suffix (fixture->symbol.file, "cxx-fixtures/cxx-names-store.hh"));
  g_assert_cmpint (fixture->symbol.line, ==, cxx_fixture_store_put_line);

  g_assert_false (_detprof_symbolizer_lookup_declaration (fixture->symbolizer,
                                                          "_ZN6cxxfix10store_onlyEi",
                                                          &fixture->symbol));
  g_assert_false (_detprof_symbolizer_lookup_declaration (fixture->symbolizer,
                                                          "not_a_symbol",
                                                          &fixture->symbol));
}

/* A symbol that no module declares has no line: it keeps its parameters,
 * which alone tell its overloads apart, and the library's path. */
static void
test_undeclared_keeps_parameters (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  static const struct { const char *symbol; const char *name; } cases[] =
  {
    { "_ZN6cxxfix10store_onlyEi", "cxxfix::store_only(int)" },
    { "_ZN6cxxfix10store_onlyEd", "cxxfix::store_only(double)" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gconstpointer address = dlsym (RTLD_DEFAULT, cases[i].symbol);
      g_autofree char *real_file = NULL;

      g_assert_nonnull (address);
      _detprof_symbol_clear (&fixture->symbol);
      _detprof_symbolizer_lookup_function (fixture->symbolizer, (guintptr) address,
                                           &fixture->symbol);

      g_assert_cmpstr (fixture->symbol.name, ==, cases[i].name);
      g_assert_cmpint (fixture->symbol.line, ==, 0);
      real_file = realpath (fixture->symbol.file, NULL);
      g_assert_nonnull (real_file);
      g_assert_true (g_str_has_suffix (real_file, "libcxx-names-store.so"));
    }
}

/* A call made from a C++ function is named as the function itself is, so
 * that callers and callees match in a report. */
static void
test_call_site (Fixture       *fixture,
                gconstpointer  user_data)
{
  DetprofSymbol function = { NULL, 0, NULL };
  gconstpointer site;
  int line = 0;

  site = cxx_fixture_call_site (&line);
  _detprof_symbolizer_lookup_call_site (fixture->symbolizer, (guintptr) site,
                                        &fixture->symbol);
  g_assert_cmpstr (fixture->symbol.name, ==, "cxxfix::call_site_maker");
  g_assert_true (g_str_has_suffix (fixture->symbol.file, "cxx-fixtures/cxx-names-debug.cc"));
  g_assert_cmpint (fixture->symbol.line, ==, line);

  _detprof_symbolizer_lookup_function (fixture->symbolizer,
                                       (guintptr) dlsym (RTLD_DEFAULT, "_ZN6cxxfix15call_site_makerEPi"),
                                       &function);
  g_assert_cmpstr (function.name, ==, fixture->symbol.name);
  g_assert_cmpint (function.line, ==, cxx_fixture_call_site_maker_line);
  _detprof_symbol_clear (&function);
}

int
main (int    argc,
      char **argv)
{
  /* libstdc++.so has no debug information here; with DEBUGINFOD_URLS
   * set, libdwfl would ask the network for it. */
  g_unsetenv ("DEBUGINFOD_URLS");

  g_test_init (&argc, &argv, NULL);
  g_test_summary ("C++ functions and call sites are named as C++ reads them: demangled, qualified, without "
                  "parameters, at the file and line of their declaration.");

  g_test_add_func ("/cxx-names/rule/strip-return-type-and-parameters", test_strip_parameters);
  g_test_add_func ("/cxx-names/rule/truncated-names-are-safe", test_strip_truncated);
  g_test_add_func ("/cxx-names/rule/demangle-with-the-runtime", test_demangle);
  g_test_add ("/cxx-names/function/in-a-namespace-is-qualified-by-it", Fixture, NULL,
              setup, test_namespace_function, teardown);
  g_test_add ("/cxx-names/function/method-is-named-by-its-class", Fixture, NULL,
              setup, test_method, teardown);
  g_test_add ("/cxx-names/function/class-template-method-names-the-template-arguments", Fixture, NULL,
              setup, test_class_template_method, teardown);
  g_test_add ("/cxx-names/function/function-template-names-its-arguments", Fixture, NULL,
              setup, test_function_template, teardown);
  g_test_add ("/cxx-names/function/operator-is-named-as-written", Fixture, NULL,
              setup, test_member_operator, teardown);
  g_test_add ("/cxx-names/function/operator-template-keeps-the-demanglers-space", Fixture, NULL,
              setup, test_operator_template, teardown);
  g_test_add ("/cxx-names/function/in-an-anonymous-namespace-says-so", Fixture, NULL,
              setup, test_anonymous_namespace, teardown);
  g_test_add ("/cxx-names/function/lambda-is-named-by-the-function-it-is-in", Fixture, NULL,
              setup, test_lambda, teardown);
  g_test_add ("/cxx-names/libstdc++/header-function-is-placed-in-the-header", Fixture, NULL,
              setup, test_header_function, teardown);
  g_test_add ("/cxx-names/libstdc++/function-in-libstdc++-takes-its-declarations-line", Fixture, NULL,
              setup, test_libstdcxx_function, teardown);
  g_test_add ("/cxx-names/declaration/is-taken-from-another-module", Fixture, NULL,
              setup, test_declared_elsewhere, teardown);
  g_test_add ("/cxx-names/declaration/is-found-under-another-symbol", Fixture, NULL,
              setup, test_declared_under_another_symbol, teardown);
  g_test_add ("/cxx-names/declaration/is-found-by-linkage-name", Fixture, NULL,
              setup, test_lookup_declaration, teardown);
  g_test_add ("/cxx-names/declaration/missing-keeps-the-parameters", Fixture, NULL,
              setup, test_undeclared_keeps_parameters, teardown);
  g_test_add ("/cxx-names/call-site/is-named-as-its-function", Fixture, NULL,
              setup, test_call_site, teardown);

  return g_test_run ();
}
