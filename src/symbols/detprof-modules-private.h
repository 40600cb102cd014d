/* detprof-modules-private.h: the modules (shared libraries) the program
 * closed, and the addresses their functions are known by since.
 *
 * A function is recorded by its address, and an address names a function
 * only while its module is mapped: once dlclose() has unmapped a library,
 * the next one may be loaded at the same addresses. So the agent notes
 * each module that a dlclose() unmapped (detprof-interpose.c), and gives
 * its file a range of addresses of its own, where no code can be: each
 * thread then moves its records of the closed module's functions there
 * (detprof-thread.c), and the symbolizer reads the file there when the
 * profile is written (detprof-symbols.c). A function's identity is then
 * its module's file and its offset in it, whether the module is mapped
 * or not.
 */
#pragma once

#include <sys/types.h>

#include <glib.h>

G_BEGIN_DECLS

typedef struct _DetprofClosedModule DetprofClosedModule;

/* One module unmapped by a dlclose(). Closed modules form a list in the
 * order they were closed, which only grows. */
struct _DetprofClosedModule
{
  guintptr             start;  /* where it was mapped: [start, end) */
  guintptr             end;
  guintptr             shift;  /* added to an address in it (modulo 2^64): the address
                                * that names the same code since */
  DetprofClosedModule *next;   /* the module closed after it; NULL until there is one */
};

/* The module closed last (a placeholder that holds no address if none
 * was): the records made from now on have nothing to move before the
 * modules closed after it. */
const DetprofClosedModule *_detprof_modules_last_closed (void);

/* The module closed after @closed, or NULL. */
static inline const DetprofClosedModule *
_detprof_closed_module_next (const DetprofClosedModule *closed)
{
  return __atomic_load_n (&closed->next, __ATOMIC_ACQUIRE);
}

static inline gboolean
_detprof_closed_module_holds (const DetprofClosedModule *closed,
                              gconstpointer              address)
{
  return (guintptr) address >= closed->start && (guintptr) address < closed->end;
}

/* The address that names, since @closed was closed, the code that was
 * at @address in it. */
static inline gconstpointer
_detprof_closed_module_move (const DetprofClosedModule *closed,
                             gconstpointer              address)
{
  return (gconstpointer) ((guintptr) address + closed->shift);
}

/* The modules mapped now, to tell after a dlclose() which ones it
 * unmapped. */
typedef struct _DetprofMappedModules DetprofMappedModules;

DetprofMappedModules *_detprof_modules_list_mapped (void);

/* Adds to the closed modules those of @before that are no longer mapped,
 * and frees @before; returns how many it added. */
guint                 _detprof_modules_note_closed (DetprofMappedModules *before);

/* For the symbolizer: @func is called for the file of each closed module
 * (one call per file, however many times it was closed), with @bias, the
 * load bias that its addresses have since. */
typedef void (*DetprofClosedFileFunc) (const char *path,
                                       dev_t       dev,
                                       ino_t       ino,
                                       guintptr    bias,
                                       gpointer    user_data);

void                  _detprof_modules_foreach_closed_file (DetprofClosedFileFunc func,
                                                            gpointer              user_data);

/* The path of the closed module's file that @address names since, and
 * the offset of @address in it; NULL if @address names no closed module's
 * code. */
const char           *_detprof_modules_find_closed_file (guintptr  address,
                                                         guintptr *offset);

G_END_DECLS
