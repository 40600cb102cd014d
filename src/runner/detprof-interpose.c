/* detprof-interpose.c: the C library calls the agent wraps, to see the
 * program leave frames without returning.
 *
 * The agent is preloaded, so its definitions of these names come before
 * the C library's (and libstdc++'s) for every call the program makes
 * through the PLT. Each wrapper tells the hooks what is about to happen
 * (detprof-departures.c says what is done with it), then hands over to
 * the real function, found with dlsym (RTLD_NEXT, ...).
 *
 *   setjmp, _setjmp, __sigsetjmp   the frame on top sets a jump target
 *   longjmp, _longjmp, siglongjmp,
 *   __longjmp_chk                  the thread jumps to one
 *   __cxa_begin_catch              a C++ exception is caught
 *   dlclose                        modules may be unmapped: their
 *                                  functions' addresses may be given
 *                                  to others (detprof-modules.c)
 *
 * (The macros setjmp and sigsetjmp of <setjmp.h> call _setjmp and
 * __sigsetjmp; with _FORTIFY_SOURCE every long jump calls __longjmp_chk.)
 * The end of a thread is seen by a thread-specific key's destructor
 * (detprof-hooks.c).
 *
 * setjmp returns twice, so its wrapper must not have a frame of its own
 * when the real one runs: a few instructions of assembly save the
 * arguments, call a C function that records the target and returns the
 * real setjmp's address, restore the arguments and jump there. On other
 * machines than x86-64 the setjmp family is not wrapped (and long jumps
 * are then found at the next return of an older frame, as abandoned
 * frames).
 *
 * Limits: calls the C library makes to itself are not seen; nor are
 * __builtin_setjmp / __builtin_longjmp, which the compiler expands inline,
 * nor swapcontext() and other ways of switching stacks.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>

#include "detprof-modules-private.h"
#include "detprof-profiler-private.h"

#define NO_INSTRUMENT __attribute__ ((no_instrument_function))
#define NO_RETURN __attribute__ ((noreturn))

typedef enum
{
  REAL_SETJMP,
  REAL__SETJMP,
  REAL___SIGSETJMP,
  REAL_LONGJMP,
  REAL__LONGJMP,
  REAL_SIGLONGJMP,
  REAL___LONGJMP_CHK,
  REAL___CXA_BEGIN_CATCH,
  REAL_DLCLOSE,
  N_REAL
} Real;

static const char *const real_names[N_REAL] = {
  [REAL_SETJMP] = "setjmp",
  [REAL__SETJMP] = "_setjmp",
  [REAL___SIGSETJMP] = "__sigsetjmp",
  [REAL_LONGJMP] = "longjmp",
  [REAL__LONGJMP] = "_longjmp",
  [REAL_SIGLONGJMP] = "siglongjmp",
  [REAL___LONGJMP_CHK] = "__longjmp_chk",
  [REAL___CXA_BEGIN_CATCH] = "__cxa_begin_catch",
  [REAL_DLCLOSE] = "dlclose",
};

static void *real_functions[N_REAL];

/* The next definition of @which after ours. Looked up once for all at
 * load (dlsym is not safe in a signal handler, where siglongjmp often
 * runs), and again only if it was not there then. */
static void *
real (Real which)
{
  void *fn = __atomic_load_n (&real_functions[which], __ATOMIC_RELAXED);

  if (G_UNLIKELY (fn == NULL))
    {
      fn = dlsym (RTLD_NEXT, real_names[which]);
      __atomic_store_n (&real_functions[which], fn, __ATOMIC_RELAXED);
    }
  return fn;
}

__attribute__ ((constructor)) static void
find_real_functions (void)
{
  int which;

  for (which = 0; which < N_REAL; which++)
    real (which);
}

/* ---- the setjmp family ---- */

/* Called by the trampolines below with the jump buffer and which setjmp
 * was called; returns the real one, to jump to. */
void *_detprof_interpose_setjmp (void *env,
                                 int   which) NO_INSTRUMENT G_GNUC_INTERNAL;

void *
_detprof_interpose_setjmp (void *env,
                           int   which)
{
  _detprof_hooks_note_jump_target (env);
  return real (which);
}

#if defined(__x86_64__)
/* On entry the stack is 8 bytes off 16-byte alignment (the return
 * address); two pushes and 8 bytes more make the call aligned. The
 * arguments (env, and __sigsetjmp's savemask) are restored before the
 * jump, and the return address is still the program's. */
#define SETJMP_TRAMPOLINE(name, which)                                     \
  __asm__ (".text\n"                                                       \
           ".globl " #name "\n"                                            \
           ".type " #name ", @function\n"                                  \
           #name ":\n"                                                     \
           "  pushq %rdi\n"                                                \
           "  pushq %rsi\n"                                                \
           "  subq $8, %rsp\n"                                             \
           "  movl $" G_STRINGIFY (which) ", %esi\n"                       \
           "  call _detprof_interpose_setjmp\n"                            \
           "  addq $8, %rsp\n"                                             \
           "  popq %rsi\n"                                                 \
           "  popq %rdi\n"                                                 \
           "  jmp *%rax\n"                                                 \
           ".size " #name ", .-" #name "\n")

G_STATIC_ASSERT (REAL_SETJMP == 0 && REAL__SETJMP == 1 && REAL___SIGSETJMP == 2);
SETJMP_TRAMPOLINE (setjmp, 0);
SETJMP_TRAMPOLINE (_setjmp, 1);
SETJMP_TRAMPOLINE (__sigsetjmp, 2);
#endif

/* ---- the longjmp family ---- */

typedef void (*LongJumpFunc) (void *env, int value) NO_RETURN;

void longjmp (void *env, int value) NO_INSTRUMENT NO_RETURN;
void _longjmp (void *env, int value) NO_INSTRUMENT NO_RETURN;
void siglongjmp (void *env, int value) NO_INSTRUMENT NO_RETURN;
void __longjmp_chk (void *env, int value) NO_INSTRUMENT NO_RETURN;

static void NO_RETURN
long_jump (Real  which,
           void *env,
           int   value) NO_INSTRUMENT;

static void NO_RETURN
long_jump (Real  which,
           void *env,
           int   value)
{
  LongJumpFunc jump = (LongJumpFunc) real (which);

  _detprof_hooks_note_long_jump (env);
  jump (env, value);
}

void
longjmp (void *env,
         int   value)
{
  long_jump (REAL_LONGJMP, env, value);
}

void
_longjmp (void *env,
          int   value)
{
  long_jump (REAL__LONGJMP, env, value);
}

void
siglongjmp (void *env,
            int   value)
{
  long_jump (REAL_SIGLONGJMP, env, value);
}

void
__longjmp_chk (void *env,
               int   value)
{
  long_jump (REAL___LONGJMP_CHK, env, value);
}

/* ---- C++ exceptions ---- */

typedef void *(*BeginCatchFunc) (void *exception);

void *__cxa_begin_catch (void *exception) NO_INSTRUMENT;

/* The landing pad of the catching frame calls this; our frame's address
 * is measured as the hooks measure theirs, so that the catching frame's
 * own hooks are at or above it and its callees' below. */
void *
__cxa_begin_catch (void *exception)
{
  BeginCatchFunc begin_catch = (BeginCatchFunc) real (REAL___CXA_BEGIN_CATCH);

  _detprof_hooks_note_catch ((guintptr) __builtin_frame_address (0));
  return begin_catch (exception);
}

/* ---- modules closed ---- */

typedef int (*CloseFunc) (void *handle);

/* A library's destructors may close others: the outermost dlclose() sees
 * all that went. */
static __thread int closing;

/* The modules mapped before and not after are the ones this unmapped:
 * the library, if no other reference holds it, and the dependencies that
 * went with it. They are noted before the call returns, so before the
 * program can call a library it maps next at the same addresses, and
 * each thread moves its records of their code at its next event.
 * (Another thread's dlopen() can map a library there while this is
 * noted, and that library's functions, called in those microseconds,
 * would be taken for the closed one's.) <dlfcn.h> declares dlclose, so
 * the attribute goes on the definition. */
NO_INSTRUMENT int
dlclose (void *handle)
{
  CloseFunc close_module = (CloseFunc) real (REAL_DLCLOSE);
  DetprofMappedModules *before;
  int saved_errno, result;

  if (closing > 0)
    return close_module (handle);

  closing++;
  before = _detprof_modules_list_mapped ();
  result = close_module (handle);
  saved_errno = errno;
  if (_detprof_modules_note_closed (before) > 0)
    _detprof_hooks_note_modules_closed ();
  errno = saved_errno;
  closing--;
  return result;
}
