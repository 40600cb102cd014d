/* detprof.h: the one header users of libdetprof include. */
#pragma once

#define __DETPROF_H_INSIDE__

#include "detprof-error.h"
#include "detprof-export.h"
#include "detprof-paths.h"
#include "detprof-profiler.h"
#include "detprof-stats.h"
#include "detprof-timer.h"

#undef __DETPROF_H_INSIDE__
