/* workload.c: the calibration workload (see workload.h).
 *
 * Built twice, with WORKLOAD_NAME set to _detprof_workload_instrumented
 * (and -finstrument-functions) or _detprof_workload_plain. Every function
 * is noipa and its body has an empty asm statement, so the compiler can
 * neither inline, clone, merge nor delete it: the twins make the same
 * calls, and differ only by the hooks.
 */
#include "config.h"

#include "workload.h"

#define KEEP __attribute__ ((noipa))
#define BARRIER() __asm__ volatile ("" ::: "memory")

static KEEP void
classic_f1 (int n)
{
  volatile int x;
  int i;

  for (i = 0; i < n; i++)
    x = 1;
  (void) x;
}

static KEEP void
classic_f (int m)
{
  int i;

  for (i = 0; i < m; i++)
    classic_f1 (100);
}

static KEEP void
empty (void)
{
  BARRIER ();
}

static KEEP void
one_call (void)
{
  empty ();
}

static KEEP void
driver0 (long n)
{
  long i;

  for (i = 0; i < n; i++)
    BARRIER ();
}

static KEEP void
driver1 (long n)
{
  long i;

  for (i = 0; i < n; i++)
    empty ();
}

static KEEP void
driver2 (long n)
{
  long i;

  for (i = 0; i < n; i++)
    one_call ();
}

/* ---- shapes, for the bias spread ---- */

#define MUL G_GUINT64_CONSTANT (6364136223846793005)
#define ADD G_GUINT64_CONSTANT (1442695040888963407)

/* k steps of a chain of multiplies, each waiting for the last: at the
 * return, much of it may still be executing. */
static KEEP guint64
chain (long    k,
       guint64 x)
{
  long i;

  for (i = 0; i < k; i++)
    {
      x = x * MUL + ADD;
      __asm__ ("" : "+r" (x));
    }
  return x;
}

static KEEP void
chain_driver (long n,
              long k)
{
  guint64 x = 1;
  long i;

  for (i = 0; i < n; i++)
    x = chain (k, x);
  __asm__ volatile ("" :: "r" (x));
}

static KEEP void
loop_base (long n,
           long k)
{
  long i;

  for (i = 0; i < n; i++)
    BARRIER ();
}

static guint64 value_state = 88172645463325252ULL;

/* A generator of a few instructions, as in a fill loop. */
static KEEP guint32
value (void)
{
  guint64 x = value_state;

  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  value_state = x;
  return (guint32) ((x * G_GUINT64_CONSTANT (2685821657736338717)) >> 32);
}

static KEEP void
sum_driver (long n,
            long k)
{
  guint32 sum = 0;
  long i;

  for (i = 0; i < n; i++)
    sum += value () >> 4;
  __asm__ volatile ("" :: "r" (sum));
}

static KEEP void
sum_base (long n,
          long k)
{
  guint32 sum = 0;
  long i;

  for (i = 0; i < n; i++)
    {
      sum += (guint32) i >> 4;
      BARRIER ();
    }
  __asm__ volatile ("" :: "r" (sum));
}

static KEEP void
between_driver (long n,
                long k)
{
  guint64 x = 1;
  long i, j;

  for (i = 0; i < n; i++)
    {
      for (j = 0; j < k; j++)
        {
          x = x * MUL + ADD;
          __asm__ ("" : "+r" (x));
        }
      empty ();
    }
  __asm__ volatile ("" :: "r" (x));
}

static KEEP void
between_base (long n,
              long k)
{
  guint64 x = 1;
  long i, j;

  for (i = 0; i < n; i++)
    {
      for (j = 0; j < k; j++)
        {
          x = x * MUL + ADD;
          __asm__ ("" : "+r" (x));
        }
      BARRIER ();
    }
  __asm__ volatile ("" :: "r" (x));
}

/* The empty asm keeps gcc from turning the second call into a loop,
 * which it would do in the plain twin only. */
static KEEP long
rec (long k)
{
  long r;

  if (k < 2)
    return k;
  r = rec (k - 1) + rec (k - 2);
  __asm__ ("" : "+r" (r));
  return r;
}

static KEEP void
rec_driver (long n,
            long k)
{
  long i, x = 0;

  for (i = 0; i < n; i++)
    x += rec (k);
  __asm__ volatile ("" :: "r" (x));
}

const DetprofWorkload WORKLOAD_NAME = {
  classic_f, classic_f1, empty, one_call, driver0, driver1, driver2,
  chain_driver, sum_driver, sum_base, between_driver, between_base, rec_driver, loop_base,
  chain, value, rec
};
