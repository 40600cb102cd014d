/* shape-factors.c: leaves and their callers for bench/overhead-shape's
 * second table, which varies one thing around the hooks at a time. Built
 * twice, with and without -finstrument-functions; SHAPE_SUFFIX names the
 * build (every function's name ends in it).
 *
 * The leaves do k steps of a dependent chain, like shape-work.c, and all
 * take the same six arguments so that their callers do the same work.
 * leaf_rM also keeps M of its last four arguments until after the loop:
 * instrumented, each must survive the entry hook's call, so it lives in
 * a callee-saved register, pushed in the prologue and popped after the
 * exit hook; plain, it stays in its argument register. The callers:
 *
 *   chain_rM    a tight loop, the next call's argument is the result
 *   ignore      a tight loop, the result is not used
 *   sum         a tight loop, the result is added up (used, off the chain)
 *   betweenW    W steps of an independent chain between calls, else chain
 *
 * Each caller has a base twin (the same loop, no call) whose plain time
 * is the caller's own true time. */
#ifndef SHAPE_SUFFIX
#error "build with -DSHAPE_SUFFIX=name"
#endif

#define SHAPE_PASTE2(a, b) a ## _ ## b
#define SHAPE_PASTE(a, b) SHAPE_PASTE2 (a, b)
#define S(name) SHAPE_PASTE (name, SHAPE_SUFFIX)

#define KEEP __attribute__ ((noipa))
#define UNUSED __attribute__ ((unused))

#define CHAIN_STEPS(k, x)                     \
  for (long i_ = 0; i_ < (k); i_++)           \
    {                                         \
      (x) = (x) * 3 + 1;                      \
      __asm__ volatile ("" : "+r" (x));       \
    }

/* The asm after the loop needs each kept argument in a register of its
 * own, so the compiler cannot fold them into one before the loop. */
#define DEFINE_LEAF(M, KEPT...)                                         \
  long S (leaf_r ## M) (long k, long x, long a, long b, long c, long d); \
  KEEP long                                                             \
  S (leaf_r ## M) (long k, long x, UNUSED long a, UNUSED long b,       \
                   UNUSED long c, UNUSED long d)                        \
  {                                                                     \
    CHAIN_STEPS (k, x);                                                 \
    __asm__ volatile ("" : "+r" (x) : KEPT);                            \
    return x;                                                           \
  }

DEFINE_LEAF (0, "i" (0))
DEFINE_LEAF (1, "r" (a))
DEFINE_LEAF (2, "r" (a), "r" (b))
DEFINE_LEAF (3, "r" (a), "r" (b), "r" (c))
DEFINE_LEAF (4, "r" (a), "r" (b), "r" (c), "r" (d))

/* The arguments a..d come from the caller's loop counter, as the caller
 * would compute them; every caller passes the same ones. */
#define DEFINE_CHAIN(M)                                                 \
  long S (chain_r ## M) (long n, long k);                               \
  KEEP long                                                             \
  S (chain_r ## M) (long n, long k)                                     \
  {                                                                     \
    long x = 1;                                                         \
    for (long i = 0; i < n; i++)                                        \
      x = S (leaf_r ## M) (k, x, i, i + 1, i + 2, i + 3);               \
    return x;                                                           \
  }

DEFINE_CHAIN (0)
DEFINE_CHAIN (1)
DEFINE_CHAIN (2)
DEFINE_CHAIN (3)
DEFINE_CHAIN (4)

long S (chain_base) (long n, long k);
KEEP long
S (chain_base) (long n, UNUSED long k)
{
  long x = 1;
  for (long i = 0; i < n; i++)
    {
      long a = i, b = i + 1, c = i + 2, d = i + 3;
      __asm__ volatile ("" : "+r" (x) : "r" (a), "r" (b), "r" (c), "r" (d) : "memory");
    }
  return x;
}

long S (ignore) (long n, long k);
KEEP long
S (ignore) (long n, long k)
{
  for (long i = 0; i < n; i++)
    S (leaf_r0) (k, i, i, i + 1, i + 2, i + 3);
  return 0;
}

long S (sum) (long n, long k);
KEEP long
S (sum) (long n, long k)
{
  long s = 0;
  for (long i = 0; i < n; i++)
    s += S (leaf_r0) (k, i, i, i + 1, i + 2, i + 3);
  return s;
}

long S (loop_base) (long n, long k);
KEEP long
S (loop_base) (long n, UNUSED long k)
{
  long s = 0;
  for (long i = 0; i < n; i++)
    {
      long x = i, a = i, b = i + 1, c = i + 2, d = i + 3;
      __asm__ volatile ("" : "+r" (x) : "r" (a), "r" (b), "r" (c), "r" (d) : "memory");
      s += x;
    }
  return s;
}

/* W steps of a chain of its own (y) in the caller before each call:
 * independent of the leaf's chain (x), so they overlap with it. */
#define DEFINE_BETWEEN(W)                                               \
  long S (between ## W) (long n, long k);                               \
  KEEP long                                                             \
  S (between ## W) (long n, long k)                                     \
  {                                                                     \
    long x = 1, y = 7;                                                  \
    for (long i = 0; i < n; i++)                                        \
      {                                                                 \
        CHAIN_STEPS (W, y);                                             \
        x = S (leaf_r0) (k, x, i, i + 1, i + 2, i + 3);                 \
      }                                                                 \
    return x + y;                                                       \
  }                                                                     \
  long S (between ## W ## _base) (long n, long k);                      \
  KEEP long                                                             \
  S (between ## W ## _base) (long n, UNUSED long k)                     \
  {                                                                     \
    long x = 1, y = 7;                                                  \
    for (long i = 0; i < n; i++)                                        \
      {                                                                 \
        long a = i, b = i + 1, c = i + 2, d = i + 3;                    \
        CHAIN_STEPS (W, y);                                             \
        __asm__ volatile ("" : "+r" (x) : "r" (a), "r" (b), "r" (c), "r" (d) : "memory"); \
      }                                                                 \
    return x + y;                                                       \
  }

DEFINE_BETWEEN (8)
DEFINE_BETWEEN (32)
