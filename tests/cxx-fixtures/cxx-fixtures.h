/* cxx-fixtures.h: C++ functions for test-cxx-names to resolve, seen from C.
 *
 * libcxx-names-debug is built with g++ -g -O2, as C++ is built for
 * profiling. libcxx-names-store has no debug information at all: it holds
 * the explicit instantiation cxxfix::Store<int>, which
 * libcxx-names-debug uses but does not instantiate, the way libstdc++.so
 * holds std::string for every program. Only libcxx-names-debug's DWARF
 * declares what is in libcxx-names-store.
 *
 * Each function returns the entry address of one C++ function; each line
 * is the line of that function's name where it is defined (or declared,
 * for code in another library), which is what DW_AT_decl_line records.
 */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

/* In cxx-names-debug.cc */
const void *cxx_fixture_free_function (void);       /* cxxfix::free_function (int) */
const void *cxx_fixture_method (void);              /* cxxfix::Widget::draw (int) const */
const void *cxx_fixture_template_method (void);     /* cxxfix::Box<int>::area () const */
const void *cxx_fixture_template_function (void);   /* cxxfix::twice<double> (double) */
const void *cxx_fixture_member_operator (void);     /* cxxfix::Box<int>::operator+ */
const void *cxx_fixture_free_operator (void);       /* cxxfix::operator< <int> */
const void *cxx_fixture_anonymous (void);           /* cxxfix::(anonymous namespace)::helper */
const void *cxx_fixture_lambda (void);              /* the lambda in cxxfix::lambda_user (int) */
const void *cxx_fixture_vector_push_back (void);    /* std::vector<int>::push_back (const int &) */
const void *cxx_fixture_string_size (void);         /* std::string::size () const, in libstdc++ */
const void *cxx_fixture_store_put (void);           /* cxxfix::Store<int>::put (int), in libcxx-names-store */

/* The return address of a call made from cxxfix::call_site_maker (), and
 * the line of that call. */
const void *cxx_fixture_call_site (int *line);

/* Runs every function above once, so that the compiler keeps them. */
int         cxx_fixture_run (int n);

extern const int cxx_fixture_free_function_line;
extern const int cxx_fixture_method_line;
extern const int cxx_fixture_template_method_line;
extern const int cxx_fixture_template_function_line;
extern const int cxx_fixture_member_operator_line;
extern const int cxx_fixture_free_operator_line;
extern const int cxx_fixture_anonymous_line;
extern const int cxx_fixture_lambda_line;
extern const int cxx_fixture_call_site_maker_line;

/* In cxx-names-store.hh, declared there and defined in libcxx-names-store. */
extern const int cxx_fixture_store_constructor_line;
extern const int cxx_fixture_store_put_line;
extern const int cxx_fixture_store_destructor_line;

#ifdef __cplusplus
}
#endif
