/* detprof-modules.c: the modules the program closed, and where their
 * functions are known since.
 *
 * The agent's dlclose() lists the modules mapped before the real one
 * runs, and after it those that are gone (a library can stay loaded,
 * since dlopen() counts references, and its dependencies can go with
 * it). Each module gone is added to a list that only grows, and that the
 * threads read without a lock: each thread, at its next event, moves its
 * records of the module's functions to the addresses they have since
 * (detprof-thread.c), before a later module can be called at the old
 * ones.
 *
 * Those addresses are the closed module's file placed where no code can
 * be: from 2^62 up, far beyond the 57 bits that the largest virtual
 * address spaces have (x86-64 with five-level paging), each file in a
 * slot of its own. The file is the identity, not the closing: a library
 * closed, opened again and closed again has the same functions, at the
 * same offsets, so its records go to the same place. When the profile is
 * written, the symbolizer reads each file at its place, as it reads a
 * mapped module at its load address.
 *
 * A file is named by its path, and told apart from another file put at
 * the same path since by its device and inode: the profile is written at
 * the exit, and a plugin may have been rebuilt by then. One that is gone
 * by then (or replaced) leaves its functions unnamed, but still apart.
 */
#include "config.h"

#include <link.h>
#include <string.h>
#include <sys/stat.h>

#include "detprof-modules-private.h"

/* A closed module's file, and the load bias its functions have since. */
typedef struct _ClosedFile ClosedFile;

struct _ClosedFile
{
  char       *path;       /* owned: absolute */
  gboolean    known;      /* dev and ino are the file's (it could be looked at) */
  dev_t       dev;
  ino_t       ino;
  guintptr    bias;       /* where the file is placed since: a slot's start */
  ClosedFile *next;
};

/* Every module mapped at one time. */
typedef struct
{
  char     *path;         /* owned: as the dynamic linker names it */
  guintptr  bias;         /* its load bias */
  guintptr  start;        /* its segments span [start, end) */
  guintptr  end;
} MappedModule;

struct _DetprofMappedModules
{
  GArray             *modules;  /* MappedModule */
  unsigned long long  unloads;  /* modules unloaded until then, by the dynamic linker's count */
};

/* The head of the list of closed modules: holds no address. */
static DetprofClosedModule no_module_closed;
/* The last one added, or one before it: where to start looking for the end. */
static DetprofClosedModule *last_closed = &no_module_closed;

static ClosedFile *closed_files;      /* newest first */
static guint       n_closed_files;    /* slots handed out */

#if GLIB_SIZEOF_VOID_P == 8
#define CLOSED_FILES_START G_GUINT64_CONSTANT (0x4000000000000000)
#define CLOSED_FILE_SLOT   (G_GUINT64_CONSTANT (1) << 36)   /* 64 GB, more than any library spans */
#define MAX_CLOSED_FILES   (1u << 26)                       /* up to 2^63 */
#endif

/* ---- the list of closed modules ---- */

const DetprofClosedModule *
_detprof_modules_last_closed (void)
{
  const DetprofClosedModule *closed = __atomic_load_n (&last_closed, __ATOMIC_ACQUIRE);
  const DetprofClosedModule *next;

  while ((next = _detprof_closed_module_next (closed)) != NULL)
    closed = next;
  return closed;
}

/* Two threads may close modules at once: each links its module after the
 * one it finds last, and the loser of a race tries again further on. */
static void
append_closed_module (DetprofClosedModule *closed)
{
  DetprofClosedModule *last = (DetprofClosedModule *) _detprof_modules_last_closed ();
  DetprofClosedModule *expected = NULL;

  while (!__atomic_compare_exchange_n (&last->next, &expected, closed, FALSE,
                                       __ATOMIC_RELEASE, __ATOMIC_ACQUIRE))
    {
      last = expected;
      expected = NULL;
    }
  __atomic_store_n (&last_closed, closed, __ATOMIC_RELEASE);
}

/* ---- files, and their places ---- */

/* The place of @module's file, found or given now; NULL if the module
 * spans more than a slot, or there is no room left (or on a 32-bit
 * machine, which has no addresses to spare): its functions then keep
 * their addresses. Two threads that close one file at once may give it
 * two places: its functions have the same names at both. */
static ClosedFile *
closed_file_for (const MappedModule *module)
{
#if GLIB_SIZEOF_VOID_P == 8
  g_autofree char *absolute = g_canonicalize_filename (module->path, NULL);
  ClosedFile *file;
  struct stat st;
  gboolean known = (stat (absolute, &st) == 0);
  guint index;

  if (module->end - module->bias > CLOSED_FILE_SLOT)
    return NULL;
  for (file = __atomic_load_n (&closed_files, __ATOMIC_ACQUIRE); file != NULL; file = file->next)
    if (known && file->known && file->dev == st.st_dev && file->ino == st.st_ino)
      return file;

  index = __atomic_fetch_add (&n_closed_files, 1, __ATOMIC_RELAXED);
  if (index >= MAX_CLOSED_FILES)
    return NULL;
  file = g_new0 (ClosedFile, 1);
  file->path = g_steal_pointer (&absolute);
  file->known = known;
  file->dev = known ? st.st_dev : 0;
  file->ino = known ? st.st_ino : 0;
  file->bias = CLOSED_FILES_START + index * CLOSED_FILE_SLOT;
  file->next = __atomic_load_n (&closed_files, __ATOMIC_RELAXED);
  while (!__atomic_compare_exchange_n (&closed_files, &file->next, file, FALSE,
                                       __ATOMIC_RELEASE, __ATOMIC_RELAXED))
    ;
  return file;
#else
  return NULL;
#endif
}

void
_detprof_modules_foreach_closed_file (DetprofClosedFileFunc func,
                                      gpointer              user_data)
{
  ClosedFile *file;

  for (file = __atomic_load_n (&closed_files, __ATOMIC_ACQUIRE); file != NULL; file = file->next)
    if (file->known)
      func (file->path, file->dev, file->ino, file->bias, user_data);
}

const char *
_detprof_modules_find_closed_file (guintptr  address,
                                   guintptr *offset)
{
#if GLIB_SIZEOF_VOID_P == 8
  ClosedFile *file;

  for (file = __atomic_load_n (&closed_files, __ATOMIC_ACQUIRE); file != NULL; file = file->next)
    if (address >= file->bias && address - file->bias < CLOSED_FILE_SLOT)
      {
        *offset = address - file->bias;
        return file->path;
      }
#endif
  return NULL;
}

/* ---- what dlclose() unmapped ---- */

static void
mapped_modules_free (DetprofMappedModules *mapped)
{
  guint i;

  for (i = 0; i < mapped->modules->len; i++)
    g_free (g_array_index (mapped->modules, MappedModule, i).path);
  g_array_unref (mapped->modules);
  g_free (mapped);
}

static int
add_mapped_module (struct dl_phdr_info *info,
                   size_t               size,
                   void                *data)
{
  DetprofMappedModules *mapped = data;
  MappedModule module = { NULL, info->dlpi_addr, G_MAXSIZE, 0 };
  int i;

  mapped->unloads = info->dlpi_subs;
  /* The program itself and the vDSO are never closed, and have no file
   * to read later. */
  if (info->dlpi_name == NULL || strchr (info->dlpi_name, '/') == NULL)
    return 0;
  for (i = 0; i < info->dlpi_phnum; i++)
    if (info->dlpi_phdr[i].p_type == PT_LOAD)
      {
        module.start = MIN (module.start, module.bias + info->dlpi_phdr[i].p_vaddr);
        module.end = MAX (module.end, module.bias + info->dlpi_phdr[i].p_vaddr + info->dlpi_phdr[i].p_memsz);
      }
  if (module.end == 0)
    return 0;
  module.path = g_strdup (info->dlpi_name);
  g_array_append_val (mapped->modules, module);
  return 0;
}

DetprofMappedModules *
_detprof_modules_list_mapped (void)
{
  DetprofMappedModules *mapped = g_new0 (DetprofMappedModules, 1);

  mapped->modules = g_array_new (FALSE, FALSE, sizeof (MappedModule));
  dl_iterate_phdr (add_mapped_module, mapped);
  return mapped;
}

static int
read_unloads (struct dl_phdr_info *info,
              size_t               size,
              void                *data)
{
  *(unsigned long long *) data = info->dlpi_subs;
  return 1;
}

static gboolean
is_mapped (const DetprofMappedModules *mapped,
           const MappedModule         *module)
{
  guint i;

  for (i = 0; i < mapped->modules->len; i++)
    {
      const MappedModule *other = &g_array_index (mapped->modules, MappedModule, i);

      if (other->bias == module->bias && other->start == module->start && other->end == module->end
          && strcmp (other->path, module->path) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
note_closed_module (const MappedModule *module)
{
  ClosedFile *file = closed_file_for (module);
  DetprofClosedModule *closed;

  if (file == NULL)
    return FALSE;
  closed = g_new0 (DetprofClosedModule, 1);
  closed->start = module->start;
  closed->end = module->end;
  closed->shift = file->bias - module->bias;
  append_closed_module (closed);
  return TRUE;
}

guint
_detprof_modules_note_closed (DetprofMappedModules *before)
{
  DetprofMappedModules *after;
  unsigned long long unloads = 0;
  guint n = 0, i;

  /* Most often the library stays loaded (another reference holds it),
   * and the dynamic linker's count of unloads says so at once. */
  dl_iterate_phdr (read_unloads, &unloads);
  if (unloads == before->unloads)
    {
      mapped_modules_free (before);
      return 0;
    }

  after = _detprof_modules_list_mapped ();
  for (i = 0; i < before->modules->len; i++)
    {
      const MappedModule *module = &g_array_index (before->modules, MappedModule, i);

      if (!is_mapped (after, module) && note_closed_module (module))
        n++;
    }
  mapped_modules_free (after);
  mapped_modules_free (before);
  return n;
}
