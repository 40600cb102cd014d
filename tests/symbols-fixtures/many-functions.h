/* many-functions.h: libsymbols-many, for test-symbols: one compile unit of
 * MANY_FUNCTIONS_N small functions, f0 to f<N-1>, half of them static,
 * written at build time by bench/make-many-functions.sh, which also
 * writes the program of bench/symbols-scale.sh.
 */
#pragma once

#define MANY_FUNCTIONS_N 300

/* fK's name is on this line of many-functions.c. */
#define MANY_FUNCTIONS_LINE(k) (10 + (k))

/* f0 ... f<N-1>, in order. */
extern unsigned (*const many_functions_table[]) (unsigned x);

unsigned many_functions_count (void);
unsigned many_functions_run   (unsigned x);
