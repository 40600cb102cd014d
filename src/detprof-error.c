/* detprof-error.c: the detprof error domain. */
#include "config.h"

#include "detprof-error.h"

G_DEFINE_QUARK (detprof-error-quark, detprof_error)
