/* detprof-calibration-cache-private.h: where measured biases are kept.
 *
 * detprof-calibrate measures the per-event overhead (the bias) of a timer
 * on this host and stores it here; `detprof -b auto` looks it up instead of
 * calibrating again. A bias holds only for the timer, the CPU and the
 * kernel clock source it was measured with, so those name the entry, and
 * lookup never hands out an entry of another host, of another format
 * version, measured by another build of detprof, or with a missing field
 * or an implausible number.
 */
#pragma once

#include <glib.h>

#include "detprof-profiler.h"
#include "detprof-timer.h"

G_BEGIN_DECLS

#define DETPROF_CALIBRATION_CACHE_ERROR (_detprof_calibration_cache_error_quark ())

/* Why lookup has no bias to give. All but the last mean the same to the
 * caller (calibrate, then store the result over whatever was there); the
 * codes and messages say which case it was. UNSAFE means that the cache
 * must not be used at all, for reading or writing: store fails with it
 * too, and the message names the path. I/O failures are DETPROF_ERROR_IO,
 * and names that cannot be part of a key are
 * DETPROF_ERROR_INVALID_ARGUMENT. */
typedef enum
{
  DETPROF_CALIBRATION_CACHE_ERROR_NONE_STORED,  /* no file, or no entry for this timer and model */
  DETPROF_CALIBRATION_CACHE_ERROR_OTHER_HOST,   /* only entries measured on another CPU or clock source */
  DETPROF_CALIBRATION_CACHE_ERROR_STALE,        /* the entry is in another format version, or another build measured it */
  DETPROF_CALIBRATION_CACHE_ERROR_CORRUPT,      /* the file or the entry is malformed or implausible */
  DETPROF_CALIBRATION_CACHE_ERROR_UNSAFE,       /* others could have planted the file: its directory is
                                                 * not ours alone, or it or its lock file is a link */
} DetprofCalibrationCacheError;

/* The four constants of the "pairs" model, in the order they are stored:
 * the hidden cost between two consecutive events depends on their kinds. */
typedef enum
{
  DETPROF_CALIBRATION_CALL_CALL,
  DETPROF_CALIBRATION_CALL_RETURN,
  DETPROF_CALIBRATION_RETURN_CALL,
  DETPROF_CALIBRATION_RETURN_RETURN,
} DetprofCalibrationPair;

/* The most an event can plausibly cost, in seconds: even with the slowest
 * timer, a system call of under a microsecond, an event costs a few. */
#define DETPROF_CALIBRATION_MAX_CONSTANT 1e-4

/* One stored calibration. Strings and the date are owned by the entry. */
typedef struct
{
  char      *timer;            /* owned: the timer's name, as given to `-t` */
  char      *model;            /* owned: "constant" (one bias per event) or "pairs" */
  guint      n_constants;      /* 1 for "constant", 4 for "pairs" */
  double     constants[4];     /* seconds per event; for "pairs" indexed by DetprofCalibrationPair */
  double     spread;           /* max/min of the repeated calibrations: 1 is perfectly consistent */
  double     bias_spread;      /* seconds: how far one stretch's hidden cost strays from the bias,
                                * across shapes of code (_detprof_calibration_measure_spread ()) */
  double     speed_variation;  /* a share: how far the machine's speed strayed over the same
                                * rounds (0.03: 3 %) */
  guint      repeats;          /* how many calibrations the spread is over */
  guint64    n;                /* events per calibration */
  GDateTime *date;             /* owned: when it was measured; stored in UTC, to the second */
  char      *cpu_model;        /* owned: "model name" in /proc/cpuinfo, or "unknown" */
  char      *clocksource;      /* owned: the kernel's current clock source, or "unknown" */
  char      *detprof_version;  /* owned: the detprof that stored it; store writes its own */
  char      *detprof_build;    /* owned: DETPROF_BUILD_ID (detprof-build-id.h) of the detprof that
                                * stored it; store writes its own, lookup wants ours */
} DetprofCalibrationEntry;

GQuark   _detprof_calibration_cache_error_quark (void);

/* Fills @entry's identity for this host: @timer, @model, the number of
 * constants, the date (now), the CPU model, the clock source, and our
 * version and build. The measurement (constants, spread, repeats, n) is
 * left at 0 for the caller: store refuses an entry whose measurement is
 * missing. */
void     _detprof_calibration_entry_init  (DetprofCalibrationEntry *entry,
                                           const char              *timer,
                                           const char              *model);
/* Frees what @entry owns and zeroes it; it can then be reused. */
void     _detprof_calibration_entry_clear (DetprofCalibrationEntry *entry);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DetprofCalibrationEntry, _detprof_calibration_entry_clear)

/* The host facts a bias depends on, never NULL and never empty: "unknown"
 * when the kernel does not say. Characters that a key cannot hold
 * (controls, "[", "]", "|") become "_". */
char    *_detprof_calibration_host_cpu_model   (void);
char    *_detprof_calibration_host_clocksource (void);
/* The "model name" of the first CPU in the text of /proc/cpuinfo. */
char    *_detprof_calibration_parse_cpu_model  (const char *cpuinfo);

/* The key of this host's entry for @timer and @model, which is also its
 * group name in the cache file: "TIMER|MODEL|CPU MODEL|CLOCK SOURCE". */
char    *_detprof_calibration_host_key (const char *timer,
                                        const char *model);

/* $DETPROF_CACHE_DIR/calibration.ini if that variable is set and not
 * empty, else $XDG_CACHE_HOME/detprof/calibration.ini. */
char    *_detprof_calibration_cache_default_path (void);

/* Finds this host's entry for @timer and @model in @cache_path (NULL: the
 * default path) and moves it into @out, which must be zeroed or cleared;
 * @out is only written when TRUE is returned. Returns FALSE with a
 * DETPROF_CALIBRATION_CACHE_ERROR when there is no entry that can be
 * trusted, and says why in the message; with UNSAFE when the cache's
 * directory is not the caller's alone (another owner, or writable by its
 * group or others) or the file is a symbolic link. */
gboolean _detprof_calibration_cache_lookup (const char              *cache_path,
                                            const char              *timer,
                                            const char              *model,
                                            DetprofCalibrationEntry *out,
                                            GError                 **error);
/* The same, for a host with the given CPU model and clock source: tests
 * use it to play another host. */
gboolean _detprof_calibration_cache_lookup_for_host (const char              *cache_path,
                                                     const char              *timer,
                                                     const char              *model,
                                                     const char              *cpu_model,
                                                     const char              *clocksource,
                                                     DetprofCalibrationEntry *out,
                                                     GError                 **error);

/* Stores @entry under its key in @cache_path (NULL: the default path),
 * replacing any entry of the same key and keeping the others; a file that
 * is not a key file is replaced as a whole. Creates the directory (mode
 * 0700) if needed. Safe against concurrent stores from other processes.
 * Refuses an implausible entry with DETPROF_ERROR_CALIBRATION and the
 * reason; refuses a directory, cache file or lock file that lookup would
 * find unsafe with DETPROF_CALIBRATION_CACHE_ERROR_UNSAFE, creating
 * nothing in the directory and following no link; fails with
 * DETPROF_ERROR_IO when the file cannot be written. */
gboolean _detprof_calibration_cache_store (const char                    *cache_path,
                                           const DetprofCalibrationEntry *entry,
                                           GError                       **error);

/* How far apart the calibrations behind one bias may be for it to be
 * stored, or trusted when looked up: the largest cost of a leaf call
 * (call->return plus return->call) over the smallest. Each calibration is
 * already the minimum of several measurements, which one preemption does
 * not move; what moves it is a machine busy all along (another process on
 * the core or its sibling, a changing clock speed), and that is what makes
 * calibrations disagree, and what would make a stored bias wrong for
 * every later profile.
 *
 * Measured on the development machine (2 vCPUs of an AMD EPYC), which
 * other builds kept busy throughout (load 2.5 to 4.5), so these bound
 * what an idle machine shows: `detprof-calibrate -v` (tsc-fenced, 7
 * calibrations of 7 measurements), seven runs, 0.3 % to 2.4 %; the same
 * shape, 8 runs on each fine timer (tsc, tsc-fenced, wall, cpu,
 * thread-cpu, rusage), medians 0.7 % to 18 %; 3 calibrations of 5
 * measurements, as `-b auto` makes, 50 runs on each, medians 0.4 % to
 * 2.9 % and 90th percentiles 5 % to 24 %. A quarter is above nearly all
 * of it: of those 348 runs, 14 went beyond it at first, and each came
 * within it when measured again (one took all three attempts), so all
 * would have been stored. What it is there to
 * stop is several times larger: repeats that differ several-fold (a
 * spread of 15.5 was once stored), or calibrations that a clock's tick
 * keeps 100 % to 240 % apart (times, coarse). */
#define DETPROF_CALIBRATION_MAX_SPREAD 1.25

/* How far apart the calibrations of one attempt may be for it to be
 * kept without measuring again: 2 %. This is not the limit for storing
 * (DETPROF_CALIBRATION_MAX_SPREAD), which is there to catch what is
 * plainly wrong; it is what a quiet machine reproduces. Each of seven
 * consecutive `detprof-calibrate` runs should store constants within 1 %
 * of the others (bench/calibration-agreement.sh), and calibrations a
 * quarter apart were stored: on the development machine, shared with
 * another engineer's benchmarks, whole runs of seven calibrations came
 * out 6 % to 12 % apart, with every constant 8 % to 12 % above what the
 * runs before and after them stored. Quiet, the same machine keeps them
 * 0.1 % to 0.7 % apart (tsc, tsc-fenced; wall 1.6 %, cpu 5.5 %, whose
 * attempts are then all made). */
#define DETPROF_CALIBRATION_AGREEMENT 1.02

/* How many times at most a calibration is measured in all, while its
 * calibrations disagree: a short disturbance passes, a busy machine is
 * given up on. On the development machine busy whiles lasted from a few
 * hundredths of a second to several seconds; five attempts span one to
 * two seconds with the fast clocks (tsc, tsc-fenced, wall). */
#define DETPROF_CALIBRATION_MAX_ATTEMPTS 5

/* The bias spread and the speed variation are measured in
 * DETPROF_BIAS_SPREAD_ROUNDS rounds of every shape (a timer that ticks too
 * coarsely for calibrations to agree makes as many rounds as its
 * calibrations make measurements). The speed variation keeps an upper
 * tenth, which moves with the few busy rounds a calibration meets: seven
 * calibrations of tsc-fenced stored bias spreads (then an upper tenth
 * too) 60 % apart over 21 rounds, 34 % over 61, for 0.7 s more each. */
#define DETPROF_BIAS_SPREAD_ROUNDS 61

/* Why @entry's calibrations are too far apart for its bias to be stored or
 * trusted (a phrase that completes a sentence), or NULL. */
char    *_detprof_calibration_spread_problem (const DetprofCalibrationEntry *entry);

/* What _detprof_calibration_measure () reports as it goes, for the caller
 * to show (detprof-calibrate prints each calibration) or to steer (tests
 * change the cost of a fake timer). */
typedef struct
{
  guint    attempt;   /* 1, or more when measuring again, up to DETPROF_CALIBRATION_MAX_ATTEMPTS */
  gboolean over;      /* FALSE after each calibration, TRUE once an attempt's last one is made */
  guint    index;     /* the calibration just made, from 0; once over, how many the attempt made */
  double   pairs[4];  /* not over: that calibration's constants, in seconds, by DetprofCalibrationPair */
  guint64  n;         /* not over: its calls per measurement */
  double   spread;    /* over: the attempt's largest over smallest cost of a leaf call */
  gboolean again;     /* over: whether it is measured again */
  const struct _DetprofSpreadReport *bias_spread;  /* once, at the end: how the bias fits each
                                                    * shape of code; NULL before */
} DetprofCalibrationStep;

typedef void (*DetprofCalibrationWatch) (const DetprofCalibrationStep *step,
                                         gpointer                      user_data);

/* Measures the "pairs" model for @timer on this host (detprof-calibrate.c):
 * @calibrations calibrations, each the minimum over @repeats measurements
 * of @n calls (0: chosen from the timer's resolution), and fills @entry to
 * be stored with the lowest value of each constant, the spread of the
 * calibrations, and the bias spread of those constants (measured at the
 * end, see DETPROF_BIAS_SPREAD_ROUNDS). While the spread is
 * above DETPROF_CALIBRATION_AGREEMENT it measures again,
 * DETPROF_CALIBRATION_MAX_ATTEMPTS times at most (once only for a timer
 * whose tick alone keeps calibrations apart); the constants are the
 * lowest of every attempt, the spread and n those of the attempt whose
 * calibrations agree best: the caller checks its spread with
 * _detprof_calibration_spread_problem (). @watch, if not NULL, is called
 * after each calibration, at the end of each attempt, and once the bias
 * spread is measured. Fails only when a calibration fails. */
gboolean _detprof_calibration_measure (DetprofTimer             *timer,
                                       guint                     calibrations,
                                       guint                     repeats,
                                       guint64                   n,
                                       DetprofCalibrationWatch   watch,
                                       gpointer                  user_data,
                                       DetprofCalibrationEntry  *entry,
                                       GError                  **error);

/* The bias spread, shape by shape (detprof-calibrate.c): how far the
 * hidden cost of a stretch strays from the bias taken off for it, in the
 * caller's time and in the callee's, for each shape of code around the
 * hooks that calibration runs. */
#define DETPROF_SPREAD_MAX_SHAPES 16

typedef struct
{
  const char *what;      /* the shape, for people: "a leaf of 32 dependent multiplies" */
  gboolean    framed;    /* built with frame pointers */
  double      caller;    /* seconds per stretch, signed: the error of the caller's internal time,
                          * median of the repeats */
  double      callee;    /* the same for the callee's */
  double      reach;     /* seconds per stretch: what nine rounds in ten stay within, in
                          * the caller's time or the callee's (for people: how busy the
                          * rounds were) */
  double      jitter;    /* seconds per stretch: how far apart the repeats came out */
} DetprofSpreadShape;

typedef struct _DetprofSpreadReport
{
  guint              n_shapes;
  DetprofSpreadShape shapes[DETPROF_SPREAD_MAX_SHAPES];
  double             spread;      /* seconds: the largest median of any shape, in size */
  double             speed_variation;  /* what nine rounds in ten stay within, relative to
                                        * the median round, in the time of the plain runs */
} DetprofSpreadReport;

/* Measures the bias spread of @profiler's class, timer and bias, and says
 * how each shape came out (detprof-calibrate -v prints it): in @repeats
 * rounds of one measurement of each shape, where an ordinary round of a
 * shape lies (the median), of the shape where that is largest in size;
 * and the speed variation, from the same rounds' plain runs. */
gboolean _detprof_calibration_measure_spread (DetprofProfiler      *profiler,
                                              guint                 repeats,
                                              DetprofSpreadReport  *report,
                                              GError              **error);

/* Tests only: @hook is called with the round's index, from 0, at the
 * start of each round of _detprof_calibration_measure_spread (); NULL
 * for none. */
typedef void (*DetprofSpreadRoundHook) (guint    round,
                                        gpointer user_data);
void     _detprof_calibration_set_round_hook  (DetprofSpreadRoundHook hook,
                                               gpointer               user_data);

/* `-b auto`: this host's stored entry for @timer, or, when there is none
 * to trust, a calibration made now (with a one-line notice on stderr) and
 * stored for next time. @measured tells which. A cache in an unsafe place
 * is neither read nor written: the notice says why, and the calibration
 * is kept in memory for this run. So is a calibration whose repeats
 * disagree (see DETPROF_CALIBRATION_MAX_SPREAD), with a warning that
 * says so. */
gboolean _detprof_calibration_auto (DetprofTimer             *timer,
                                    DetprofCalibrationEntry  *entry,
                                    gboolean                 *measured,
                                    GError                  **error);
/* The same, calling @watch as _detprof_calibration_measure () does when
 * it calibrates: tests use it to steer a fake timer. */
gboolean _detprof_calibration_auto_watched (DetprofTimer             *timer,
                                            DetprofCalibrationWatch   watch,
                                            gpointer                  user_data,
                                            DetprofCalibrationEntry  *entry,
                                            gboolean                 *measured,
                                            GError                  **error);

G_END_DECLS
