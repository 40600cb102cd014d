/* detprof-symbols.c: code addresses of this process → (file, line, function).
 *
 * While profiling we only keep raw addresses: the entry point of each
 * function (this_fn) and the return address of each call (call_site).
 * When the profile is written, each distinct address is turned into a
 * name here, once, with elfutils' libdwfl.
 *
 * The one idea: an address belongs to a module (the executable or a shared
 * library, wherever it was loaded), and inside that module to a compile
 * unit, and inside that to the code of one out-of-line function: a
 * DW_TAG_subprogram with an address range. libdwfl removes the load bias
 * for us and finds the unit. The first time we need a function of a unit,
 * we walk the unit's DIEs once and sort the ranges of all its functions;
 * each address is then a binary search away. (DW_TAG_inlined_subroutine
 * DIEs inside a function are bodies of other functions that the compiler
 * copied in: the code still belongs to the function around them.) An
 * out-of-line copy of an inline function has no name of its own: its
 * DW_AT_abstract_origin points at the DIE that has the name and the
 * declaration's file and line: we follow that link (and
 * DW_AT_specification) as dwarf_attr_integrate () would, reading each DIE
 * of the chain once (function_attributes ()).
 *
 * Everything that is looked up once per function is found so, in a table
 * made once per unit or module, never by a walk: a C++ program has a
 * hundred thousand functions, often in a few units, and a walk per
 * function would take hours. See find_subprogram () and elf_symbol_name ().
 *
 * When there is no DWARF we fall back, tier by tier, to the ELF symbol
 * table (a name, but no file or line), and then to the bare address.
 *
 * C++ adds two things. Names: a C++ function is named by its linkage
 * name (the mangled symbol), demangled; the form is set out above
 * _detprof_symbol_strip_parameters (). And declarations: a program that
 * uses std::string calls functions that its headers declare but that
 * live, instantiated once for everybody, in libstdc++.so, which usually
 * has no debug information. The program's own DWARF declares them,
 * with their linkage names and the header's file and line; so for a
 * mangled symbol without DWARF of its own we look it up among the
 * declarations of every module, indexed once, on first need.
 *
 * Every source path is normalised lexically ("lib//a/../b.h" is
 * "lib/b.h"), after joining it to the compilation directory.
 *
 * A symbolizer is not thread-safe: it is meant to be used by the one
 * thread that writes the profile.
 */
#include "config.h"

#include "detprof-symbols-private.h"

#include <elfutils/libdwfl.h>
#include <dlfcn.h>
#include <dwarf.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "detprof-error.h"
#include "detprof-modules-private.h"

struct _DetprofSymbolizer
{
  Dwfl       *dwfl;          /* owned: the modules mapped at creation */
  GHashTable *functions;     /* owned: entry address → its index in kept, plus 1 */
  GHashTable *call_sites;    /* owned: return address → its index in kept, plus 1 */
  GArray     *kept;          /* owned: KeptSymbol, every answer given so far */
  GStringChunk *strings;     /* owned: the strings of kept */
  GHashTable *cu_ranges;     /* owned: Dwfl_Module → GArray of CuRange, made on demand */
  GHashTable *symbol_tables; /* owned: Dwfl_Module → SymbolTable (owned), made on demand */
  GHashTable *paths;         /* owned: SourceName (owned) → the path shown (owned) */
  GHashTable *cu_functions;  /* owned: a unit's DIE (its address in .debug_info)
                              * → GArray of FunctionRange, made on demand */
  GHashTable *declarations;  /* owned, NULL until needed: linkage name (libdw's
                              * string) → Dwarf_Die (owned) that declares it */
  GHashTable *signatures;    /* owned, NULL until needed: demangled name with
                              * parameters (owned) → Dwarf_Die (declarations') */

  /* The unit of the last declaration read, and what every declaration in
   * it needs: functions are named unit by unit, so this spares reading
   * the unit's DIE again for each. */
  Dwarf_CU   *unit;
  const char *unit_comp_dir;
  Dwarf_Files *unit_files;   /* NULL if the unit has no line table */
  size_t      unit_n_files;
  Dwarf_Half  unit_version;
};

/* An answer, kept for the next time its address is asked for, and lent
 * as it is. A profile of 100,000 functions keeps 200,000 of them: their
 * strings are kept in a few large blocks (the symbolizer's strings),
 * since allocating and freeing them one by one would cost about as much
 * as finding them. */
typedef DetprofSymbolView KeptSymbol;

/* One ELF symbol that can name code, as dwfl_module_addrinfo () sees it. */
typedef struct
{
  Dwarf_Addr  start;       /* its address, load bias included */
  Dwarf_Addr  end;         /* start + size: start, for a label without a size */
  Dwarf_Addr  reach;       /* the highest end of this symbol and those sorted before it */
  const char *name;        /* libdwfl's, valid as long as the Dwfl */
} ElfSymbol;

/* A module's symbols. */
typedef struct
{
  GArray   *symbols;       /* owned: ElfSymbol, sorted by start */
  gboolean  usable;        /* FALSE: libdwfl must answer every time */
} SymbolTable;

/* A source file as DWARF names it. Both strings are libdw's, which stay
 * where they are as long as the Dwfl: their addresses tell files apart. */
typedef struct
{
  const char *file;
  const char *comp_dir;
} SourceName;

/* One address range of a compile unit, for modules without .debug_aranges. */
typedef struct
{
  Dwarf_Addr  low;         /* the range, load bias included: [low, high) */
  Dwarf_Addr  high;
  Dwarf_Addr  bias;
  Dwarf_Die  *cu_die;      /* libdwfl's, valid as long as the Dwfl */
} CuRange;

/* One address range of the code of one function of a compile unit. */
typedef struct
{
  Dwarf_Addr low;          /* the range, relative to the module: [low, high) */
  Dwarf_Addr high;
  Dwarf_Addr reach;        /* the highest high of this range and those sorted before it */
  int        depth;        /* how deep its DIE lies under the unit's */
  guint      order;        /* where its DIE comes in the unit */
  Dwarf_Die  die;          /* the function's DW_TAG_subprogram */
} FunctionRange;

/* How deep we follow nested namespaces, classes and blocks: DWARF from a
 * real compiler stays far below this; a corrupt file does not get to
 * exhaust our stack. */
#define MAX_SCOPE_DEPTH 256

/* libdwfl keeps a pointer to these for the life of the Dwfl, so they are
 * static. A NULL debuginfo_path means the standard search path: next to
 * the file, in .debug/, and in /usr/lib/debug (by build-id or by path). */
static const Dwfl_Callbacks self_callbacks =
{
  .find_elf = dwfl_linux_proc_find_elf,
  .find_debuginfo = dwfl_standard_find_debuginfo,
  .debuginfo_path = NULL,
};

void
_detprof_symbol_clear (DetprofSymbol *symbol)
{
  g_return_if_fail (symbol != NULL);

  g_clear_pointer (&symbol->file, g_free);
  g_clear_pointer (&symbol->name, g_free);
  symbol->line = 0;
}

static void
symbol_table_free (gpointer data)
{
  SymbolTable *table = data;

  g_array_unref (table->symbols);
  g_free (table);
}

/* ---- paths ---- */

char *
_detprof_path_normalize (const char *path)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  GString *normal;
  gboolean absolute;
  guint i;

  g_return_val_if_fail (path != NULL, NULL);

  if (*path == '\0')
    return g_strdup (path);

  absolute = (path[0] == '/');
  parts = g_strsplit (path, "/", -1);
  kept = g_ptr_array_new ();

  for (i = 0; parts[i] != NULL; i++)
    {
      const char *part = parts[i];

      /* "a//b" and "a/./b" are "a/b". */
      if (*part == '\0' || strcmp (part, ".") == 0)
        continue;

      if (strcmp (part, "..") == 0)
        {
          /* "a/b/.." is "a"; but "../.." has nothing to cancel, and the
           * parent of "/" is "/". */
          if (kept->len > 0 && strcmp (g_ptr_array_index (kept, kept->len - 1), "..") != 0)
            {
              g_ptr_array_remove_index (kept, kept->len - 1);
              continue;
            }
          if (absolute)
            continue;
        }

      g_ptr_array_add (kept, (gpointer) part);
    }

  normal = g_string_new (absolute ? "/" : "");
  for (i = 0; i < kept->len; i++)
    {
      if (i > 0)
        g_string_append_c (normal, '/');
      g_string_append (normal, g_ptr_array_index (kept, i));
    }
  if (normal->len == 0)
    g_string_append_c (normal, '.');

  return g_string_free (normal, FALSE);
}

static guint
source_name_hash (gconstpointer key)
{
  const SourceName *name = key;

  return g_direct_hash (name->file) * 31 + g_direct_hash (name->comp_dir);
}

static gboolean
source_name_equal (gconstpointer a,
                   gconstpointer b)
{
  const SourceName *x = a, *y = b;

  return x->file == y->file && x->comp_dir == y->comp_dir;
}

/* ---- C++ names ----
 *
 * The demangler is the C++ runtime's own, __cxa_demangle (), which
 * libstdc++ provides, and libc++abi under the same name. We do not link
 * libstdc++ for it: this code is also inside the agent that is preloaded
 * into every profiled program, C programs included, and a link-time
 * dependency would load the C++ runtime, and run its initialisers, in all
 * of them, for names that most profiles never meet. So the demangler is
 * looked for when the first mangled name is met, at the end of the run:
 * in the process itself, where a C++ program has it already, and else in
 * libstdc++.so.6, opened with dlopen () and kept open until the process
 * ends. Without either, names stay as the linker spells them.
 */

typedef char *(*CxaDemangleFunc) (const char *mangled,
                                  char       *buffer,
                                  size_t     *length,
                                  int        *status);

static CxaDemangleFunc
find_demangler (void)
{
  static CxaDemangleFunc demangle = NULL;
  static gsize looked = 0;

  if (g_once_init_enter (&looked))
    {
      void *found = dlsym (RTLD_DEFAULT, "__cxa_demangle");

      if (found == NULL)
        {
          void *runtime = dlopen ("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);

          if (runtime != NULL)
            found = dlsym (runtime, "__cxa_demangle");
        }

      /* POSIX's way of turning dlsym ()'s answer into a function. */
      if (found != NULL)
        memcpy (&demangle, &found, sizeof demangle);

      g_once_init_leave (&looked, 1);
    }

  return demangle;
}

/* The name a function is shown with, from its demangled symbol
 * ("void ns::Box<int>::put(int) const"):
 *
 *  - its qualified name, without the return type that the demangler
 *    writes first for function templates, and without the parameter list
 *    and the qualifiers that follow it: "ns::Box<int>::put". A profile's
 *    rows are told apart by file:line already, and overloads are declared
 *    on lines of their own;
 *  - everything the demangler writes inside the name stays: template
 *    arguments ("std::vector<int, std::allocator<int> >::push_back"),
 *    operators ("ns::Box<int>::operator<", "operator new[]",
 *    "ns::Box<int>::operator bool", "ns::operator<< <char>"), anonymous
 *    namespaces ("ns::(anonymous namespace)::helper"), and lambdas and
 *    other local entities with the function they are local to, whose
 *    parameters then stay, since they tell the lambdas of two overloads
 *    apart ("ns::A::run(int) const::{lambda(int)#1}::operator()");
 *  - GCC's clones stay distinct, as functions of their own:
 *    "ns::work [clone .constprop.0]"; and thunks say that they are:
 *    "non-virtual thunk to ns::C::f";
 *  - ABI tags ("[abi:cxx11]") go: they belong to the symbol, not to the
 *    name a programmer wrote;
 *  - a name of a shape this scan does not know (a function template
 *    returning a pointer to a function, say) is not cut: NULL tells the
 *    caller to show it whole.
 *
 * Where no line is known for a function (a library without debug
 * information whose symbol no other module declares), the symbolizer keeps
 * the parameter list, without the return type, because then nothing else
 * tells overloads apart.
 *
 * The scan reads the demangler's output left to right, keeping a stack of
 * open brackets. The parameter list is the last "(" at the outermost level
 * that follows a name; the name starts after the last outermost space
 * before it, which ends a return type. "operator" and the symbol after it
 * are read as one word, so that the "<" of "operator<" opens nothing. */

/* Operators as the demangler writes them after "operator", longest first
 * so that "<<=" is not read as "<". */
static const char *const operator_symbols[] =
{
  "->*", "<=>", "<<=", ">>=",
  "->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "++", "--",
  "+=", "-=", "*=", "/=", "%=", "^=", "&=", "|=", "()", "[]",
  "+", "-", "*", "/", "%", "^", "&", "|", "~", "!", "=", "<", ">", ",",
};

/* What the demangler writes before a function for special symbols; the
 * function's name follows. */
static const char *const special_prefixes[] =
{
  "non-virtual thunk to ",
  "virtual thunk to ",
  "covariant return thunk to ",
  "transaction clone for ",
};

#define MAX_NAME_NESTING 128

static gboolean
is_identifier_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '$';
}

/* Whether @word stands as a whole word at @text + @at. */
static gboolean
word_at (const char *text,
         gsize       at,
         const char *word)
{
  gsize length = strlen (word);

  return strncmp (text + at, word, length) == 0
         && (at == 0 || !is_identifier_char (text[at - 1]))
         && !is_identifier_char (text[at + length]);
}

/* The length of an operator's name at @text, just after "operator":
 * " new[]", "<<", "()". A space before template arguments belongs to it
 * ("operator< <int>"). 0 for a conversion ("operator bool"), whose name
 * is a type that the caller reads on. */
static gsize
operator_name_length (const char *text)
{
  gsize length = 0;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (operator_symbols) && length == 0; i++)
    if (g_str_has_prefix (text, operator_symbols[i]))
      length = strlen (operator_symbols[i]);

  if (length > 0)
    return length + (text[length] == ' ' && text[length + 1] == '<' ? 1 : 0);

  if (text[0] == ' '
      && (word_at (text, 1, "new") || word_at (text, 1, "delete") || word_at (text, 1, "co_await")))
    {
      length = 1;
      while (is_identifier_char (text[length]))
        length++;
      if (g_str_has_prefix (text + length, "[]"))
        length += 2;
      return length;
    }

  /* A literal operator: operator"" _km */
  if (g_str_has_prefix (text, "\"\""))
    {
      length = 2;
      if (text[length] == ' ')
        length++;
      while (is_identifier_char (text[length]))
        length++;
      return length;
    }

  return 0;
}

/* Whether the space at @text + @at is followed by what may follow a
 * parameter list (" const", " &&", " [clone .isra.0]"), rather than being
 * the end of a return type. */
static gboolean
qualifier_follows (const char *text,
                   gsize       at)
{
  static const char *const qualifiers[] =
  {
    "const", "volatile", "restrict", "noexcept", "throw", "transaction_safe",
  };
  guint i;

  if (text[at + 1] == '&' || g_str_has_prefix (text + at + 1, "[clone "))
    return TRUE;
  for (i = 0; i < G_N_ELEMENTS (qualifiers); i++)
    if (word_at (text, at + 1, qualifiers[i]))
      return TRUE;

  return FALSE;
}

/* Whether the "(" at @text + @at opens an operand of a keyword
 * ("decltype (...)" in a return type) rather than a parameter list. */
static gboolean
keyword_before (const char *text,
                gsize       at)
{
  static const char *const keywords[] =
  {
    "decltype", "noexcept", "throw", "sizeof", "alignof", "typeid",
  };
  gsize end = at;
  guint i;

  if (end > 0 && text[end - 1] == ' ')
    end--;
  for (i = 0; i < G_N_ELEMENTS (keywords); i++)
    {
      gsize length = strlen (keywords[i]);

      if (end >= length && word_at (text, end - length, keywords[i]))
        return TRUE;
    }

  return FALSE;
}

/* Finds, in a demangled function name, where the name starts (past the
 * return type) and where its parameter list starts and ends. FALSE if
 * the brackets do not balance or no parameter list follows a name. */
static gboolean
split_function_name (const char *text,
                     gsize      *name_start,
                     gsize      *params_start,
                     gsize      *params_end)
{
  char open[MAX_NAME_NESTING];        /* the brackets open at this point */
  gsize opened_at[MAX_NAME_NESTING];  /* and where each one was opened */
  gsize depth = 0;
  gsize start = 0;                    /* the name's start, as far as we know */
  gsize operator_end = G_MAXSIZE;     /* just past the last operator's name */
  gboolean conversion = FALSE;        /* inside "operator TYPE", before its "(" */
  gboolean found = FALSE;
  gboolean follows_name = FALSE;      /* the last "(" found came after a name */
  gsize i = 0;

  while (text[i] != '\0')
    {
      char c = text[i];

      if (c == 'o' && word_at (text, i, "operator"))
        {
          gsize length = operator_name_length (text + i + 8);

          i += 8 + length;
          operator_end = i;
          if (length == 0 && depth == 0)
            conversion = TRUE;
          continue;
        }

      switch (c)
        {
        case '(':
          if (depth == 0
              && !g_str_has_prefix (text + i, "(anonymous namespace)")
              && !keyword_before (text, i))
            {
              found = TRUE;
              *name_start = start;
              *params_start = i;
              *params_end = 0;
              follows_name = conversion || operator_end == i
                             || (i > 0 && (is_identifier_char (text[i - 1])
                                           || text[i - 1] == '>' || text[i - 1] == ']'));
              conversion = FALSE;
            }
          G_GNUC_FALLTHROUGH;
        case '[':
        case '{':
          if (depth == MAX_NAME_NESTING)
            return FALSE;
          open[depth] = c;
          opened_at[depth] = i;
          depth++;
          break;

        case '<':
          /* Inside parentheses, in an expression, "<" compares. */
          if (depth > 0 && open[depth - 1] == '(')
            break;
          if (depth == MAX_NAME_NESTING)
            return FALSE;
          open[depth] = c;
          opened_at[depth] = i;
          depth++;
          break;

        case '>':
          if (depth > 0 && open[depth - 1] == '<')
            depth--;
          else if (depth == 0 || open[depth - 1] != '(')
            return FALSE;
          break;

        case ')':
        case ']':
        case '}':
          if (depth == 0
              || open[depth - 1] != (c == ')' ? '(' : c == ']' ? '[' : '{'))
            return FALSE;
          depth--;
          if (found && depth == 0 && opened_at[depth] == *params_start)
            *params_end = i + 1;
          break;

        case ' ':
          if (depth == 0 && !conversion && !qualifier_follows (text, i))
            start = i + 1;
          break;

        default:
          break;
        }
      i++;
    }

  return depth == 0 && found && follows_name && *params_end > *params_start;
}

/* @text without its "[abi:...]" tags. */
static char *
without_abi_tags (const char *text)
{
  GString *out = g_string_new (NULL);
  const char *tag;

  while ((tag = strstr (text, "[abi:")) != NULL)
    {
      const char *end = strchr (tag, ']');

      if (end == NULL)
        break;
      g_string_append_len (out, text, tag - text);
      text = end + 1;
    }
  g_string_append (out, text);

  return g_string_free (out, FALSE);
}

/* The demangled @demangled as the rule above shows it: the name alone,
 * or (@with_parameters) the name followed by the rest, from the
 * parameter list on. NULL if its shape is not known. */
static char *
shorten_function_name (const char *demangled,
                       gboolean    with_parameters)
{
  g_autofree char *shown = NULL;
  gsize name_start = 0, params_start = 0, params_end = 0;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (special_prefixes); i++)
    if (g_str_has_prefix (demangled, special_prefixes[i]))
      {
        g_autofree char *rest = shorten_function_name (demangled + strlen (special_prefixes[i]),
                                                       with_parameters);

        return rest != NULL ? g_strconcat (special_prefixes[i], rest, NULL) : NULL;
      }

  if (!split_function_name (demangled, &name_start, &params_start, &params_end))
    return NULL;

  if (with_parameters)
    shown = g_strdup (demangled + name_start);
  else
    {
      const char *clone = strstr (demangled + params_end, " [clone ");

      shown = g_strdup_printf ("%.*s%s", (int) (params_start - name_start),
                               demangled + name_start, clone != NULL ? clone : "");
    }

  return without_abi_tags (shown);
}

char *
_detprof_symbol_strip_parameters (const char *demangled)
{
  g_return_val_if_fail (demangled != NULL, NULL);

  return shorten_function_name (demangled, FALSE);
}

char *
_detprof_symbol_demangle (const char *mangled,
                          gboolean    with_parameters)
{
  CxaDemangleFunc demangle;
  char *demangled;
  char *shown;
  int status = 0;

  g_return_val_if_fail (mangled != NULL, NULL);

  if (!g_str_has_prefix (mangled, "_Z"))
    return NULL;

  demangle = find_demangler ();
  if (demangle == NULL)
    return NULL;

  /* malloc ()ed by the runtime, so free ()d here. */
  demangled = demangle (mangled, NULL, NULL, &status);
  if (demangled == NULL || status != 0)
    {
      free (demangled);
      return NULL;
    }

  shown = shorten_function_name (demangled, with_parameters);
  if (shown == NULL)
    shown = without_abi_tags (demangled);
  free (demangled);

  return shown;
}

/* What to show for the symbol or DWARF name @source: demangled if it is a
 * C++ symbol, as it is otherwise. */
static char *
display_name (const char *source,
              gboolean    with_parameters)
{
  char *name = _detprof_symbol_demangle (source, with_parameters);

  return name != NULL ? name : g_strdup (source);
}

/* The file of a module the program closed, placed where the records of
 * its functions were moved to (detprof-modules-private.h), if it is still
 * the file that was mapped: libdwfl then finds its functions there as in
 * any other module. */
static void
report_closed_file (const char *path,
                    dev_t       dev,
                    ino_t       ino,
                    guintptr    bias,
                    gpointer    user_data)
{
  Dwfl *dwfl = user_data;
  struct stat st;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return;
  /* On success, libdwfl keeps the descriptor, and closes it. */
  if (fstat (fd, &st) != 0 || st.st_dev != dev || st.st_ino != ino
      || dwfl_report_elf (dwfl, path, path, fd, bias, true) == NULL)
    close (fd);
}

DetprofSymbolizer *
_detprof_symbolizer_new_for_self (GError **error)
{
  DetprofSymbolizer *self;
  Dwfl *dwfl;
  int rc;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dwfl = dwfl_begin (&self_callbacks);
  if (dwfl == NULL)
    {
      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_SYMBOLS,
                   "Cannot start libdwfl: %s", dwfl_errmsg (-1));
      return NULL;
    }

  /* One module per file in /proc/TID/maps, at the address it was loaded
   * at: PIE or not, the bias is the module's business, not ours. The
   * calling thread's own entry, not the process's: once the main thread
   * has called pthread_exit(), /proc/PID/maps (the main thread's) is
   * empty, and the last thread writes the profile. */
  dwfl_report_begin (dwfl);
  rc = dwfl_linux_proc_report (dwfl, (pid_t) syscall (SYS_gettid));
  if (rc != 0)
    {
      /* A positive value is an errno from reading /proc; -1 is libdwfl's. */
      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_SYMBOLS,
                   "Cannot list the modules of process %d: %s",
                   (int) getpid (),
                   rc > 0 ? g_strerror (rc) : dwfl_errmsg (-1));
      dwfl_end (dwfl);
      return NULL;
    }
  _detprof_modules_foreach_closed_file (report_closed_file, dwfl);

  if (dwfl_report_end (dwfl, NULL, NULL) != 0)
    {
      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_SYMBOLS,
                   "Cannot list the modules of process %d: %s",
                   (int) getpid (), dwfl_errmsg (-1));
      dwfl_end (dwfl);
      return NULL;
    }

  self = g_new0 (DetprofSymbolizer, 1);
  self->dwfl = dwfl;
  self->functions = g_hash_table_new (NULL, NULL);
  self->call_sites = g_hash_table_new (NULL, NULL);
  self->kept = g_array_new (FALSE, FALSE, sizeof (KeptSymbol));
  self->strings = g_string_chunk_new (64 * 1024);
  self->cu_ranges = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  self->symbol_tables = g_hash_table_new_full (NULL, NULL, NULL, symbol_table_free);
  self->paths = g_hash_table_new_full (source_name_hash, source_name_equal, g_free, g_free);
  self->cu_functions = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);

  return self;
}

void
_detprof_symbolizer_free (DetprofSymbolizer *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->functions, g_hash_table_unref);
  g_clear_pointer (&self->call_sites, g_hash_table_unref);
  g_clear_pointer (&self->kept, g_array_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_clear_pointer (&self->cu_ranges, g_hash_table_unref);
  g_clear_pointer (&self->symbol_tables, g_hash_table_unref);
  g_clear_pointer (&self->paths, g_hash_table_unref);
  g_clear_pointer (&self->cu_functions, g_hash_table_unref);
  g_clear_pointer (&self->signatures, g_hash_table_unref);
  g_clear_pointer (&self->declarations, g_hash_table_unref);
  g_clear_pointer (&self->dwfl, dwfl_end);
  g_free (self);
}

/* The path of the module's file as mapped; libdwfl only knows the main
 * file once it has opened it, and the name reported from /proc otherwise. */
static const char *
module_path (Dwfl_Module *module)
{
  const char *mainfile = NULL;
  const char *name;

  name = dwfl_module_info (module, NULL, NULL, NULL, NULL, NULL,
                           &mainfile, NULL);

  return mainfile != NULL ? mainfile : name;
}

/* ---- ELF symbols ----
 *
 * dwfl_module_addrinfo () names the symbol that holds an address, by rules
 * that weigh overlapping symbols, labels without a size, bindings and
 * sections; but it reads the whole symbol table to do so, every time. So
 * each module's symbols are sorted once, and for the usual address, which
 * one symbol alone holds, the sorted table gives the same answer in a
 * binary search. Only where the rules could weigh two symbols against
 * each other (aliases, labels, overlaps) is libdwfl asked. */

static int
compare_elf_symbols (gconstpointer a,
                     gconstpointer b)
{
  const ElfSymbol *x = a, *y = b;

  return (x->start > y->start) - (x->start < y->start);
}

/* The symbols of @module that dwfl_module_addrinfo () considers, from
 * .symtab or, in a stripped file, .dynsym, sorted; made on first need. */
static SymbolTable *
module_symbols (DetprofSymbolizer *self,
                Dwfl_Module       *module)
{
  SymbolTable *table = g_hash_table_lookup (self->symbol_tables, module);
  Dwarf_Addr reach = 0;
  int n_symbols;
  int i;
  guint j;

  if (table != NULL)
    return table;

  table = g_new0 (SymbolTable, 1);
  table->symbols = g_array_new (FALSE, FALSE, sizeof (ElfSymbol));
  table->usable = TRUE;
  n_symbols = dwfl_module_getsymtab (module);

  for (i = 1; i < n_symbols && table->usable; i++)
    {
      GElf_Sym sym;
      GElf_Sym adjusted;
      GElf_Addr value = 0;
      const char *name = dwfl_module_getsym_info (module, i, &sym, &value, NULL, NULL, NULL);
      ElfSymbol symbol;

      if (name == NULL || *name == '\0' || sym.st_shndx == SHN_UNDEF
          || GELF_ST_TYPE (sym.st_info) == STT_SECTION
          || GELF_ST_TYPE (sym.st_info) == STT_FILE
          || GELF_ST_TYPE (sym.st_info) == STT_TLS)
        continue;

      /* Where functions are called through descriptors (64-bit PowerPC's
       * first ABI), libdwfl tries two addresses for a symbol; we leave
       * such modules to it. */
      if (dwfl_module_getsym (module, i, &adjusted, NULL) == NULL || adjusted.st_value != value)
        table->usable = FALSE;

      symbol.start = value;
      symbol.end = value + sym.st_size;
      symbol.reach = 0;
      symbol.name = name;
      g_array_append_val (table->symbols, symbol);
    }

  g_array_sort (table->symbols, compare_elf_symbols);
  for (j = 0; j < table->symbols->len; j++)
    {
      ElfSymbol *symbol = &g_array_index (table->symbols, ElfSymbol, j);

      reach = MAX (reach, symbol->end);
      symbol->reach = reach;
    }

  g_hash_table_insert (self->symbol_tables, module, table);
  return table;
}

/* The symbols of @table that start at the highest address at or below
 * @address: how many, and (@first) where the first of them is. */
static guint
symbols_below (SymbolTable *table,
               Dwarf_Addr   address,
               guint       *first)
{
  const ElfSymbol *symbols = (const ElfSymbol *) (gpointer) table->symbols->data;
  guint lo = 0, hi = table->symbols->len;
  guint last;

  /* Past the last symbol that starts at or before @address... */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (symbols[mid].start <= address)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo == 0)
    return 0;

  /* ...and back over those that start with it. */
  last = lo - 1;
  *first = last;
  while (*first > 0 && symbols[*first - 1].start == symbols[last].start)
    (*first)--;

  return last - *first + 1;
}

/* The name of the ELF symbol that holds @address, as
 * dwfl_module_addrinfo () names it, and (@offset) how far into it
 * @address lies; NULL if no symbol does. */
static const char *
elf_symbol_name (DetprofSymbolizer *self,
                 Dwfl_Module       *module,
                 Dwarf_Addr         address,
                 GElf_Off          *offset)
{
  SymbolTable *table = module_symbols (self, module);
  guint first = 0;
  guint n;
  GElf_Sym sym;

  *offset = 0;
  if (table->usable)
    {
      const ElfSymbol *symbols = (const ElfSymbol *) (gpointer) table->symbols->data;

      n = symbols_below (table, address, &first);
      if (n == 0)
        return NULL;

      /* One symbol starts closest below @address and holds it, and no
       * symbol that starts before it reaches @address: the rules have
       * nothing to weigh. */
      if (n == 1 && address < symbols[first].end
          && (first == 0 || symbols[first - 1].reach <= address))
        {
          *offset = address - symbols[first].start;
          return symbols[first].name;
        }
    }

  return dwfl_module_addrinfo (module, address, offset, &sym, NULL, NULL, NULL);
}

/* The names of the ELF symbols that start exactly at @address: how many,
 * and (@names) the first of them; 0 if none does. The table must be
 * usable. */
static guint
elf_symbols_at (DetprofSymbolizer  *self,
                Dwfl_Module        *module,
                Dwarf_Addr          address,
                const ElfSymbol   **names)
{
  SymbolTable *table = module_symbols (self, module);
  guint first = 0;
  guint n = symbols_below (table, address, &first);

  if (n == 0 || g_array_index (table->symbols, ElfSymbol, first).start != address)
    return 0;

  *names = &g_array_index (table->symbols, ElfSymbol, first);
  return n;
}

static int
compare_cu_ranges (gconstpointer a,
                   gconstpointer b)
{
  const CuRange *x = a, *y = b;

  return (x->low > y->low) - (x->low < y->low);
}

/* Every address range of every compile unit of @module, sorted. */
static GArray *
index_cu_ranges (Dwfl_Module *module)
{
  GArray *ranges = g_array_new (FALSE, FALSE, sizeof (CuRange));
  Dwarf_Die *cu_die = NULL;
  Dwarf_Addr bias = 0;

  while ((cu_die = dwfl_module_nextcu (module, cu_die, &bias)) != NULL)
    {
      Dwarf_Addr base, low, high;
      ptrdiff_t offset = 0;

      while ((offset = dwarf_ranges (cu_die, offset, &base, &low, &high)) > 0)
        {
          CuRange range = { low + bias, high + bias, bias, cu_die };

          if (low < high)
            g_array_append_val (ranges, range);
        }
    }
  g_array_sort (ranges, compare_cu_ranges);
  return ranges;
}

/* The compile unit whose code holds @address, and the module's load bias.
 * libdwfl finds it through .debug_aranges. clang writes no such table
 * unless asked (-gdwarf-aranges), tools may strip it, and the libdw of
 * Debian 12 (0.188) does not make one up from the units; so without it
 * we look through the units' own ranges. NULL if no unit holds @address. */
static Dwarf_Die *
module_addrdie (DetprofSymbolizer *self,
                Dwfl_Module       *module,
                Dwarf_Addr         address,
                Dwarf_Addr        *bias)
{
  Dwarf_Die *cu_die = dwfl_module_addrdie (module, address, bias);
  GArray *ranges;
  guint lo, hi;

  if (cu_die != NULL)
    return cu_die;

  ranges = g_hash_table_lookup (self->cu_ranges, module);
  if (ranges == NULL)
    {
      ranges = index_cu_ranges (module);
      g_hash_table_insert (self->cu_ranges, module, ranges);
    }

  /* The last range that starts at or before @address. */
  lo = 0;
  hi = ranges->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (ranges, CuRange, mid).low <= address)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo == 0 || address >= g_array_index (ranges, CuRange, lo - 1).high)
    return NULL;

  *bias = g_array_index (ranges, CuRange, lo - 1).bias;
  return g_array_index (ranges, CuRange, lo - 1).cu_die;
}

/* Every function with code in the DIEs under @parent, at any depth of
 * namespaces, classes, functions, blocks and inlined bodies, in the order
 * of the DIEs. */
static void
collect_functions (Dwarf_Die *parent,
                   GArray    *ranges,
                   int        depth)
{
  Dwarf_Die child;

  if (depth > MAX_SCOPE_DEPTH || dwarf_child (parent, &child) != 0)
    return;

  do
    {
      switch (dwarf_tag (&child))
        {
        case DW_TAG_subprogram:
          {
            Dwarf_Addr base, low, high;
            ptrdiff_t offset = 0;

            while ((offset = dwarf_ranges (&child, offset, &base, &low, &high)) > 0)
              {
                FunctionRange range = { low, high, 0, depth, ranges->len, child };

                if (low < high)
                  g_array_append_val (ranges, range);
              }
          }
          collect_functions (&child, ranges, depth + 1);
          break;

        case DW_TAG_namespace:
        case DW_TAG_class_type:
        case DW_TAG_structure_type:
        case DW_TAG_union_type:
        case DW_TAG_lexical_block:
        case DW_TAG_inlined_subroutine:
          collect_functions (&child, ranges, depth + 1);
          break;

        default:
          break;
        }
    }
  while (dwarf_siblingof (&child, &child) == 0);
}

/* By start; among ranges that start together, the one that
 * dwarf_getscopes () would give comes last: the innermost, and among
 * equals the first in the unit. */
static int
compare_function_ranges (gconstpointer a,
                         gconstpointer b)
{
  const FunctionRange *x = a, *y = b;

  if (x->low != y->low)
    return (x->low > y->low) - (x->low < y->low);
  if (x->depth != y->depth)
    return (x->depth > y->depth) - (x->depth < y->depth);
  return (x->order < y->order) - (x->order > y->order);
}

/* The functions of the unit @cu_die, sorted, made on first need. */
static GArray *
unit_functions (DetprofSymbolizer *self,
                Dwarf_Die         *cu_die)
{
  GArray *ranges = g_hash_table_lookup (self->cu_functions, cu_die->addr);
  Dwarf_Addr reach = 0;
  guint i;

  if (ranges != NULL)
    return ranges;

  ranges = g_array_new (FALSE, FALSE, sizeof (FunctionRange));
  collect_functions (cu_die, ranges, 0);
  g_array_sort (ranges, compare_function_ranges);
  for (i = 0; i < ranges->len; i++)
    {
      FunctionRange *range = &g_array_index (ranges, FunctionRange, i);

      reach = MAX (reach, range->high);
      range->reach = reach;
    }
  g_hash_table_insert (self->cu_functions, cu_die->addr, ranges);

  return ranges;
}

/* The function with code at @pc in the table of its unit. */
static gboolean
find_subprogram_in_table (DetprofSymbolizer *self,
                          Dwarf_Die         *cu_die,
                          Dwarf_Addr         pc,
                          Dwarf_Die         *subprogram)
{
  GArray *ranges = unit_functions (self, cu_die);
  guint lo, hi;

  /* The last range that starts at or before @pc... */
  lo = 0;
  hi = ranges->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (ranges, FunctionRange, mid).low <= pc)
        lo = mid + 1;
      else
        hi = mid;
    }

  /* ...or, if it ends before @pc, the nearest earlier one that holds it:
   * the innermost, when a function's code lies inside another's. We stop
   * where no range so far reaches @pc: in a real unit, at once. */
  while (lo > 0 && g_array_index (ranges, FunctionRange, lo - 1).reach > pc)
    {
      const FunctionRange *range = &g_array_index (ranges, FunctionRange, --lo);

      if (pc < range->high)
        {
          *subprogram = range->die;
          return TRUE;
        }
    }

  return FALSE;
}

/* Finds the out-of-line function whose code contains @pc (relative to the
 * module, bias removed) among the DIEs of @cu_die.
 *
 * A table of the unit's functions, sorted by address and made once,
 * answers almost every time. dwarf_getscopes () would also give the
 * answer, innermost scope first, but it walks the unit from its start
 * at every call: naming every function of a unit of n functions that
 * way takes time in n squared, minutes for a unit of 30,000 functions.
 * It also misses functions inside namespaces and classes (elfutils 0.188
 * does not look there), where clang puts the out-of-line copies of
 * inline functions (std::forward, anything in a namespace), and inside
 * a function's local classes, where GCC puts the body of a lambda. It
 * is still asked when the table has nothing, for code whose DIEs the
 * table does not follow (an imported unit's). */
static gboolean
find_subprogram (DetprofSymbolizer *self,
                 Dwarf_Die         *cu_die,
                 Dwarf_Addr         pc,
                 Dwarf_Die         *subprogram)
{
  Dwarf_Die *scopes = NULL;
  gboolean found = FALSE;
  int n_scopes;
  int i;

  if (find_subprogram_in_table (self, cu_die, pc, subprogram))
    return TRUE;

  n_scopes = dwarf_getscopes (cu_die, pc, &scopes);

  /* Innermost first: skip the inlined bodies, stop at the function that
   * owns the machine code. */
  for (i = 0; i < n_scopes && !found; i++)
    {
      if (dwarf_tag (&scopes[i]) == DW_TAG_subprogram)
        {
          *subprogram = scopes[i];
          found = TRUE;
        }
    }

  free (scopes);

  return found;
}

/* ---- what naming a function reads of its DIE ----
 *
 * Each attribute as dwarf_attr_integrate () finds it: on the DIE, else on
 * the DIE it is an instance of (DW_AT_abstract_origin) or that it
 * completes (DW_AT_specification), and so on along that chain. Asking
 * libdw for each in turn walks the DIE's attributes once per question:
 * nine walks for a C function, three of them for the linkage names it
 * does not have. One pass over each DIE of the chain finds them all. */

enum
{
  ATTRIBUTE_NAME,
  ATTRIBUTE_LINKAGE_NAME,
  ATTRIBUTE_MIPS_LINKAGE_NAME,
  ATTRIBUTE_DECL_FILE,
  ATTRIBUTE_DECL_LINE,
  N_ATTRIBUTES
};

/* How many links dwarf_attr_integrate () follows at most. */
#define MAX_INTEGRATE_CHAIN 16

typedef struct
{
  Dwarf_Attribute attribute[N_ATTRIBUTES];
  gboolean        found[N_ATTRIBUTES];
  guint           n_found;
  Dwarf_Attribute link;       /* of the DIE being read: where the chain goes next */
  int             link_kind;  /* DW_AT_abstract_origin, DW_AT_specification, or 0 */
} FunctionAttributes;

static int
gather_attribute (Dwarf_Attribute *attribute,
                  void            *data)
{
  FunctionAttributes *attributes = data;
  int which;

  switch (dwarf_whatattr (attribute))
    {
    case DW_AT_name: which = ATTRIBUTE_NAME; break;
    case DW_AT_linkage_name: which = ATTRIBUTE_LINKAGE_NAME; break;
    case DW_AT_MIPS_linkage_name: which = ATTRIBUTE_MIPS_LINKAGE_NAME; break;
    case DW_AT_decl_file: which = ATTRIBUTE_DECL_FILE; break;
    case DW_AT_decl_line: which = ATTRIBUTE_DECL_LINE; break;

    /* An abstract origin is followed before a specification. */
    case DW_AT_abstract_origin:
      attributes->link = *attribute;
      attributes->link_kind = DW_AT_abstract_origin;
      return DWARF_CB_OK;
    case DW_AT_specification:
      if (attributes->link_kind != DW_AT_abstract_origin)
        {
          attributes->link = *attribute;
          attributes->link_kind = DW_AT_specification;
        }
      return DWARF_CB_OK;

    default:
      return DWARF_CB_OK;
    }

  if (!attributes->found[which])
    {
      attributes->attribute[which] = *attribute;
      attributes->found[which] = TRUE;
      attributes->n_found++;
    }
  return DWARF_CB_OK;
}

static void
function_attributes (Dwarf_Die          *die,
                     FunctionAttributes *out)
{
  Dwarf_Die linked;
  int chain;

  memset (out, 0, sizeof *out);
  for (chain = 0; die != NULL && chain <= MAX_INTEGRATE_CHAIN; chain++)
    {
      out->link_kind = 0;
      if (dwarf_getattrs (die, gather_attribute, out, 0) != 1
          || out->n_found == N_ATTRIBUTES || out->link_kind == 0)
        break;
      die = dwarf_formref_die (&out->link, &linked);
    }
}

static const char *
attribute_string (FunctionAttributes *attributes,
                  int                 which)
{
  return attributes->found[which] ? dwarf_formstring (&attributes->attribute[which]) : NULL;
}

/* The symbol a C++ function's code is known by, from the debug
 * information: DW_AT_linkage_name, or DW_AT_MIPS_linkage_name, which
 * compilers wrote before DWARF 4 named it. NULL for C and for
 * extern "C" functions, whose symbol is their name. */
static const char *
linkage_name (FunctionAttributes *attributes)
{
  const char *name = attribute_string (attributes, ATTRIBUTE_LINKAGE_NAME);

  return name != NULL ? name : attribute_string (attributes, ATTRIBUTE_MIPS_LINKAGE_NAME);
}

/* Whether @elf_name is @name with a suffix that GCC gives the clones it
 * makes of a function (foo.constprop.0, foo.isra.0, foo.part.0). */
static gboolean
is_clone_of (const char *elf_name,
             const char *name)
{
  size_t length = strlen (name);

  return elf_name != NULL && strncmp (elf_name, name, length) == 0 && elf_name[length] == '.';
}

/* Of the names of one function, the one to show (see below), given the
 * name of the ELF symbol that starts at its entry, if any. */
static const char *
choose_source_name (const char *elf_name,
                    const char *linkage,
                    const char *dwarf_name)
{
  /* A C function's linkage name is an assembler label, not a mangled
   * name (glibc's tolower is "__GI_tolower", its internal alias): the
   * name in the source says what it is. */
  if (linkage != NULL && g_str_has_prefix (linkage, "_Z"))
    return is_clone_of (elf_name, linkage) ? elf_name : linkage;

  if (dwarf_name != NULL)
    {
      if (is_clone_of (elf_name, dwarf_name)
          || (elf_name != NULL && g_str_has_prefix (elf_name, "_Z")))
        return elf_name;
      return dwarf_name;
    }

  return elf_name;
}

/* The symbol or DWARF name to show, once demangled, for the function
 * whose DIE's @attributes are given and that starts at @entry: its linkage name if it
 * is a C++ one, else its DWARF name. GCC's clones (foo.constprop.0, foo.isra.0, foo.part.0)
 * carry their source function's names, but they are distinct pieces of
 * code with their own entry points and their own profile entries: we keep
 * the ELF name, which is what gprof and perf show, so that two entries
 * never collapse onto one (file, line, name) key by accident. Some
 * functions have a symbol but no linkage name in DWARF (GCC's lambda
 * bodies): the symbol then says more than the DWARF name
 * ("operator()"). */
static const char *
function_source_name (DetprofSymbolizer  *self,
                      Dwfl_Module        *module,
                      Dwarf_Addr          entry,
                      FunctionAttributes *attributes)
{
  const char *linkage = linkage_name (attributes);
  const char *dwarf_name = attribute_string (attributes, ATTRIBUTE_NAME);
  const char *name = choose_source_name (NULL, linkage, dwarf_name);
  const ElfSymbol *at_entry = NULL;
  const char *elf_name;
  GElf_Off offset = 0;
  gboolean depends = (name == NULL);
  guint n;
  guint i;

  /* Most often the DWARF names win whichever symbol starts at the entry,
   * if any does: then which one libdwfl would pick among aliases (a C++
   * class's complete and base constructors often share their code) does
   * not matter, and is not asked. */
  if (module_symbols (self, module)->usable)
    {
      n = elf_symbols_at (self, module, entry, &at_entry);
      for (i = 0; i < n && !depends; i++)
        depends = g_strcmp0 (choose_source_name (at_entry[i].name, linkage, dwarf_name), name) != 0;
    }
  else
    depends = TRUE;

  if (!depends)
    return name;

  elf_name = elf_symbol_name (self, module, entry, &offset);
  return choose_source_name (offset == 0 ? elf_name : NULL, linkage, dwarf_name);
}

/* DWARF records a source file as it was named on the compiler's command
 * line, relative to the compilation directory unless it was absolute; we
 * join the two so that the report names a file one can open, and
 * normalise the result, lexically: build systems write names such as
 * "lib//compress/../common/mem.h". Distributions build with
 * -fdebug-prefix-map, which leaves a relative compilation directory
 * ("./csu" in glibc): then the path is relative to the top of the
 * package's source tree, and stays relative. */
static char *
join_source_path (const char *file,
                  const char *comp_dir)
{
  g_autofree char *joined = NULL;

  if (g_path_is_absolute (file) || comp_dir == NULL)
    return _detprof_path_normalize (file);

  joined = g_build_filename (comp_dir, file, NULL);
  return _detprof_path_normalize (joined);
}

/* The path of @file, joined to @comp_dir, as the report shows it; both
 * strings are libdw's. Each file is named by every function declared in
 * it and every call made from it: it is joined and normalised once. */
static char *
source_path (DetprofSymbolizer *self,
             const char        *file,
             const char        *comp_dir)
{
  SourceName name = { file, comp_dir };
  char *path;

  if (file == NULL)
    return NULL;

  path = g_hash_table_lookup (self->paths, &name);
  if (path == NULL)
    {
      path = join_source_path (file, comp_dir);
      g_hash_table_insert (self->paths, g_memdup2 (&name, sizeof name), path);
    }

  return g_strdup (path);
}

/* Reads what declarations in @attr's unit need, unless it is the unit of
 * the last one. The unit is not always the unit of the DIE we started
 * from (LTO, dwz). */
static void
enter_unit (DetprofSymbolizer *self,
            Dwarf_Attribute   *attr)
{
  Dwarf_Attribute comp_dir;
  Dwarf_Die cu_die;

  if (attr->cu == self->unit)
    return;

  self->unit = attr->cu;
  self->unit_comp_dir = NULL;
  self->unit_files = NULL;
  self->unit_n_files = 0;
  self->unit_version = 0;
  if (dwarf_cu_die (attr->cu, &cu_die, &self->unit_version,
                    NULL, NULL, NULL, NULL, NULL) == NULL)
    return;
  self->unit_comp_dir = dwarf_formstring (dwarf_attr (&cu_die, DW_AT_comp_dir, &comp_dir));
  if (dwarf_getsrcfiles (&cu_die, &self->unit_files, &self->unit_n_files) != 0)
    self->unit_files = NULL;
}

/* The file that the DW_AT_decl_file @attr names, as its unit's line table
 * lists it. dwarf_decl_file () does the same, but the libdw of Debian 12
 * (0.188) refuses file 0, which DWARF 5 made the unit's primary source
 * file, and with which clang declares every function of that file. */
static const char *
attribute_decl_file (DetprofSymbolizer *self,
                     Dwarf_Attribute   *attr)
{
  Dwarf_Word index;

  if (dwarf_formudata (attr, &index) != 0)
    return NULL;
  enter_unit (self, attr);

  /* Before DWARF 5, files count from 1, and 0 means none. */
  if ((index == 0 && self->unit_version < 5)
      || self->unit_files == NULL || index >= self->unit_n_files)
    return NULL;

  return dwarf_filesrc (self->unit_files, index, NULL, NULL);
}

/* The file and line where a function, or its abstract origin, is
 * declared, from its DIE's @attributes. */
static void
declaration_position (DetprofSymbolizer  *self,
                      FunctionAttributes *attributes,
                      DetprofSymbol      *out)
{
  Dwarf_Word line;

  if (attributes->found[ATTRIBUTE_DECL_FILE])
    {
      const char *file = attribute_decl_file (self, &attributes->attribute[ATTRIBUTE_DECL_FILE]);

      out->file = source_path (self, file, self->unit_comp_dir);
    }

  if (attributes->found[ATTRIBUTE_DECL_LINE]
      && dwarf_formudata (&attributes->attribute[ATTRIBUTE_DECL_LINE], &line) == 0
      && line <= G_MAXINT)
    out->line = (int) line;
}

/* The source file and line of the instruction at @pc (bias included),
 * from the line table. libdwfl finds the table through .debug_aranges;
 * without that, through @cu_die, the unit that module_addrdie () found.
 * Inside an inlined body this is the inlined function's own line, as
 * addr2line and gdb show it for the innermost frame. */
static gboolean
source_line (DetprofSymbolizer *self,
             Dwfl_Module       *module,
             Dwarf_Die         *cu_die,
             Dwarf_Addr         bias,
             Dwarf_Addr         pc,
             DetprofSymbol     *out)
{
  Dwfl_Line *line = dwfl_module_getsrc (module, pc);
  int line_number = 0;

  if (line != NULL)
    {
      const char *file = dwfl_lineinfo (line, NULL, &line_number, NULL, NULL, NULL);

      if (file == NULL)
        return FALSE;
      out->file = source_path (self, file, dwfl_line_comp_dir (line));
      out->line = line_number;
      return TRUE;
    }

  if (cu_die != NULL)
    {
      Dwarf_Line *unit_line = dwarf_getsrc_die (cu_die, pc - bias);
      const char *file = unit_line != NULL ? dwarf_linesrc (unit_line, NULL, NULL) : NULL;
      Dwarf_Attribute comp_dir;

      if (file != NULL && dwarf_lineno (unit_line, &line_number) == 0)
        {
          out->file = source_path (self, file, dwarf_formstring (dwarf_attr (cu_die, DW_AT_comp_dir, &comp_dir)));
          out->line = line_number;
          return TRUE;
        }
    }

  return FALSE;
}

/* Where the function whose DIE's @attributes are given, starting at
 * @entry, is declared. A function that the compiler made up has no declaration
 * (GCC's lambda bodies, whose DW_TAG_subprogram is artificial): the line
 * of its first instruction says where it is. */
static void
function_position (DetprofSymbolizer  *self,
                   Dwfl_Module        *module,
                   Dwarf_Die          *cu_die,
                   Dwarf_Addr          bias,
                   Dwarf_Addr          entry,
                   FunctionAttributes *attributes,
                   DetprofSymbol      *out)
{
  declaration_position (self, attributes, out);
  if (out->file != NULL && out->line > 0)
    return;

  g_clear_pointer (&out->file, g_free);
  out->line = 0;
  source_line (self, module, cu_die, bias, entry, out);
}

/* ---- declarations of C++ symbols, across modules ----
 *
 * Indexed once, on first need, for every module of the process whose
 * debug information is at hand: a call from the program into libstdc++
 * can be made from any of its libraries. "At hand" means already read
 * for a lookup, or inside the module's own file, as in code built with
 * -g: looking for the separate debug information of every library that
 * the process maps (the C library, GLib and the rest that the agent
 * brings) would cost far more than the index is worth, and with
 * DEBUGINFOD_URLS set, libdwfl would download it. Units in C or assembler
 * are skipped at their first DIE. Only the DIEs that can declare a
 * function with external linkage are visited: the unit's own, and those
 * of namespaces and classes, at any depth. The index keeps libdw's
 * strings and copies of DIEs, both valid as long as the Dwfl. */

/* Whether @module's debug information is loaded, or in its own file. */
static gboolean
has_dwarf_at_hand (Dwfl_Module *module)
{
  Dwarf_Addr dwarf_bias = (Dwarf_Addr) -1;
  Dwarf_Addr elf_bias = 0;
  Elf_Scn *section = NULL;
  size_t names;
  Elf *elf;

  dwfl_module_info (module, NULL, NULL, NULL, &dwarf_bias, NULL, NULL, NULL);
  if (dwarf_bias != (Dwarf_Addr) -1)
    return TRUE;

  elf = dwfl_module_getelf (module, &elf_bias);
  if (elf == NULL || elf_getshdrstrndx (elf, &names) != 0)
    return FALSE;

  while ((section = elf_nextscn (elf, section)) != NULL)
    {
      GElf_Shdr header;
      const char *name;

      if (gelf_getshdr (section, &header) == NULL)
        continue;
      name = elf_strptr (elf, names, header.sh_name);
      if (name != NULL && (strcmp (name, ".debug_info") == 0 || strcmp (name, ".zdebug_info") == 0))
        return TRUE;
    }

  return FALSE;
}

static gboolean
may_declare_cxx (Dwarf_Die *cu_die)
{
  switch (dwarf_srclang (cu_die))
    {
    case DW_LANG_C89:
    case DW_LANG_C:
    case DW_LANG_C99:
    case DW_LANG_C11:
    case DW_LANG_Mips_Assembler:
      return FALSE;
    default:
      return TRUE;
    }
}

static void
index_declarations (GHashTable *declarations,
                    Dwarf_Die  *parent,
                    int         depth)
{
  Dwarf_Die child;

  if (depth > MAX_SCOPE_DEPTH || dwarf_child (parent, &child) != 0)
    return;

  do
    {
      switch (dwarf_tag (&child))
        {
        case DW_TAG_subprogram:
          {
            Dwarf_Attribute attr;
            const char *name = dwarf_formstring (dwarf_attr (&child, DW_AT_linkage_name, &attr));

            if (name == NULL)
              name = dwarf_formstring (dwarf_attr (&child, DW_AT_MIPS_linkage_name, &attr));
            if (name != NULL && g_str_has_prefix (name, "_Z")
                && !g_hash_table_contains (declarations, name))
              g_hash_table_insert (declarations, (gpointer) name,
                                   g_memdup2 (&child, sizeof child));
          }
          break;

        case DW_TAG_namespace:
        case DW_TAG_class_type:
        case DW_TAG_structure_type:
        case DW_TAG_union_type:
          index_declarations (declarations, &child, depth + 1);
          break;

        default:
          break;
        }
    }
  while (dwarf_siblingof (&child, &child) == 0);
}

static int
index_module_declarations (Dwfl_Module  *module,
                           void        **userdata,
                           const char   *name,
                           Dwarf_Addr    start,
                           void         *arg)
{
  GHashTable *declarations = arg;
  Dwarf_Die *cu_die = NULL;
  Dwarf_Addr bias = 0;

  if (!has_dwarf_at_hand (module))
    return DWARF_CB_OK;

  while ((cu_die = dwfl_module_nextcu (module, cu_die, &bias)) != NULL)
    if (may_declare_cxx (cu_die))
      index_declarations (declarations, cu_die, 0);

  return DWARF_CB_OK;
}

/* Pairs a declaration with its demangled signature. GCC declares a
 * constructor under the name of the "unified" one (C4), that no symbol
 * has, where the code has the complete (C1) and base (C2) constructors;
 * clang declares it under C2 only. All of them are one function in the
 * source, and demangle to one signature. */
static void
index_signature (gpointer key,
                 gpointer value,
                 gpointer user_data)
{
  GHashTable *signatures = user_data;
  char *signature = _detprof_symbol_demangle (key, TRUE);

  if (signature != NULL && !g_hash_table_contains (signatures, signature))
    g_hash_table_insert (signatures, signature, value);
  else
    g_free (signature);
}

/* The DIE that declares the C++ function @mangled in some module, or
 * another symbol of the same function; NULL if none does. */
static Dwarf_Die *
find_declaration (DetprofSymbolizer *self,
                  const char        *mangled)
{
  g_autofree char *signature = NULL;
  Dwarf_Die *die;

  if (self->declarations == NULL)
    {
      self->declarations = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
      dwfl_getmodules (self->dwfl, index_module_declarations, self->declarations, 0);
    }

  die = g_hash_table_lookup (self->declarations, mangled);
  if (die != NULL)
    return die;

  /* The slower way, demangling every declaration once, only when the
   * symbol itself is declared nowhere. */
  signature = _detprof_symbol_demangle (mangled, TRUE);
  if (signature == NULL)
    return NULL;

  if (self->signatures == NULL)
    {
      self->signatures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_foreach (self->declarations, index_signature, self->signatures);
    }

  return g_hash_table_lookup (self->signatures, signature);
}

gboolean
_detprof_symbolizer_lookup_declaration (DetprofSymbolizer *self,
                                        const char        *mangled,
                                        DetprofSymbol     *out)
{
  DetprofSymbol found = { NULL, 0, NULL };
  FunctionAttributes attributes;
  Dwarf_Die *die;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (mangled != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  die = find_declaration (self, mangled);
  if (die == NULL)
    return FALSE;

  function_attributes (die, &attributes);
  declaration_position (self, &attributes, &found);
  if (found.file == NULL || found.line <= 0)
    {
      _detprof_symbol_clear (&found);
      return FALSE;
    }

  g_free (out->file);
  out->file = g_steal_pointer (&found.file);
  out->line = found.line;

  return TRUE;
}

/* ---- resolving ---- */

/* Nothing is known beyond (maybe) the module: say so with the address,
 * or for a closed module's (whose file may be gone), with the file and
 * the offset in it. */
static void
resolve_unknown (Dwfl_Module   *module,
                 guintptr       address,
                 DetprofSymbol *out)
{
  guintptr offset = 0;
  const char *closed = _detprof_modules_find_closed_file (address, &offset);

  if (closed != NULL)
    {
      out->name = g_strdup_printf ("+0x%" G_GINTPTR_MODIFIER "x", offset);
      out->file = g_strdup (closed);
      out->line = 0;
      return;
    }
  out->name = g_strdup_printf ("0x%" G_GINTPTR_MODIFIER "x", address);
  out->file = g_strdup (module != NULL ? module_path (module) : "??");
  out->line = 0;
}

static void
resolve_function (DetprofSymbolizer *self,
                  guintptr           address,
                  DetprofSymbol     *out)
{
  Dwfl_Module *module;
  Dwarf_Die *cu_die;
  Dwarf_Die subprogram;
  Dwarf_Addr bias = 0;
  GElf_Off offset = 0;
  const char *source;

  module = dwfl_addrmodule (self->dwfl, address);
  if (module == NULL)
    {
      resolve_unknown (NULL, address, out);
      return;
    }

  /* Best: the DWARF of the function that starts here. */
  cu_die = module_addrdie (self, module, address, &bias);
  if (cu_die != NULL && find_subprogram (self, cu_die, address - bias, &subprogram))
    {
      FunctionAttributes attributes;

      function_attributes (&subprogram, &attributes);
      source = function_source_name (self, module, address, &attributes);
      if (source != NULL)
        {
          function_position (self, module, cu_die, bias, address, &attributes, out);
          if (out->file == NULL)
            out->file = g_strdup (module_path (module));
          out->name = display_name (source, out->line == 0);
          return;
        }
    }

  /* Without DWARF: the symbol table gives a name. A C++ symbol may be
   * declared in another module's DWARF, which then gives a file and a
   * line; otherwise there are none. */
  source = elf_symbol_name (self, module, address, &offset);
  if (source != NULL)
    {
      if (!g_str_has_prefix (source, "_Z")
          || !_detprof_symbolizer_lookup_declaration (self, source, out))
        {
          out->file = g_strdup (module_path (module));
          out->line = 0;
        }
      out->name = display_name (source, out->line == 0);
      return;
    }

  resolve_unknown (module, address, out);
}

/* Keeps @found, which it clears, as the answer for @address in @table. */
static const KeptSymbol *
keep_symbol (DetprofSymbolizer *self,
             GHashTable        *table,
             guintptr           address,
             DetprofSymbol     *found)
{
  KeptSymbol kept;

  g_assert (found->file != NULL && found->name != NULL);

  /* Many functions share a file: one copy of its path serves them all. */
  kept.file = g_string_chunk_insert_const (self->strings, found->file);
  kept.name = g_string_chunk_insert (self->strings, found->name);
  kept.line = found->line;
  _detprof_symbol_clear (found);

  g_array_append_val (self->kept, kept);
  g_hash_table_insert (table, GSIZE_TO_POINTER (address), GUINT_TO_POINTER (self->kept->len));

  return &g_array_index (self->kept, KeptSymbol, self->kept->len - 1);
}

/* The answer kept for @address in @table, or NULL. Valid until the next
 * answer is kept. */
static const KeptSymbol *
kept_symbol (DetprofSymbolizer *self,
             GHashTable        *table,
             guintptr           address)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (table, GSIZE_TO_POINTER (address)));

  return index > 0 ? &g_array_index (self->kept, KeptSymbol, index - 1) : NULL;
}

/* The answer for @address in @table: found by @resolve the first time,
 * and kept. Valid until the next answer is kept. */
static const KeptSymbol *
kept_or_resolved (DetprofSymbolizer *self,
                  GHashTable        *table,
                  guintptr           address,
                  void             (*resolve) (DetprofSymbolizer *self,
                                               guintptr           address,
                                               DetprofSymbol     *out))
{
  const KeptSymbol *symbol = kept_symbol (self, table, address);
  DetprofSymbol found = { NULL, 0, NULL };

  if (symbol != NULL)
    return symbol;

  resolve (self, address, &found);
  return keep_symbol (self, table, address, &found);
}

/* The function at @address, resolved once and kept. */
static const KeptSymbol *
function_symbol (DetprofSymbolizer *self,
                 guintptr           address)
{
  return kept_or_resolved (self, self->functions, address, resolve_function);
}

/* Where the function described by @subprogram starts, relative to its
 * module: its entry pc, or the start of its first range (GCC gives a
 * function that it splits into hot and cold parts ranges and no low pc,
 * and lists the part with the entry first). */
static gboolean
subprogram_entry (Dwarf_Die  *subprogram,
                  Dwarf_Addr *entry)
{
  Dwarf_Addr base, low, high;

  if (dwarf_entrypc (subprogram, entry) == 0)
    return TRUE;

  if (dwarf_ranges (subprogram, 0, &base, &low, &high) > 0)
    {
      *entry = low;
      return TRUE;
    }

  return FALSE;
}

static void
resolve_call_site (DetprofSymbolizer *self,
                   guintptr           address,
                   DetprofSymbol     *out)
{
  Dwfl_Module *module;
  Dwarf_Die *cu_die;
  Dwarf_Die subprogram;
  Dwarf_Addr bias = 0;
  Dwarf_Addr entry = 0;
  Dwarf_Addr pc;
  gboolean have_entry = FALSE;

  /* A return address points after the call, maybe already into the next
   * line or even the next function: the call instruction ends one byte
   * before it. */
  pc = address - 1;

  module = dwfl_addrmodule (self->dwfl, pc);
  if (module == NULL)
    {
      resolve_unknown (NULL, address, out);
      return;
    }

  cu_die = module_addrdie (self, module, pc, &bias);
  source_line (self, module, cu_die, bias, pc, out);

  /* The name is the one of the out-of-line function that contains the
   * call, as the dispatcher saw it entered: the function at its entry
   * point, named there as for any other lookup, so that callers and
   * callees match up in the report. */
  if (cu_die != NULL && find_subprogram (self, cu_die, pc - bias, &subprogram)
      && subprogram_entry (&subprogram, &entry))
    {
      entry += bias;
      have_entry = TRUE;
    }
  else
    {
      GElf_Off offset = 0;

      if (elf_symbol_name (self, module, pc, &offset) != NULL)
        {
          entry = pc - offset;
          have_entry = TRUE;
        }
    }

  if (have_entry)
    out->name = g_strdup (function_symbol (self, entry)->name);

  if (out->file == NULL)
    {
      out->file = g_strdup (module_path (module));
      out->line = 0;
    }

  if (out->name == NULL)
    out->name = g_strdup_printf ("0x%" G_GINTPTR_MODIFIER "x", address);
}

gboolean
_detprof_symbolizer_knows_address (DetprofSymbolizer *self,
                                   guintptr           address)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return dwfl_addrmodule (self->dwfl, address) != NULL;
}

static void
copy_symbol (const KeptSymbol *symbol,
             DetprofSymbol    *out)
{
  out->file = g_strdup (symbol->file);
  out->line = symbol->line;
  out->name = g_strdup (symbol->name);
}

/* The call site at @address, resolved once and kept. */
static const KeptSymbol *
call_site_symbol (DetprofSymbolizer *self,
                  guintptr           address)
{
  return kept_or_resolved (self, self->call_sites, address, resolve_call_site);
}

/* Each address is resolved once: a profile asks for the same function as
 * a callee, as a caller, and as a key, and DWARF lookups are not cheap. */
void
_detprof_symbolizer_lookup_function (DetprofSymbolizer *self,
                                     guintptr           address,
                                     DetprofSymbol     *out)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  copy_symbol (function_symbol (self, address), out);
}

void
_detprof_symbolizer_find_function (DetprofSymbolizer *self,
                                   guintptr           address,
                                   DetprofSymbolView *out)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  *out = *function_symbol (self, address);
}

void
_detprof_symbolizer_lookup_call_site (DetprofSymbolizer *self,
                                      guintptr           address,
                                      DetprofSymbol     *out)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  copy_symbol (call_site_symbol (self, address), out);
}

void
_detprof_symbolizer_find_call_site (DetprofSymbolizer *self,
                                    guintptr           address,
                                    DetprofSymbolView *out)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  *out = *call_site_symbol (self, address);
}
