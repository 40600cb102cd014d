/* vecmath.h: a small library, built without -finstrument-functions as
 * most libraries on a system are (libc, libm, ...). */
#pragma once

/* The work of squaring one number, in demo_work () units. */
#define SQUARE_UNITS 1

long vecmath_sum_of_squares (long n);
