/* detprof-error.h: the error domain of every recoverable detprof failure. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * DETPROF_ERROR:
 *
 * The error domain of detprof. Errors in this domain are from the
 * #DetprofError enumeration.
 *
 * Since: 0.1
 */
#define DETPROF_ERROR (detprof_error_quark ())

/**
 * DetprofError:
 * @DETPROF_ERROR_FAILED: a failure with no more specific code; treat unknown
 *   codes as this one
 * @DETPROF_ERROR_CORRUPT: a statistics dump is truncated or malformed
 * @DETPROF_ERROR_NO_TIMER: no timer of that name, or the timer cannot be used
 *   on this host
 * @DETPROF_ERROR_INVALID_ARGUMENT: a user-supplied value (sort key, bias,
 *   regular expression, restriction) is not valid
 * @DETPROF_ERROR_IO: a file could not be read or written
 * @DETPROF_ERROR_SYMBOLS: addresses could not be resolved to functions
 * @DETPROF_ERROR_CALIBRATION: a calibration gave a value that cannot be used
 *
 * The ways a detprof operation can fail. New codes are only ever appended.
 *
 * Since: 0.1
 */
typedef enum
{
  DETPROF_ERROR_FAILED,
  DETPROF_ERROR_CORRUPT,
  DETPROF_ERROR_NO_TIMER,
  DETPROF_ERROR_INVALID_ARGUMENT,
  DETPROF_ERROR_IO,
  DETPROF_ERROR_SYMBOLS,
  DETPROF_ERROR_CALIBRATION,
} DetprofError;

GQuark detprof_error_quark (void);

G_END_DECLS
