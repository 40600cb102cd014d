/* detprof-stats-read.c: reading a stats dump straight into the table.
 *
 * A dump is one object in Python's marshal format, the stats dict
 *
 *   {(file, line, name): (cc, nc, tt, ct, {(file, line, name): arc, ...}), ...}
 *
 * where an arc is an int count (profile) or a 4-tuple (cProfile, detprof),
 * and in detprof's dumps a second object follows it: the call sites and
 * the facts of the run. A big dump is a dict of a hundred thousand
 * functions and a million arcs, so this reader goes through the bytes once
 * and keeps only what the table keeps: nothing is allocated for a tuple,
 * an int or a float.
 *
 * It reads each object in a role: it knows what it expects there (a key,
 * an arc, a count...) and reads it as that. Two kinds of thing can be
 * wrong:
 *
 *  - the bytes are not marshal data: truncated, an unknown type code, a
 *    size larger than what is left, a bad reference. That is an error at
 *    once, which names the byte where the object starts:
 *    "at byte 1234: unknown type code 0x3f".
 *  - the bytes are marshal data, but not a stats dump: "entry 3: caller 2:
 *    expected an int or a 4-tuple, found a str". Python would have read the
 *    whole object before pstats looked at it, and so would have said what
 *    is wrong with the bytes first, wherever it is. So we stop there, read
 *    the object again from the start as plain marshal data (read_any ()),
 *    and say what is wrong with the bytes if anything is, and only then
 *    what is wrong with the dict.
 *
 * References make the bytes harder than the picture. Python writes a
 * shared object (an interned name, a small int, a key tuple that is both
 * a row and a caller) once with FLAG_REF on its type byte, which gives it
 * the next index of a table, and later only 'r' and that index. We keep a
 * slot for each: the value of an int, a float or a str, the id of a key,
 * and where every object starts and ends. A reference to anything else
 * (an arc or a callers dict, which Python never shares but a hand-made
 * dump may) is read again from where it starts, in its new role.
 *
 * Numbering is the other difficulty: a key is often met as a caller
 * before its own row, yet the rows must come first, in dict order. So each
 * key goes into the table as it is first met, its index there is its id,
 * arcs name their callers by it, and once the whole dict has been read the
 * rows are moved to the front.
 *
 * The input is hostile, as everywhere: every size is checked against the
 * bytes that remain before it is used, nesting is limited as Python limits
 * it, and a reference may only name an object that is complete, so there
 * are no cycles. strs point into the input, or, when they need decoding (a
 * lone surrogate, Latin-1 in an ASCII type), are decoded once; only a new
 * key is copied into the table. Code objects, which `python -m profile
 * script.py` puts in a key, keep only their name, file and first line, and
 * show as "<code object NAME, file "FILE", line N>".
 */
#include "config.h"

#include <string.h>

#include "detprof-error.h"
#include "detprof-marshal-private.h"
#include "detprof-report-private.h"
#include "detprof-stats-paths-private.h"
#include "detprof-stats-read-private.h"

#define NO_ROW       G_MAXUINT
#define NO_SLOT      G_MAXUINT
#define SLOT_PENDING G_MAXUINT  /* the type of a slot whose object is being read */

/* A str of the dump: UTF-8, cut at its first NUL as the table cuts it, in
 * the input or in one of Reader's string chunks. */
typedef struct
{
  const char *data;
  gsize       len;
  guint       hash;  /* hash_bytes () of it */
} Text;

/* An int (a bool is one, as in Python) or a float, as the dump gave it. */
typedef struct
{
  gboolean is_int;
  gint64   i;
  double   f;
} Number;

/* What the reader knows of an object it has read as plain marshal data. */
typedef struct
{
  DetprofMarshalType type;
  gsize              n;       /* TUPLE, LIST, SET, FROZENSET: how many items */
  Number             number;  /* BOOL, INT, FLOAT */
  Text               text;    /* STR; CODE: how a key shows it */
  gsize              start;   /* its type byte (for a reference, the named object's) */
} Object;

/* One entry of the reference table: small, since the references of a big
 * dump land all over it. */
typedef struct
{
  guint type;   /* a DetprofMarshalType, or SLOT_PENDING while being read */
  guint value;  /* INT, FLOAT: an index in Reader.numbers; STR, CODE: in
                 * Reader.texts; TUPLE: a key id + 1 once read as a key */
} Slot;

/* Where the object of a slot is, for when it must be read again. */
typedef struct
{
  gsize start;  /* its type byte */
  gsize end;    /* the byte after it, or 0 while it is being read */
} Span;

/* A key, as the key table finds it. Its strs are the table's copies. */
typedef struct
{
  Text   file;
  gint64 line;
  Text   name;
  guint  hash;
  guint  id;    /* its index in the table, and in Reader.keys */
} FunctionKey;

/* What the reader knows of a key as it goes. Kept apart from the key, in
 * a small dense array, because it is looked at for every arc, and a big
 * dump's keys do not fit in the cache. */
typedef struct
{
  guint row;          /* its place among the rows, or NO_ROW while it has none */
  guint dict_serial;  /* the callers dict in which it was last a caller */
  guint position;     /* its arc's place in that dict */
} KeyState;

/* A bucket of the key table. */
typedef struct
{
  guint hash;         /* the key's */
  guint id_plus_one;  /* the key's id + 1, or 0 where empty */
} KeyBucket;

typedef struct
{
  guint        key;
  gint64       cc;
  gint64       nc;
  DetprofTime  tt;
  DetprofTime  ct;
  gsize        first_arc;  /* its callers: Reader.arcs from here on */
  guint        n_callers;
} Row;

typedef struct
{
  const guint8 *data;
  gsize         len;
  gsize         pos;          /* the next byte to read */
  int           depth;        /* objects being read around the current one */
  int           in_code;      /* code objects being read around the current one */
  int           rereading;    /* objects being read again, from their slot */
  gboolean      checked;      /* the bytes of the whole object are known to be good */

  GError       *error;        /* what is wrong with the bytes; owned */
  char         *mismatch;     /* the first thing that is not what a dump holds; owned */
  guint         entry;        /* for messages, from 1: the row being read, or 0 */
  guint         caller;       /* the caller being read in it, or 0 */
  guint         call_site;    /* the call site being read, or 0 */
  guint         bounds;       /* the row's bounds being read, or 0 */
  guint         site_bounds;  /* the call site's bounds being read, or 0 */
  guint         path_item;    /* the path thread or node being read (+ 1), or 0 */
  const char   *path_kind;    /* which: "path thread", "path node" */

  Slot         *slots;        /* the reference table; owned */
  Span         *spans;        /* by slot; owned */
  guint         n_slots;
  guint         slots_size;   /* room in @slots and @spans */
  GArray       *numbers;      /* of Number: the values of INT and FLOAT slots */
  GArray       *texts;        /* of Text: the values of STR and CODE slots */
  GStringChunk *kept;         /* decoded text that slots refer to */
  GStringChunk *scratch;      /* other decoded text, emptied after each row */

  DetprofStats *table;        /* what is being filled */
  GArray       *keys;         /* of FunctionKey, by id */
  GArray       *states;       /* of KeyState, by key id */
  KeyBucket    *key_table;    /* owned */
  guint         key_mask;     /* the size of @key_table, a power of two, less one */
  GArray       *rows;         /* of Row, in dict order */
  DetprofCallerArc *arcs;     /* the callers of every row, one dict after the other; owned */
  gsize         n_arcs;
  gsize         arcs_size;    /* room in @arcs */
  guint         dict_serial;  /* how many callers dicts have been started */
} Reader;

/* pstats' fresh entry has integer zeros, and so does a count arc. */
static const DetprofTime int_zero = { 0.0, TRUE };

static gboolean read_any (Reader *r,
                          Object *out);

/* ---------------------------------------------------------------------- */
/* The two kinds of error                                                  */

static gboolean corrupt (Reader     *r,
                         gsize       at,
                         const char *format,
                         ...) G_GNUC_PRINTF (3, 4);

/* The bytes are not marshal data: sets the error, which names the byte
 * @at, and returns FALSE. */
static gboolean
corrupt (Reader     *r,
         gsize       at,
         const char *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (r->error == NULL)
    g_set_error (&r->error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT,
                 "at byte %" G_GSIZE_FORMAT ": %s", at, message);
  return FALSE;
}

static char *
describe (const Object *object)
{
  switch (object->type)
    {
    case DETPROF_MARSHAL_NONE:
      return g_strdup ("None");
    case DETPROF_MARSHAL_BOOL:
      return g_strdup ("a bool");
    case DETPROF_MARSHAL_INT:
      return g_strdup ("an int");
    case DETPROF_MARSHAL_FLOAT:
      return g_strdup ("a float");
    case DETPROF_MARSHAL_COMPLEX:
      return g_strdup ("a complex");
    case DETPROF_MARSHAL_STR:
      return g_strdup ("a str");
    case DETPROF_MARSHAL_BYTES:
      return g_strdup ("bytes");
    case DETPROF_MARSHAL_TUPLE:
      return g_strdup_printf ("a %" G_GSIZE_FORMAT "-tuple", object->n);
    case DETPROF_MARSHAL_LIST:
      return g_strdup ("a list");
    case DETPROF_MARSHAL_SET:
      return g_strdup ("a set");
    case DETPROF_MARSHAL_FROZENSET:
      return g_strdup ("a frozenset");
    case DETPROF_MARSHAL_DICT:
      return g_strdup ("a dict");
    case DETPROF_MARSHAL_CODE:
      return g_strdup ("a code object");
    case DETPROF_MARSHAL_ELLIPSIS:
      return g_strdup ("Ellipsis");
    case DETPROF_MARSHAL_STOPITER:
      return g_strdup ("StopIteration");
    default:
      g_assert_not_reached ();
    }
}

/* The object @found is marshal data, but not what a dump holds where it
 * is: keeps the message, with where in the dump it is, and returns FALSE.
 * Reading stops there. */
static gboolean
mismatch (Reader       *r,
          const char   *expected,
          const Object *found)
{
  g_autofree char *description = describe (found);
  GString *message = g_string_new (NULL);

  if (r->call_site > 0)
    g_string_append_printf (message, "call site %u: ", r->call_site - 1);
  if (r->bounds > 0)
    g_string_append_printf (message, "bounds %u: ", r->bounds - 1);
  if (r->site_bounds > 0)
    g_string_append_printf (message, "call site bounds %u: ", r->site_bounds - 1);
  if (r->path_item > 0)
    g_string_append_printf (message, "%s %u: ", r->path_kind, r->path_item - 1);
  if (r->entry > 0)
    g_string_append_printf (message, "entry %u: ", r->entry);
  if (r->caller > 0)
    g_string_append_printf (message, "caller %u: ", r->caller);
  g_string_append_printf (message, "expected %s, found %s", expected, description);

  g_assert (r->mismatch == NULL);
  r->mismatch = g_string_free (message, FALSE);
  return FALSE;
}

static gboolean
mismatch_type (Reader             *r,
               const char         *expected,
               DetprofMarshalType  type,
               gsize               n)
{
  Object found = { 0, };

  found.type = type;
  found.n = n;
  return mismatch (r, expected, &found);
}

/* ---------------------------------------------------------------------- */
/* Bytes                                                                   */

static inline gsize
bytes_left (const Reader *r)
{
  return r->len - r->pos;
}

/* Checks that @n bytes of a fixed-size field (@what) remain. */
static inline gboolean
need (Reader     *r,
      gsize       start,
      gsize       n,
      const char *what)
{
  if (G_LIKELY (n <= bytes_left (r)))
    return TRUE;
  return corrupt (r, start, "truncated: %s needs %" G_GSIZE_FORMAT " bytes, %"
                  G_GSIZE_FORMAT " left", what, n, bytes_left (r));
}

/* Checks, before anything is read or allocated, that a @kind of @count
 * @units can fit in what remains: it needs at least @min_bytes. */
static gboolean
need_for_count (Reader     *r,
                gsize       start,
                const char *kind,
                gsize       count,
                const char *units,
                gsize       min_bytes)
{
  if (G_LIKELY (min_bytes <= bytes_left (r)))
    return TRUE;
  return corrupt (r, start, "truncated: %s of %" G_GSIZE_FORMAT " %s needs %"
                  G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT " left",
                  kind, count, units, min_bytes, bytes_left (r));
}

static inline gboolean
read_u8 (Reader *r,
         gsize   start,
         guint8 *out)
{
  if (!need (r, start, 1, "uint8"))
    return FALSE;
  *out = r->data[r->pos++];
  return TRUE;
}

/* Fixed-size fields are little-endian. */
static inline gboolean
read_int32 (Reader *r,
            gsize   start,
            gint32 *out)
{
  guint32 bits;

  if (!need (r, start, 4, "int32"))
    return FALSE;
  memcpy (&bits, r->data + r->pos, 4);
  *out = (gint32) GUINT32_FROM_LE (bits);
  r->pos += 4;
  return TRUE;
}

static inline gboolean
read_uint64 (Reader  *r,
             gsize    start,
             guint64 *out)
{
  guint64 bits;

  if (!need (r, start, 8, "8-byte field"))
    return FALSE;
  memcpy (&bits, r->data + r->pos, 8);
  *out = GUINT64_FROM_LE (bits);
  r->pos += 8;
  return TRUE;
}

static inline gboolean
read_binary_float (Reader *r,
                   gsize   start,
                   double *out)
{
  guint64 bits;

  if (!read_uint64 (r, start, &bits))
    return FALSE;
  memcpy (out, &bits, sizeof *out);
  return TRUE;
}

/* The int32 size of a str or a container; Python rejects negative sizes. */
static gboolean
read_size (Reader     *r,
           gsize       start,
           const char *kind,
           gsize      *out)
{
  gint32 n;

  if (!read_int32 (r, start, &n))
    return FALSE;
  if (n < 0)
    return corrupt (r, start, "%s size %" G_GINT32_FORMAT " out of range", kind, n);
  *out = (gsize) n;
  return TRUE;
}

/* The count of a tuple, list, set or frozenset whose type byte @code has
 * been read. Each item takes at least one byte: a larger count is a lie,
 * caught before anything is read from it. */
static inline gboolean
read_count (Reader     *r,
            guint8      code,
            gsize       start,
            const char *kind,
            gsize      *n)
{
  guint8 small;

  if ((code & ~FLAG_REF) == TYPE_SMALL_TUPLE)
    {
      if (!read_u8 (r, start, &small))
        return FALSE;
      *n = small;
    }
  else if (!read_size (r, start, kind, n))
    return FALSE;
  return need_for_count (r, start, kind, *n, "items", *n);
}

/* The count of a container that has been read before, at @start. */
static gsize
stored_count (const Reader *r,
              gsize         start)
{
  guint32 bits;

  if ((r->data[start] & ~FLAG_REF) == TYPE_SMALL_TUPLE)
    return r->data[start + 1];
  memcpy (&bits, r->data + start + 1, 4);
  return GUINT32_FROM_LE (bits);
}

/* The next type byte, where an object must start: checks that there is
 * one, and that nesting allows it. */
static inline gboolean
begin_object (Reader *r,
              gsize  *start,
              guint8 *code)
{
  *start = r->pos;
  *code = TYPE_NULL;
  if (G_UNLIKELY (r->pos == r->len))
    return corrupt (r, r->pos, "truncated: object expected, 0 bytes left");
  if (G_UNLIKELY (r->depth >= MAX_MARSHAL_STACK_DEPTH))
    return corrupt (r, r->pos, "nesting deeper than %d", MAX_MARSHAL_STACK_DEPTH);
  *code = r->data[r->pos++];
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* The reference table                                                     */

static inline Slot *
get_slot (Reader *r,
          guint   index)
{
  return &r->slots[index];
}

static inline Span *
get_span (Reader *r,
          guint   index)
{
  return &r->spans[index];
}

/* The next index of the table, for the object whose type byte @code was
 * read at @start, if it is flagged; NO_SLOT if not, or if it is being read
 * again (it has its index already). A container takes its index before
 * its items take theirs, and it is incomplete until fill_slot (): a
 * reference to it from inside would be a cycle. */
static inline guint
take_slot (Reader *r,
           guint8  code,
           gsize   start)
{
  Slot slot = { SLOT_PENDING, 0 };
  Span span = { start, 0 };

  if (!(code & FLAG_REF) || r->rereading > 0)
    return NO_SLOT;
  if (r->n_slots == r->slots_size)
    {
      r->slots_size = MAX (256, 2 * r->slots_size);
      r->slots = g_renew (Slot, r->slots, r->slots_size);
      r->spans = g_renew (Span, r->spans, r->slots_size);
    }
  r->slots[r->n_slots] = slot;
  r->spans[r->n_slots] = span;
  return r->n_slots++;
}

static inline void
fill_slot (Reader             *r,
           guint               index,
           DetprofMarshalType  type,
           guint               value)
{
  Slot *slot;

  if (index == NO_SLOT)
    return;
  slot = get_slot (r, index);
  slot->type = type;
  slot->value = value;
  get_span (r, index)->end = r->pos;
}

static void
keep_number (Reader             *r,
             guint               index,
             DetprofMarshalType  type,
             const Number       *number)
{
  if (index == NO_SLOT)
    return;
  g_array_append_val (r->numbers, *number);
  fill_slot (r, index, type, r->numbers->len - 1);
}

static void
keep_text (Reader             *r,
           guint               index,
           DetprofMarshalType  type,
           const Text         *text)
{
  if (index == NO_SLOT)
    return;
  g_array_append_val (r->texts, *text);
  fill_slot (r, index, type, r->texts->len - 1);
}

/* 'r' (its type byte read at @start): the index of the slot it names.
 * (An object read again names only slots that were complete the first
 * time, which still are.) */
static inline guint
read_ref (Reader *r,
          gsize   start)
{
  gint32 index;

  if (!read_int32 (r, start, &index))
    return NO_SLOT;
  if (G_UNLIKELY (index < 0 || (guint) index >= r->n_slots
                  || get_slot (r, (guint) index)->type == SLOT_PENDING))
    {
      corrupt (r, start, "invalid reference %" G_GINT32_FORMAT, index);
      return NO_SLOT;
    }
  return (guint) index;
}

static void
slot_object (Reader *r,
             guint   index,
             Object *out)
{
  const Slot *slot = get_slot (r, index);

  memset (out, 0, sizeof *out);
  out->type = slot->type;
  out->start = get_span (r, index)->start;
  switch (out->type)
    {
    case DETPROF_MARSHAL_INT:
    case DETPROF_MARSHAL_FLOAT:
      out->number = g_array_index (r->numbers, Number, slot->value);
      break;
    case DETPROF_MARSHAL_STR:
    case DETPROF_MARSHAL_CODE:
      out->text = g_array_index (r->texts, Text, slot->value);
      break;
    case DETPROF_MARSHAL_TUPLE:
    case DETPROF_MARSHAL_LIST:
    case DETPROF_MARSHAL_SET:
    case DETPROF_MARSHAL_FROZENSET:
      out->n = stored_count (r, out->start);
      break;
    case DETPROF_MARSHAL_COMPLEX:
    case DETPROF_MARSHAL_BYTES:
    case DETPROF_MARSHAL_DICT:
      break;
    case DETPROF_MARSHAL_NONE:
    case DETPROF_MARSHAL_BOOL:
    case DETPROF_MARSHAL_ELLIPSIS:
    case DETPROF_MARSHAL_STOPITER:
    default:
      /* Singletons take no slot. */
      g_assert_not_reached ();
    }
}

static gboolean
mismatch_slot (Reader     *r,
               const char *expected,
               guint       index)
{
  Object found;

  slot_object (r, index, &found);
  return mismatch (r, expected, &found);
}

static gboolean
is_tuple_slot (Reader *r,
               guint   index,
               gsize   n)
{
  return get_slot (r, index)->type == DETPROF_MARSHAL_TUPLE
         && stored_count (r, get_span (r, index)->start) == n;
}

/* To read the object of slot @index again, in a role it was not read in
 * the first time: moves there, and returns what end_reread () needs to
 * come back. Its bytes are known to be well formed, and its references
 * complete; nesting starts again from 0, so that it cannot go deeper than
 * it did the first time. */
typedef struct
{
  gsize pos;
  int   depth;
} Bookmark;

static Bookmark
begin_reread (Reader *r,
              guint   index)
{
  Bookmark back = { r->pos, r->depth };

  r->pos = get_span (r, index)->start;
  r->depth = 0;
  r->rereading++;
  return back;
}

static void
end_reread (Reader *r,
            Bookmark back)
{
  r->pos = back.pos;
  r->depth = back.depth;
  r->rereading--;
}

/* ---------------------------------------------------------------------- */
/* Numbers                                                                 */

static Number
int_number (gint64 i)
{
  Number number = { TRUE, i, 0.0 };

  return number;
}

static Number
float_number (double f)
{
  Number number = { FALSE, 0, f };

  return number;
}

static DetprofTime
number_time (const Number *number)
{
  DetprofTime time = { number->is_int ? (double) number->i : number->f, number->is_int };

  return time;
}

/* A float as text (marshal version 0 and 1): a uint8 length, then what
 * repr () gave. We accept only what Python's float parser would, which
 * rules out the hexadecimal, whitespace and "nan(...)" forms of strtod. */
static gboolean
read_text_float (Reader *r,
                 gsize   start,
                 double *out)
{
  char text[256];
  char *end = NULL;
  guint8 n;

  if (!read_u8 (r, start, &n)
      || !need_for_count (r, start, "float text", n, "bytes", n))
    return FALSE;
  memcpy (text, r->data + r->pos, n);
  text[n] = '\0';
  r->pos += n;

  if (n == 0 || strspn (text, "0123456789+-.eEiInNfFaAtTyY") != n)
    return corrupt (r, start, "bad float text");
  *out = g_ascii_strtod (text, &end);
  if (end != text + n)
    return corrupt (r, start, "bad float text");
  return TRUE;
}

/* 'l': an int32 whose sign is the number's and whose magnitude is the
 * count of base-2^15 digits that follow, least significant first. An int
 * beyond gint64 is an error in stats; but a constant in a code object may
 * be any size, and nothing we keep of a code object depends on it: there
 * it becomes the nearest float. (An object read again was read well the
 * first time: one of those is in a code object.) */
static gboolean
read_long (Reader             *r,
           gsize               start,
           DetprofMarshalType *type,
           Number             *out)
{
  const guint8 *digits;
  guint64 magnitude = 0;
  gint32 signed_n;
  gsize n, i;
  double f = 0.0;

  if (!read_int32 (r, start, &signed_n))
    return FALSE;
  if (signed_n == G_MININT32)
    return corrupt (r, start, "long size out of range");
  n = (gsize) ABS (signed_n);
  if (!need_for_count (r, start, "long", n, "digits", 2 * n))
    return FALSE;

  digits = r->data + r->pos;
  r->pos += 2 * n;
  for (i = 0; i < n; i++)
    if (digits[2 * i + 1] & 0x80)
      return corrupt (r, start, "digit out of range in long");
  if (n > 0 && digits[2 * n - 2] == 0 && digits[2 * n - 1] == 0)
    return corrupt (r, start, "unnormalized long");

  for (i = n; i > 0 && magnitude <= G_MAXUINT64 >> 15; i--)
    magnitude = magnitude << 15 | digits[2 * i - 2] | (guint64) digits[2 * i - 1] << 8;

  /* A negative number may reach -2^63, one further than a positive one. */
  if (i == 0 && magnitude <= (guint64) G_MAXINT64 + (signed_n < 0 ? 1 : 0))
    {
      *type = DETPROF_MARSHAL_INT;
      *out = int_number (signed_n < 0 ? (gint64) (0 - magnitude) : (gint64) magnitude);
      return TRUE;
    }

  if (r->in_code == 0 && r->rereading == 0)
    return corrupt (r, start, "integer too large");
  for (i = n; i > 0; i--)
    f = f * 32768.0 + (double) (digits[2 * i - 2] | digits[2 * i - 1] << 8);
  *type = DETPROF_MARSHAL_FLOAT;
  *out = float_number (signed_n < 0 ? -f : f);
  return TRUE;
}

/* The payload of an int or a float whose type byte @code was read at @start. */
static gboolean
read_number_payload (Reader             *r,
                     guint8              code,
                     gsize               start,
                     DetprofMarshalType *type,
                     Number             *out)
{
  gint32 i32;
  guint64 u64;
  double f;

  *type = DETPROF_MARSHAL_INT;
  switch (code & ~FLAG_REF)
    {
    case TYPE_INT:
      if (!read_int32 (r, start, &i32))
        return FALSE;
      *out = int_number (i32);
      return TRUE;
    case TYPE_INT64:
      if (!read_uint64 (r, start, &u64))
        return FALSE;
      *out = int_number ((gint64) u64);
      return TRUE;
    case TYPE_LONG:
      return read_long (r, start, type, out);
    case TYPE_BINARY_FLOAT:
    case TYPE_FLOAT:
      *type = DETPROF_MARSHAL_FLOAT;
      if ((code & ~FLAG_REF) == TYPE_BINARY_FLOAT ? !read_binary_float (r, start, &f)
                                                  : !read_text_float (r, start, &f))
        return FALSE;
      *out = float_number (f);
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

/* ---------------------------------------------------------------------- */
/* strs                                                                    */

static guint
hash_bytes (const char *data,
            gsize       len)
{
  guint hash = 5381;
  gsize i;

  for (i = 0; i < len; i++)
    hash = hash * 33 + (guint8) data[i];
  return hash;
}

/* Whether @n bytes of a str need no decoding, and if so their hash_bytes ()
 * in @hash. NUL is out, since the table cuts names there. Most strs are
 * ASCII: one pass checks and hashes them. */
static gboolean
hash_plain_text (const guint8 *data,
                 gsize         n,
                 gboolean      ascii_type,
                 guint        *hash)
{
  guint h = 5381;
  gsize i;

  for (i = 0; i < n && data[i] != 0 && data[i] < 0x80; i++)
    h = h * 33 + data[i];

  /* Past ASCII, only valid UTF-8 in a 'u' or 't' str is plain. */
  if (i < n)
    {
      if (ascii_type || !g_utf8_validate_len ((const char *) data + i, (gssize) (n - i), NULL))
        return FALSE;
      for (; i < n; i++)
        h = h * 33 + data[i];
    }

  *hash = h;
  return TRUE;
}

/* Fixes the UTF-8 of a 'u' or 't' str in place. Python writes lone
 * surrogates (U+D800..U+DFFF, which UTF-8 forbids) with "surrogatepass";
 * each takes three bytes, as does U+FFFD, which replaces it. NUL is a
 * valid character in a Python str. Returns FALSE if it is not UTF-8. */
static gboolean
fix_utf8 (guint8 *s,
          gsize   n)
{
  gsize i = 0;

  while (i < n)
    {
      gunichar c;

      if (s[i] < 0x80)
        {
          i++;
          continue;
        }
      if (s[i] == 0xed && n - i >= 3 && s[i + 1] >= 0xa0 && s[i + 1] <= 0xbf
          && (s[i + 2] & 0xc0) == 0x80)
        {
          s[i] = 0xef;
          s[i + 1] = 0xbf;
          s[i + 2] = 0xbd;
          i += 3;
          continue;
        }
      c = g_utf8_get_char_validated ((const char *) s + i, (gssize) (n - i));
      if (c == (gunichar) -1 || c == (gunichar) -2)
        return FALSE;
      i += (gsize) g_utf8_skip[s[i]];
    }
  return TRUE;
}

/* A str that needs decoding, from @n bytes at @data into @chunk: Latin-1
 * in an ASCII type (Python reads those bytes so), or UTF-8 to fix in the
 * others. */
static gboolean
decode_text (Reader        *r,
             gsize          start,
             const guint8  *data,
             gsize          n,
             gboolean       ascii_type,
             GStringChunk  *chunk,
             Text          *out)
{
  g_autofree guint8 *copy = g_malloc (2 * n + 1);
  gsize i, len = 0;

  if (ascii_type)
    for (i = 0; i < n; i++)
      {
        if (data[i] < 0x80)
          copy[len++] = data[i];
        else
          {
            copy[len++] = (guint8) (0xc0 | data[i] >> 6);
            copy[len++] = (guint8) (0x80 | (data[i] & 0x3f));
          }
      }
  else
    {
      memcpy (copy, data, n);
      len = n;
      if (!fix_utf8 (copy, len))
        return corrupt (r, start, "string is not valid UTF-8");
    }
  copy[len] = '\0';

  out->data = g_string_chunk_insert (chunk, (const char *) copy);
  out->len = strlen (out->data);
  out->hash = hash_bytes (out->data, out->len);
  return TRUE;
}

/* The payload of a str, of any of the six types Python writes, whose type
 * byte @code was read at @start. Text that needs decoding goes to @chunk. */
static gboolean
read_text_payload (Reader       *r,
                   guint8        code,
                   gsize         start,
                   GStringChunk *chunk,
                   Text         *out)
{
  gboolean ascii_type = TRUE;
  const guint8 *data;
  guint8 small;
  gsize n;

  switch (code & ~FLAG_REF)
    {
    case TYPE_SHORT_ASCII:
    case TYPE_SHORT_ASCII_INTERNED:
      if (!read_u8 (r, start, &small))
        return FALSE;
      n = small;
      break;
    case TYPE_UNICODE:
    case TYPE_INTERNED:
      ascii_type = FALSE;
      G_GNUC_FALLTHROUGH;
    case TYPE_ASCII:
    case TYPE_ASCII_INTERNED:
      if (!read_size (r, start, "string", &n))
        return FALSE;
      break;
    default:
      g_assert_not_reached ();
    }
  if (!need_for_count (r, start, "string", n, "bytes", n))
    return FALSE;

  data = r->data + r->pos;
  r->pos += n;
  if (hash_plain_text (data, n, ascii_type, &out->hash))
    {
      out->data = (const char *) data;
      out->len = n;
      return TRUE;
    }
  return decode_text (r, start, data, n, ascii_type, chunk, out);
}

static gboolean
is_text_code (guint8 code)
{
  switch (code & ~FLAG_REF)
    {
    case TYPE_UNICODE:
    case TYPE_INTERNED:
    case TYPE_ASCII:
    case TYPE_ASCII_INTERNED:
    case TYPE_SHORT_ASCII:
    case TYPE_SHORT_ASCII_INTERNED:
      return TRUE;
    default:
      return FALSE;
    }
}

/* ---------------------------------------------------------------------- */
/* Plain marshal data                                                      */

/* Reads objects into @objects from index @first on, one for each
 * character of @types, which gives the type each must have: 'b' bytes,
 * 't' tuple, 's' str, '*' anything. */
static gboolean
read_code_fields (Reader     *r,
                  gsize       start,
                  Object     *objects,
                  gsize       first,
                  const char *types)
{
  gsize i;

  for (i = 0; types[i] != '\0'; i++)
    {
      DetprofMarshalType expected;

      if (!read_any (r, &objects[first + i]))
        return FALSE;
      switch (types[i])
        {
        case 'b':
          expected = DETPROF_MARSHAL_BYTES;
          break;
        case 't':
          expected = DETPROF_MARSHAL_TUPLE;
          break;
        case 's':
          expected = DETPROF_MARSHAL_STR;
          break;
        default:
          continue;
        }
      if (objects[first + i].type != expected)
        return corrupt (r, start, "code object field %" G_GSIZE_FORMAT
                        " has the wrong type", first + i);
    }
  return TRUE;
}

/* Whether the bytecode of a code object can start at @p: bytes, or a
 * reference to complete bytes. The reference is not read yet, and may be
 * anything: when a code object is read again, it must be judged by what
 * was complete the first time, which is what ended before it. */
static gboolean
starts_bytes (Reader       *r,
              const guint8 *p)
{
  guint32 index = (guint32) p[1] | (guint32) p[2] << 8 | (guint32) p[3] << 16 |
                  (guint32) p[4] << 24;

  if ((p[0] & ~FLAG_REF) == TYPE_STRING)
    return TRUE;
  return p[0] == TYPE_REF && index < r->n_slots
         && get_slot (r, index)->type == DETPROF_MARSHAL_BYTES
         && get_span (r, index)->end <= (gsize) (p - r->data);
}

/* 'c': a code object. The stream does not say which Python wrote it:
 *
 *   3.8-3.10: 6 int32, code consts names varnames freevars cellvars
 *             filename name, int32 firstlineno, lnotab
 *   3.11-3.13: 5 int32, code consts names localsplusnames localspluskinds
 *             filename name qualname, int32 firstlineno, linetable,
 *             exceptiontable
 *   3.6-3.7:  5 int32, code consts names varnames freevars cellvars
 *             filename name, int32 firstlineno, lnotab
 *
 * The bytecode (bytes) comes right after the int32s, which tells 5 from 6;
 * among the 5-int32 layouts, the fifth object is bytes (localspluskinds) in
 * 3.11 and a tuple (freevars) before. Every field whose type we know is
 * then checked. Deciding as we go, rather than by trying a layout and
 * backtracking, keeps nested code objects linear in time. */
static gboolean
read_code (Reader       *r,
           gsize         start,
           GStringChunk *chunk,
           Object       *out)
{
  Object objects[10];
  g_autofree char *text = NULL;
  const Text *file, *name;
  const guint8 *p;
  gint32 header, first_line = 0;
  gboolean ok = FALSE, modern = FALSE;
  int i;

  for (i = 0; i < 5; i++)
    if (!read_int32 (r, start, &header))
      return FALSE;
  /* Either a sixth int32 or the bytecode's type and size follow. */
  if (!need (r, start, 5, "code object"))
    return FALSE;

  /* Bytecode right here means 5 int32s. If it seems to start both here and
   * 4 bytes on, this is the low byte of the flags ('s' is 0x73, a possible
   * set of flags): read as 5 int32s, the bytecode would be over 1.9 GB. */
  p = r->data + r->pos;
  if (starts_bytes (r, p) && (p[4] & ~FLAG_REF) != TYPE_STRING)
    {
      if (!read_code_fields (r, start, objects, 0, "bttt*"))
        return FALSE;
      if (objects[4].type == DETPROF_MARSHAL_BYTES)
        {
          modern = TRUE;
          ok = read_code_fields (r, start, objects, 5, "sss")
               && read_int32 (r, start, &first_line)
               && read_code_fields (r, start, objects, 8, "bb");
        }
      else if (objects[4].type == DETPROF_MARSHAL_TUPLE)
        ok = read_code_fields (r, start, objects, 5, "tss")
             && read_int32 (r, start, &first_line)
             && read_code_fields (r, start, objects, 8, "b");
      else
        return corrupt (r, start, "code object field 4 has the wrong type");
    }
  else
    ok = read_int32 (r, start, &header)
         && read_code_fields (r, start, objects, 0, "btttttss")
         && read_int32 (r, start, &first_line)
         && read_code_fields (r, start, objects, 8, "b");
  if (!ok)
    return FALSE;

  /* 3.11 dropped a tuple before the file name. */
  file = &objects[modern ? 5 : 6].text;
  name = &objects[modern ? 6 : 7].text;
  text = g_strdup_printf ("<code object %.*s, file \"%.*s\", line %" G_GINT32_FORMAT ">",
                          (int) name->len, name->data, (int) file->len, file->data, first_line);
  out->type = DETPROF_MARSHAL_CODE;
  out->text.data = g_string_chunk_insert (chunk, text);
  out->text.len = strlen (text);
  out->text.hash = hash_bytes (out->text.data, out->text.len);
  return TRUE;
}

/* Tuples, lists, sets and frozensets: a count, then that many objects. */
static gboolean
read_any_sequence (Reader             *r,
                   guint8              code,
                   gsize               start,
                   DetprofMarshalType  type,
                   const char         *kind,
                   Object             *out)
{
  Object item;
  gsize i;

  out->type = type;
  if (!read_count (r, code, start, kind, &out->n))
    return FALSE;
  for (i = 0; i < out->n; i++)
    if (!read_any (r, &item))
      return FALSE;
  return TRUE;
}

/* Dicts have no count: pairs follow until a '0' where a key would be. */
static gboolean
read_any_dict (Reader *r,
               Object *out)
{
  Object item;

  out->type = DETPROF_MARSHAL_DICT;
  for (;;)
    {
      if (bytes_left (r) == 0)
        return corrupt (r, r->pos, "truncated: dict without its '0' end marker");
      if ((r->data[r->pos] & ~FLAG_REF) == TYPE_NULL)
        {
          r->pos++;
          return TRUE;
        }
      if (!read_any (r, &item) || !read_any (r, &item))
        return FALSE;
    }
}

/* The payload of a type that is not a singleton or a reference. */
static gboolean
read_any_payload (Reader       *r,
                  guint8        code,
                  gsize         start,
                  GStringChunk *chunk,
                  Object       *out)
{
  gsize n = 0;
  double f;
  gboolean ok;

  switch (code & ~FLAG_REF)
    {
    case TYPE_INT:
    case TYPE_INT64:
    case TYPE_LONG:
    case TYPE_BINARY_FLOAT:
    case TYPE_FLOAT:
      return read_number_payload (r, code, start, &out->type, &out->number);
    case TYPE_COMPLEX:
      out->type = DETPROF_MARSHAL_COMPLEX;
      return read_text_float (r, start, &f) && read_text_float (r, start, &f);
    case TYPE_BINARY_COMPLEX:
      out->type = DETPROF_MARSHAL_COMPLEX;
      return read_binary_float (r, start, &f) && read_binary_float (r, start, &f);
    case TYPE_STRING:
      out->type = DETPROF_MARSHAL_BYTES;
      if (!read_size (r, start, "bytes", &n)
          || !need_for_count (r, start, "bytes", n, "bytes", n))
        return FALSE;
      r->pos += n;
      return TRUE;
    case TYPE_UNICODE:
    case TYPE_INTERNED:
    case TYPE_ASCII:
    case TYPE_ASCII_INTERNED:
    case TYPE_SHORT_ASCII:
    case TYPE_SHORT_ASCII_INTERNED:
      out->type = DETPROF_MARSHAL_STR;
      return read_text_payload (r, code, start, chunk, &out->text);
    case TYPE_SMALL_TUPLE:
    case TYPE_TUPLE:
      return read_any_sequence (r, code, start, DETPROF_MARSHAL_TUPLE, "tuple", out);
    case TYPE_LIST:
      return read_any_sequence (r, code, start, DETPROF_MARSHAL_LIST, "list", out);
    case TYPE_SET:
      return read_any_sequence (r, code, start, DETPROF_MARSHAL_SET, "set", out);
    case TYPE_FROZENSET:
      return read_any_sequence (r, code, start, DETPROF_MARSHAL_FROZENSET, "frozenset", out);
    case TYPE_DICT:
      return read_any_dict (r, out);
    case TYPE_CODE:
      r->in_code++;
      ok = read_code (r, start, chunk, out);
      r->in_code--;
      return ok;
    default:
      return corrupt (r, start, "unknown type code 0x%02x", code & ~FLAG_REF);
    }
}

/* Reads the next object, whatever it is, as plain marshal data: what a
 * code object holds, detprof's extra object, and a whole dump that is not
 * a stats dict, to find what is wrong with its bytes. */
static gboolean
read_any (Reader *r,
          Object *out)
{
  gsize start;
  guint8 code;
  guint slot;
  gboolean ok;

  if (!begin_object (r, &start, &code))
    return FALSE;

  memset (out, 0, sizeof *out);
  out->start = start;

  /* Singletons and references never enter the table, flag or not. */
  switch (code & ~FLAG_REF)
    {
    case TYPE_NONE:
      out->type = DETPROF_MARSHAL_NONE;
      return TRUE;
    case TYPE_TRUE:
    case TYPE_FALSE:
      out->type = DETPROF_MARSHAL_BOOL;
      out->number = int_number ((code & ~FLAG_REF) == TYPE_TRUE);
      return TRUE;
    case TYPE_ELLIPSIS:
      out->type = DETPROF_MARSHAL_ELLIPSIS;
      return TRUE;
    case TYPE_STOPITER:
      out->type = DETPROF_MARSHAL_STOPITER;
      return TRUE;
    case TYPE_REF:
      slot = read_ref (r, start);
      if (slot == NO_SLOT)
        return FALSE;
      slot_object (r, slot, out);
      return TRUE;
    case TYPE_NULL:
      return corrupt (r, start, "NULL marker '0' outside a dict");
    default:
      break;
    }

  slot = take_slot (r, code, start);
  r->depth++;
  ok = read_any_payload (r, code, start, slot != NO_SLOT ? r->kept : r->scratch, out);
  r->depth--;
  if (!ok)
    return FALSE;

  switch (out->type)
    {
    case DETPROF_MARSHAL_INT:
    case DETPROF_MARSHAL_FLOAT:
      keep_number (r, slot, out->type, &out->number);
      break;
    case DETPROF_MARSHAL_STR:
    case DETPROF_MARSHAL_CODE:
      keep_text (r, slot, out->type, &out->text);
      break;
    case DETPROF_MARSHAL_NONE:
    case DETPROF_MARSHAL_BOOL:
    case DETPROF_MARSHAL_COMPLEX:
    case DETPROF_MARSHAL_BYTES:
    case DETPROF_MARSHAL_TUPLE:
    case DETPROF_MARSHAL_LIST:
    case DETPROF_MARSHAL_SET:
    case DETPROF_MARSHAL_FROZENSET:
    case DETPROF_MARSHAL_DICT:
    case DETPROF_MARSHAL_ELLIPSIS:
    case DETPROF_MARSHAL_STOPITER:
    default:
      fill_slot (r, slot, out->type, 0);
      break;
    }
  return TRUE;
}

/* The object whose type byte @code was read at @start is not what a dump
 * holds where it is. Its header is read, for the message: what is wrong
 * with it, if anything, is then the first thing wrong with the bytes. */
static gboolean
mismatch_at (Reader     *r,
             const char *expected,
             guint8      code,
             gsize       start)
{
  Object found = { 0, };

  switch (code & ~FLAG_REF)
    {
    case TYPE_NONE:
      found.type = DETPROF_MARSHAL_NONE;
      break;
    case TYPE_TRUE:
    case TYPE_FALSE:
      found.type = DETPROF_MARSHAL_BOOL;
      break;
    case TYPE_ELLIPSIS:
      found.type = DETPROF_MARSHAL_ELLIPSIS;
      break;
    case TYPE_STOPITER:
      found.type = DETPROF_MARSHAL_STOPITER;
      break;
    case TYPE_INT:
    case TYPE_INT64:
    case TYPE_BINARY_FLOAT:
    case TYPE_FLOAT:
    case TYPE_LONG:
      /* A long too large for an int is a float in a code object. */
      if (!read_number_payload (r, code, start, &found.type, &found.number))
        return FALSE;
      break;
    case TYPE_COMPLEX:
    case TYPE_BINARY_COMPLEX:
      found.type = DETPROF_MARSHAL_COMPLEX;
      break;
    case TYPE_STRING:
      found.type = DETPROF_MARSHAL_BYTES;
      break;
    case TYPE_UNICODE:
    case TYPE_INTERNED:
    case TYPE_ASCII:
    case TYPE_ASCII_INTERNED:
    case TYPE_SHORT_ASCII:
    case TYPE_SHORT_ASCII_INTERNED:
      found.type = DETPROF_MARSHAL_STR;
      break;
    case TYPE_SMALL_TUPLE:
    case TYPE_TUPLE:
      found.type = DETPROF_MARSHAL_TUPLE;
      if (!read_count (r, code, start, "tuple", &found.n))
        return FALSE;
      break;
    case TYPE_LIST:
      found.type = DETPROF_MARSHAL_LIST;
      break;
    case TYPE_SET:
      found.type = DETPROF_MARSHAL_SET;
      break;
    case TYPE_FROZENSET:
      found.type = DETPROF_MARSHAL_FROZENSET;
      break;
    case TYPE_DICT:
      found.type = DETPROF_MARSHAL_DICT;
      break;
    case TYPE_CODE:
      found.type = DETPROF_MARSHAL_CODE;
      break;
    case TYPE_REF:
      {
        guint slot = read_ref (r, start);

        if (slot == NO_SLOT)
          return FALSE;
        return mismatch_slot (r, expected, slot);
      }
    case TYPE_NULL:
      return corrupt (r, start, "NULL marker '0' outside a dict");
    default:
      return corrupt (r, start, "unknown type code 0x%02x", code & ~FLAG_REF);
    }
  return mismatch (r, expected, &found);
}

/* ---------------------------------------------------------------------- */
/* Roles: the numbers and strs of a dump                                   */

/* What read_number () does not read itself, kept out of it so that it
 * stays small. */
static G_GNUC_NO_INLINE gboolean
read_rare_number (Reader     *r,
                  const char *expected,
                  gboolean    times,
                  Number     *out)
{
  DetprofMarshalType type;
  gsize start;
  guint8 code;
  guint slot;

  if (!begin_object (r, &start, &code))
    return FALSE;

  switch (code & ~FLAG_REF)
    {
    case TYPE_REF:
      slot = read_ref (r, start);
      if (slot == NO_SLOT)
        return FALSE;
      type = get_slot (r, slot)->type;
      if (type != DETPROF_MARSHAL_INT && (type != DETPROF_MARSHAL_FLOAT || !times))
        return mismatch_slot (r, expected, slot);
      *out = g_array_index (r->numbers, Number, get_slot (r, slot)->value);
      return TRUE;
    case TYPE_TRUE:
    case TYPE_FALSE:
      /* Singletons take no slot, flag or not. */
      *out = int_number ((code & ~FLAG_REF) == TYPE_TRUE);
      return TRUE;
    case TYPE_INT:
    case TYPE_BINARY_FLOAT:
    case TYPE_INT64:
    case TYPE_LONG:
    case TYPE_FLOAT:
      if (!read_number_payload (r, code, start, &type, out))
        return FALSE;
      if (type == DETPROF_MARSHAL_FLOAT && !times)
        return mismatch_type (r, expected, type, 0);
      break;
    default:
      return mismatch_at (r, expected, code, start);
    }

  keep_number (r, take_slot (r, code, start), type, out);
  return TRUE;
}

/* A count (an int: a bool is one, as in Python), or, if @times, a time
 * (an int or a float). A big dump holds millions: the three forms of
 * nearly all of those Python writes (a binary float, an int32, a reference
 * to an int or a float) are read here at once. */
static gboolean
read_number (Reader     *r,
             const char *expected,
             gboolean    times,
             Number     *out)
{
  const guint8 *p = r->data + r->pos;
  const Slot *slot;
  guint32 bits32;
  guint64 bits64;

  if (G_LIKELY (bytes_left (r) >= 9 && r->depth < MAX_MARSHAL_STACK_DEPTH))
    switch (p[0])
      {
      case TYPE_BINARY_FLOAT:
        if (!times)
          break;
        memcpy (&bits64, p + 1, 8);
        bits64 = GUINT64_FROM_LE (bits64);
        out->is_int = FALSE;
        out->i = 0;
        memcpy (&out->f, &bits64, sizeof out->f);
        r->pos += 9;
        return TRUE;
      case TYPE_INT:
        memcpy (&bits32, p + 1, 4);
        *out = int_number ((gint32) GUINT32_FROM_LE (bits32));
        r->pos += 5;
        return TRUE;
      case TYPE_REF:
        memcpy (&bits32, p + 1, 4);
        bits32 = GUINT32_FROM_LE (bits32);
        if (bits32 >= r->n_slots)
          break;
        slot = get_slot (r, bits32);
        if (slot->type != DETPROF_MARSHAL_INT && (slot->type != DETPROF_MARSHAL_FLOAT || !times))
          break;
        *out = g_array_index (r->numbers, Number, slot->value);
        r->pos += 5;
        return TRUE;
      default:
        break;
      }
  return read_rare_number (r, expected, times, out);
}

/* A str; or, if @code_ok, a code object, in the text a key shows it with. */
static gboolean
read_text (Reader     *r,
           const char *expected,
           gboolean    code_ok,
           Text       *out)
{
  Object object;
  gsize start;
  guint8 code;
  guint slot;
  DetprofMarshalType type;

  if (!begin_object (r, &start, &code))
    return FALSE;

  if (is_text_code (code))
    {
      slot = take_slot (r, code, start);
      if (!read_text_payload (r, code, start, slot != NO_SLOT ? r->kept : r->scratch, out))
        return FALSE;
      keep_text (r, slot, DETPROF_MARSHAL_STR, out);
      return TRUE;
    }

  switch (code & ~FLAG_REF)
    {
    case TYPE_REF:
      slot = read_ref (r, start);
      if (slot == NO_SLOT)
        return FALSE;
      type = get_slot (r, slot)->type;
      if (type != DETPROF_MARSHAL_STR && (type != DETPROF_MARSHAL_CODE || !code_ok))
        return mismatch_slot (r, expected, slot);
      *out = g_array_index (r->texts, Text, get_slot (r, slot)->value);
      return TRUE;
    case TYPE_CODE:
      if (!code_ok)
        return mismatch_at (r, expected, code, start);
      r->pos = start;
      if (!read_any (r, &object))
        return FALSE;
      *out = object.text;
      return TRUE;
    default:
      return mismatch_at (r, expected, code, start);
    }
}

/* ---------------------------------------------------------------------- */
/* Roles: keys                                                             */

static gboolean
text_equal (const Text *a,
            const Text *b)
{
  return a->len == b->len && memcmp (a->data, b->data, a->len) == 0;
}

static gboolean
function_key_equal (const FunctionKey *a,
                    const FunctionKey *b)
{
  return a->hash == b->hash
         && a->line == b->line
         && text_equal (&a->name, &b->name)
         && text_equal (&a->file, &b->file);
}

static FunctionKey *
get_key (Reader *r,
         guint   id)
{
  return &g_array_index (r->keys, FunctionKey, id);
}

static KeyState *
get_key_state (Reader *r,
               guint   id)
{
  return &g_array_index (r->states, KeyState, id);
}

/* The key table is open addressing with linear probing, never more than
 * half full. (A GHashTable would need each key at a fixed address, and so
 * an allocation for each.) A bucket keeps the hash, so that a probe reads
 * a key, far away in memory, only when the hashes are equal. Returns the
 * bucket that holds @probe, or the empty one where it would go. */
static KeyBucket *
find_key_bucket (Reader            *r,
                 const FunctionKey *probe)
{
  guint i;

  for (i = probe->hash & r->key_mask; ; i = (i + 1) & r->key_mask)
    {
      KeyBucket *bucket = &r->key_table[i];

      if (bucket->id_plus_one == 0
          || (bucket->hash == probe->hash
              && function_key_equal (get_key (r, bucket->id_plus_one - 1), probe)))
        return bucket;
    }
}

static void
grow_key_table (Reader *r)
{
  gsize size = 2 * ((gsize) r->key_mask + 1);
  guint id, i;

  g_free (r->key_table);
  r->key_table = g_new0 (KeyBucket, size);
  r->key_mask = (guint) (size - 1);

  /* The keys are all different: each goes to the first empty bucket. */
  for (id = 0; id < r->keys->len; id++)
    {
      guint hash = get_key (r, id)->hash;

      for (i = hash & r->key_mask; r->key_table[i].id_plus_one != 0; i = (i + 1) & r->key_mask)
        ;
      r->key_table[i].hash = hash;
      r->key_table[i].id_plus_one = id + 1;
    }
}

/* The id of a key. A new key is given to the table at once, while its
 * bytes are in the cache, and takes the next index there. */
static guint
intern_key (Reader      *r,
            FunctionKey *probe)
{
  KeyState state = { NO_ROW, 0, 0 };
  const DetprofFunctionStats *copy;
  FunctionKey key;
  KeyBucket *bucket;

  probe->hash = (probe->file.hash * 31 + probe->name.hash) * 31 + (guint) probe->line;
  bucket = find_key_bucket (r, probe);
  if (bucket->id_plus_one != 0)
    return bucket->id_plus_one - 1;

  key = *probe;
  key.id = _detprof_stats_take_key (r->table, probe->file.data, probe->file.len,
                                    probe->line, probe->name.data, probe->name.len);
  g_assert (key.id == r->keys->len);

  /* From now on, compare with the table's copies: they lie together,
   * where the first sight of each key is anywhere in the input. */
  copy = detprof_stats_get_function (r->table, key.id);
  key.file.data = copy->file;
  key.name.data = copy->name;

  g_array_append_val (r->keys, key);
  g_array_append_val (r->states, state);
  bucket->hash = key.hash;
  bucket->id_plus_one = key.id + 1;

  if (2 * (gsize) r->keys->len > (gsize) r->key_mask + 1)
    grow_key_table (r);
  return key.id;
}

/* A (file, line, name) tuple. In the stats dict (@id not NULL) it is found
 * in the table, or added; a reference to a key already read is found by
 * its slot alone. In the extra object (@id NULL) only @key is filled. */
static gboolean
read_key (Reader      *r,
          FunctionKey *key,
          guint       *id)
{
  static const char expected[] = "a (file, line, name) 3-tuple as key";
  Number line;
  Bookmark back;
  gsize start, n;
  guint8 code;
  guint slot;
  gboolean ok;

  if (!begin_object (r, &start, &code))
    return FALSE;

  switch (code & ~FLAG_REF)
    {
    case TYPE_REF:
      slot = read_ref (r, start);
      if (slot == NO_SLOT)
        return FALSE;
      if (id != NULL && get_slot (r, slot)->type == DETPROF_MARSHAL_TUPLE && get_slot (r, slot)->value > 0)
        {
          *id = get_slot (r, slot)->value - 1;
          return TRUE;
        }
      if (!is_tuple_slot (r, slot, 3))
        return mismatch_slot (r, expected, slot);

      /* A tuple first read as plain marshal data (in a code object), or
       * in the extra object, where keys are not kept. */
      back = begin_reread (r, slot);
      ok = read_key (r, key, id);
      end_reread (r, back);
      if (ok && id != NULL)
        get_slot (r, slot)->value = *id + 1;
      return ok;
    case TYPE_SMALL_TUPLE:
    case TYPE_TUPLE:
      if (!read_count (r, code, start, "tuple", &n))
        return FALSE;
      if (n != 3)
        return mismatch_type (r, expected, DETPROF_MARSHAL_TUPLE, n);
      slot = take_slot (r, code, start);
      r->depth++;
      ok = read_text (r, "a str as file name", FALSE, &key->file)
           && read_number (r, "an int as line number", FALSE, &line)
           && read_text (r, "a str as function name", TRUE, &key->name);
      r->depth--;
      if (!ok)
        return FALSE;
      key->line = line.i;
      if (id != NULL)
        *id = intern_key (r, key);
      fill_slot (r, slot, DETPROF_MARSHAL_TUPLE, id != NULL ? *id + 1 : 0);
      return TRUE;
    default:
      return mismatch_at (r, expected, code, start);
    }
}

/* ---------------------------------------------------------------------- */
/* Roles: the stats dict                                                   */

/* A caller's arc: profile's int count, or cProfile's (nc, cc, tt, ct). */
static gboolean
read_arc (Reader           *r,
          DetprofCallerArc *arc)
{
  static const char expected[] = "an int or a 4-tuple";
  Number nc, cc, tt, ct;
  Bookmark back;
  gsize start, n;
  guint8 code;
  guint slot;
  gboolean ok;

  /* cProfile's arcs, a million in a big dump: (nc, cc, tt, ct), with no
   * flag. What could be wrong with the tuple itself is looked at by the
   * general case below. */
  if (G_LIKELY (bytes_left (r) >= 6 && r->depth < MAX_MARSHAL_STACK_DEPTH
                && r->data[r->pos] == TYPE_SMALL_TUPLE && r->data[r->pos + 1] == 4))
    {
      r->pos += 2;
      r->depth++;
      ok = read_number (r, "an int as total calls", FALSE, &nc)
           && read_number (r, "an int as primitive calls", FALSE, &cc)
           && read_number (r, "a number as internal time", TRUE, &tt)
           && read_number (r, "a number as cumulative time", TRUE, &ct);
      r->depth--;
      if (!ok)
        return FALSE;
      arc->style = DETPROF_CALLER_TUPLE;
      arc->nc = nc.i;
      arc->cc = cc.i;
      arc->tt = number_time (&tt);
      arc->ct = number_time (&ct);
      return TRUE;
    }

  if (!begin_object (r, &start, &code))
    return FALSE;

  switch (code & ~FLAG_REF)
    {
    case TYPE_SMALL_TUPLE:
    case TYPE_TUPLE:
      if (!read_count (r, code, start, "tuple", &n))
        return FALSE;
      if (n != 4)
        return mismatch_type (r, expected, DETPROF_MARSHAL_TUPLE, n);
      slot = take_slot (r, code, start);
      r->depth++;
      ok = read_number (r, "an int as total calls", FALSE, &nc)
           && read_number (r, "an int as primitive calls", FALSE, &cc)
           && read_number (r, "a number as internal time", TRUE, &tt)
           && read_number (r, "a number as cumulative time", TRUE, &ct);
      r->depth--;
      if (!ok)
        return FALSE;
      fill_slot (r, slot, DETPROF_MARSHAL_TUPLE, 0);
      arc->style = DETPROF_CALLER_TUPLE;
      arc->nc = nc.i;
      arc->cc = cc.i;
      arc->tt = number_time (&tt);
      arc->ct = number_time (&ct);
      return TRUE;
    case TYPE_REF:
      slot = read_ref (r, start);
      if (slot == NO_SLOT)
        return FALSE;
      if (get_slot (r, slot)->type == DETPROF_MARSHAL_INT)
        break;
      if (!is_tuple_slot (r, slot, 4))
        return mismatch_slot (r, expected, slot);
      back = begin_reread (r, slot);
      ok = read_arc (r, arc);
      end_reread (r, back);
      return ok;
    default:
      break;
    }

  /* A count: profile's arcs, with no times. */
  r->pos = start;
  if (!read_number (r, expected, FALSE, &nc))
    return FALSE;
  arc->style = DETPROF_CALLER_COUNT;
  arc->nc = nc.i;
  arc->cc = nc.i;
  arc->tt = int_zero;
  arc->ct = int_zero;
  return TRUE;
}

static void
append_arc (Reader                 *r,
            const DetprofCallerArc *arc)
{
  if (r->n_arcs == r->arcs_size)
    {
      r->arcs_size = MAX (16, 2 * r->arcs_size);
      r->arcs = g_renew (DetprofCallerArc, r->arcs, r->arcs_size);
    }
  r->arcs[r->n_arcs++] = *arc;
}

/* The callers dict of a row, after the arcs read so far. A key repeated
 * within it replaces the earlier value and keeps its place, as a Python
 * dict does. */
static gboolean
read_callers (Reader *r)
{
  gsize first_arc = r->n_arcs;
  guint position = 0;
  Bookmark back;
  gsize start;
  guint8 code;
  guint slot;
  gboolean ok;

  if (!begin_object (r, &start, &code))
    return FALSE;

  if ((code & ~FLAG_REF) == TYPE_REF)
    {
      slot = read_ref (r, start);
      if (slot == NO_SLOT)
        return FALSE;
      if (get_slot (r, slot)->type != DETPROF_MARSHAL_DICT)
        return mismatch_slot (r, "a dict of callers", slot);
      /* Another row's callers: the arcs are copied, since rows change
       * their own. */
      back = begin_reread (r, slot);
      ok = read_callers (r);
      end_reread (r, back);
      return ok;
    }
  if ((code & ~FLAG_REF) != TYPE_DICT)
    return mismatch_at (r, "a dict of callers", code, start);

  slot = take_slot (r, code, start);
  r->depth++;
  r->dict_serial++;
  for (;;)
    {
      DetprofCallerArc arc = { 0, };
      FunctionKey key;
      KeyState *state;
      guint id;

      if (bytes_left (r) == 0)
        return corrupt (r, r->pos, "truncated: dict without its '0' end marker");
      if ((r->data[r->pos] & ~FLAG_REF) == TYPE_NULL)
        break;

      r->caller = ++position;
      if (!read_key (r, &key, &id) || !read_arc (r, &arc))
        return FALSE;
      arc.caller = id;

      state = get_key_state (r, id);
      if (state->dict_serial == r->dict_serial)
        r->arcs[first_arc + state->position] = arc;
      else
        {
          state->dict_serial = r->dict_serial;
          state->position = (guint) (r->n_arcs - first_arc);
          append_arc (r, &arc);
        }
    }
  r->pos++;
  r->caller = 0;
  r->depth--;
  fill_slot (r, slot, DETPROF_MARSHAL_DICT, 0);
  return TRUE;
}

/* A row's (cc, nc, tt, ct, callers) into @row. */
static gboolean
read_row (Reader *r,
          Row    *row)
{
  static const char expected[] = "a 5-tuple";
  Number cc, nc, tt, ct;
  Bookmark back;
  gsize start, n;
  guint8 code;
  guint slot;
  gboolean ok;

  if (!begin_object (r, &start, &code))
    return FALSE;

  switch (code & ~FLAG_REF)
    {
    case TYPE_SMALL_TUPLE:
    case TYPE_TUPLE:
      if (!read_count (r, code, start, "tuple", &n))
        return FALSE;
      if (n != 5)
        return mismatch_type (r, expected, DETPROF_MARSHAL_TUPLE, n);
      slot = take_slot (r, code, start);
      r->depth++;
      row->first_arc = r->n_arcs;
      ok = read_number (r, "an int as primitive calls", FALSE, &cc)
           && read_number (r, "an int as total calls", FALSE, &nc)
           && read_number (r, "a number as internal time", TRUE, &tt)
           && read_number (r, "a number as cumulative time", TRUE, &ct)
           && read_callers (r);
      r->depth--;
      if (!ok)
        return FALSE;
      fill_slot (r, slot, DETPROF_MARSHAL_TUPLE, 0);
      row->cc = cc.i;
      row->nc = nc.i;
      row->tt = number_time (&tt);
      row->ct = number_time (&ct);
      /* A row read again forgets its first callers, which stay in the block. */
      row->n_callers = (guint) (r->n_arcs - row->first_arc);
      return TRUE;
    case TYPE_REF:
      slot = read_ref (r, start);
      if (slot == NO_SLOT)
        return FALSE;
      if (!is_tuple_slot (r, slot, 5))
        return mismatch_slot (r, expected, slot);
      back = begin_reread (r, slot);
      ok = read_row (r, row);
      end_reread (r, back);
      return ok;
    default:
      return mismatch_at (r, expected, code, start);
    }
}

/* One (key, (cc, nc, tt, ct, callers)) pair. A row takes its place where
 * its key is first met among the rows; a repeated key replaces the earlier
 * value there, as marshal.load's dict does. */
static gboolean
read_entry (Reader *r)
{
  FunctionKey key;
  KeyState *state;
  Row row;
  guint id;

  r->entry++;
  if (!read_key (r, &key, &id) || !read_row (r, &row))
    return FALSE;
  row.key = id;

  state = get_key_state (r, id);
  if (state->row == NO_ROW)
    {
      state->row = r->rows->len;
      g_array_append_val (r->rows, row);
    }
  else
    g_array_index (r->rows, Row, state->row) = row;

  /* What was decoded for this row is in the table now. */
  g_string_chunk_clear (r->scratch);
  return TRUE;
}

/* The whole dict, which must hold a function at least. */
static gboolean
read_stats_dict (Reader *r)
{
  gsize start;
  guint8 code;
  guint slot;

  if (!begin_object (r, &start, &code))
    return FALSE;
  if ((code & ~FLAG_REF) != TYPE_DICT)
    return mismatch_at (r, "a dict at the top level", code, start);

  slot = take_slot (r, code, start);
  r->depth++;
  for (;;)
    {
      if (bytes_left (r) == 0)
        return corrupt (r, r->pos, "truncated: dict without its '0' end marker");
      if ((r->data[r->pos] & ~FLAG_REF) == TYPE_NULL)
        break;
      if (!read_entry (r))
        return FALSE;
    }
  r->pos++;
  r->entry = 0;
  r->depth--;

  if (r->rows->len == 0)
    {
      r->mismatch = g_strdup ("the dump holds no functions (an empty dict)");
      return FALSE;
    }
  fill_slot (r, slot, DETPROF_MARSHAL_DICT, 0);
  return TRUE;
}

/* Every key is in the table already, by id: gives the rows their numbers,
 * then puts them first, in dict order, ahead of the keys that are only
 * callers, which keep the order they were met in. */
static void
fill_table (Reader *r)
{
  g_autofree guint *row_keys = g_new (guint, MAX (r->rows->len, 1));
  DetprofCallerArc *arcs;
  guint i;

  /* The block is trimmed to size, and the table takes it. */
  arcs = g_renew (DetprofCallerArc, g_steal_pointer (&r->arcs), MAX (r->n_arcs, 1));
  _detprof_stats_take_arcs (r->table, arcs);

  for (i = 0; i < r->rows->len; i++)
    {
      const Row *row = &g_array_index (r->rows, Row, i);

      _detprof_stats_take_numbers (r->table, row->key, row->cc, row->nc, row->tt, row->ct,
                                   arcs + row->first_arc, row->n_callers);
      row_keys[i] = row->key;
    }
  _detprof_stats_place_rows (r->table, row_keys, r->rows->len);
}

/* ---------------------------------------------------------------------- */
/* detprof's extra object                                                  */

/* The fields of the extra object, where their values start. */
typedef enum
{
  FIELD_VERSION,
  FIELD_INFO,
  FIELD_CALL_SITES,
  FIELD_BOUNDS,
  FIELD_CALL_SITE_BOUNDS,
  FIELD_PATH_THREADS,
  FIELD_PATHS,
  N_FIELDS,
} ExtraField;

static const char *const field_names[N_FIELDS] = {
  "detprof", "info", "call_sites", "bounds", "call_site_bounds", "path_threads", "paths"
};

static char *
text_dup (const Text *text)
{
  return g_strndup (text->data, text->len);
}

/* Moves to the first item of the container that @object names. */
static void
enter_container (Reader       *r,
                 const Object *object)
{
  guint8 code = r->data[object->start] & ~FLAG_REF;

  r->pos = object->start + (code == TYPE_DICT ? 1 : code == TYPE_SMALL_TUPLE ? 2 : 5);
}

/* One call site:
 *   (caller key, callee key, file, line, nc, cc, tt, ct) */
static gboolean
read_call_site (Reader *r)
{
  static const char expected[] = "an 8-tuple as call site";
  g_autofree char *caller_file = NULL;
  g_autofree char *caller_name = NULL;
  g_autofree char *callee_file = NULL;
  g_autofree char *callee_name = NULL;
  g_autofree char *file = NULL;
  FunctionKey caller, callee;
  Number line, nc, cc, tt, ct;
  Bookmark back;
  Text file_text;
  gsize start, n;
  guint8 code;
  guint slot;
  gboolean ok;

  if (!begin_object (r, &start, &code))
    return FALSE;

  switch (code & ~FLAG_REF)
    {
    case TYPE_REF:
      slot = read_ref (r, start);
      if (slot == NO_SLOT)
        return FALSE;
      if (!is_tuple_slot (r, slot, 8))
        return mismatch_slot (r, expected, slot);
      back = begin_reread (r, slot);
      ok = read_call_site (r);
      end_reread (r, back);
      return ok;
    case TYPE_SMALL_TUPLE:
    case TYPE_TUPLE:
      if (!read_count (r, code, start, "tuple", &n))
        return FALSE;
      if (n != 8)
        return mismatch_type (r, expected, DETPROF_MARSHAL_TUPLE, n);
      break;
    default:
      return mismatch_at (r, expected, code, start);
    }

  r->depth++;
  ok = read_key (r, &caller, NULL)
       && read_key (r, &callee, NULL)
       && read_text (r, "a str as call site file", FALSE, &file_text)
       && read_number (r, "an int as call site line", FALSE, &line)
       && read_number (r, "an int as call count", FALSE, &nc)
       && read_number (r, "an int as primitive call count", FALSE, &cc)
       && read_number (r, "a number as internal time", TRUE, &tt)
       && read_number (r, "a number as cumulative time", TRUE, &ct);
  r->depth--;
  if (!ok)
    return FALSE;

  caller_file = text_dup (&caller.file);
  caller_name = text_dup (&caller.name);
  callee_file = text_dup (&callee.file);
  callee_name = text_dup (&callee.name);
  file = text_dup (&file_text);
  _detprof_stats_take_call_site (r->table, caller_file, caller.line, caller_name,
                                 callee_file, callee.line, callee_name, file, line.i,
                                 nc.i, cc.i, number_time (&tt).value, number_time (&ct).value);
  return TRUE;
}

/* The run facts: a dict of str -> str. */
static gboolean
read_info (Reader *r)
{
  Object info, key, value;

  if (!read_any (r, &info))
    return FALSE;
  if (info.type != DETPROF_MARSHAL_DICT)
    return mismatch (r, "a dict of run facts", &info);

  enter_container (r, &info);
  while ((r->data[r->pos] & ~FLAG_REF) != TYPE_NULL)
    {
      g_autofree char *name = NULL;
      g_autofree char *text = NULL;

      if (!read_any (r, &key) || !read_any (r, &value))
        return FALSE;
      if (key.type != DETPROF_MARSHAL_STR || value.type != DETPROF_MARSHAL_STR)
        return mismatch (r, "a str -> str run fact", key.type != DETPROF_MARSHAL_STR ? &key : &value);
      name = text_dup (&key.text);
      text = text_dup (&value.text);
      detprof_stats_set_info (r->table, name, text);
      g_string_chunk_clear (r->scratch);
    }
  return TRUE;
}

static gboolean
read_call_sites (Reader *r)
{
  Object sites;
  gsize i;

  if (!read_any (r, &sites))
    return FALSE;
  if (sites.type != DETPROF_MARSHAL_TUPLE && sites.type != DETPROF_MARSHAL_LIST)
    return mismatch (r, "a tuple of call sites", &sites);

  enter_container (r, &sites);
  for (i = 0; i < sites.n; i++)
    {
      r->call_site = (guint) i + 1;
      if (!read_call_site (r))
        return FALSE;
      g_string_chunk_clear (r->scratch);
    }
  r->call_site = 0;
  return TRUE;
}

/* ---- error bounds (detprof 0.2) ---- */

/* A tuple of @n items, read by @read_items, or a reference to one. */
static gboolean
read_tuple_of (Reader      *r,
               gsize        n,
               const char  *expected,
               gboolean   (*read_items) (Reader  *r,
                                         gpointer data),
               gpointer     data)
{
  Bookmark back;
  gsize start, count;
  guint8 code;
  guint slot;
  gboolean ok;

  if (!begin_object (r, &start, &code))
    return FALSE;

  switch (code & ~FLAG_REF)
    {
    case TYPE_REF:
      slot = read_ref (r, start);
      if (slot == NO_SLOT)
        return FALSE;
      if (!is_tuple_slot (r, slot, n))
        return mismatch_slot (r, expected, slot);
      back = begin_reread (r, slot);
      ok = read_tuple_of (r, n, expected, read_items, data);
      end_reread (r, back);
      return ok;
    case TYPE_SMALL_TUPLE:
    case TYPE_TUPLE:
      if (!read_count (r, code, start, "tuple", &count))
        return FALSE;
      if (count != n)
        return mismatch_type (r, expected, DETPROF_MARSHAL_TUPLE, count);
      break;
    default:
      return mismatch_at (r, expected, code, start);
    }

  r->depth++;
  ok = read_items (r, data);
  r->depth--;
  return ok;
}

/* Where the bounds of a row are being read: its key, for its arcs. */
typedef struct
{
  char   *file;  /* owned */
  gint64  line;
  char   *name;  /* owned */
} RowKey;

/* An arc's bounds: (caller key, tt_bound, ct_bound). */
static gboolean
read_arc_bounds_items (Reader  *r,
                       gpointer data)
{
  const RowKey *row = data;
  g_autofree char *caller_file = NULL;
  g_autofree char *caller_name = NULL;
  FunctionKey caller;
  Number tt, ct;

  if (!read_key (r, &caller, NULL)
      || !read_number (r, "a number as internal time bound", TRUE, &tt)
      || !read_number (r, "a number as cumulative time bound", TRUE, &ct))
    return FALSE;
  caller_file = text_dup (&caller.file);
  caller_name = text_dup (&caller.name);
  _detprof_stats_take_caller_bounds (r->table, row->file, row->line, row->name,
                                     caller_file, caller.line, caller_name,
                                     number_time (&tt).value, number_time (&ct).value);
  return TRUE;
}

/* A row's bounds: (key, tt_bound, ct_bound, ( (caller key, tt_bound,
 * ct_bound), ... )). */
static gboolean
read_row_bounds_items (Reader  *r,
                       gpointer data)
{
  RowKey row = { NULL, 0, NULL };
  FunctionKey key;
  Number tt, ct;
  Object arcs;
  gboolean ok = FALSE;
  gsize i;

  if (!read_key (r, &key, NULL)
      || !read_number (r, "a number as internal time bound", TRUE, &tt)
      || !read_number (r, "a number as cumulative time bound", TRUE, &ct))
    return FALSE;
  row.file = text_dup (&key.file);
  row.line = key.line;
  row.name = text_dup (&key.name);
  _detprof_stats_take_bounds (r->table, row.file, row.line, row.name,
                              number_time (&tt).value, number_time (&ct).value);

  if (!read_any (r, &arcs))
    goto out;
  if (arcs.type != DETPROF_MARSHAL_TUPLE && arcs.type != DETPROF_MARSHAL_LIST)
    {
      mismatch (r, "a tuple of caller bounds", &arcs);
      goto out;
    }
  enter_container (r, &arcs);
  for (i = 0; i < arcs.n; i++)
    if (!read_tuple_of (r, 3, "a 3-tuple as a caller's bounds", read_arc_bounds_items, &row))
      goto out;
  ok = TRUE;

out:
  g_free (row.file);
  g_free (row.name);
  return ok;
}

/* A call site's bounds: (caller key, callee key, file, line, tt_bound,
 * ct_bound). */
static gboolean
read_site_bounds_items (Reader  *r,
                        gpointer data)
{
  g_autofree char *caller_file = NULL;
  g_autofree char *caller_name = NULL;
  g_autofree char *callee_file = NULL;
  g_autofree char *callee_name = NULL;
  g_autofree char *file = NULL;
  FunctionKey caller, callee;
  Number line, tt, ct;
  Text file_text;

  if (!read_key (r, &caller, NULL)
      || !read_key (r, &callee, NULL)
      || !read_text (r, "a str as call site file", FALSE, &file_text)
      || !read_number (r, "an int as call site line", FALSE, &line)
      || !read_number (r, "a number as internal time bound", TRUE, &tt)
      || !read_number (r, "a number as cumulative time bound", TRUE, &ct))
    return FALSE;
  caller_file = text_dup (&caller.file);
  caller_name = text_dup (&caller.name);
  callee_file = text_dup (&callee.file);
  callee_name = text_dup (&callee.name);
  file = text_dup (&file_text);
  _detprof_stats_take_call_site_bounds (r->table, caller_file, caller.line, caller_name,
                                        callee_file, callee.line, callee_name, file, line.i,
                                        number_time (&tt).value, number_time (&ct).value);
  return TRUE;
}

/* "bounds" or "call_site_bounds": a tuple of the tuples above. What is
 * read replaces the bounds of rows, arcs and call sites read before
 * (rows read from a dump have none until then). */
static gboolean
read_bounds (Reader   *r,
             gboolean  call_sites)
{
  guint *counter = call_sites ? &r->site_bounds : &r->bounds;
  Object all;
  gsize i;

  if (!read_any (r, &all))
    return FALSE;
  if (all.type != DETPROF_MARSHAL_TUPLE && all.type != DETPROF_MARSHAL_LIST)
    return mismatch (r, call_sites ? "a tuple of call site bounds" : "a tuple of bounds", &all);

  enter_container (r, &all);
  for (i = 0; i < all.n; i++)
    {
      *counter = (guint) i + 1;
      if (call_sites ? !read_tuple_of (r, 6, "a 6-tuple as a call site's bounds", read_site_bounds_items, NULL)
                     : !read_tuple_of (r, 4, "a 4-tuple as a function's bounds", read_row_bounds_items, NULL))
        return FALSE;
      g_string_chunk_clear (r->scratch);
    }
  *counter = 0;
  return TRUE;
}

/* ---- the calling-context trees (detprof-stats-paths.c) ---- */

/* A number of the paths that is in range, or the dump is not one of ours. */
static gboolean
check_index (Reader     *r,
             const char *what,
             gint64      value,
             gint64      low,
             gint64      end)
{
  if (value >= low && value < end)
    return TRUE;
  r->mismatch = g_strdup_printf ("%s %u: %s %" G_GINT64_FORMAT " is out of range [%" G_GINT64_FORMAT
                                 ", %" G_GINT64_FORMAT ")", r->path_kind, r->path_item - 1, what,
                                 value, low, end);
  return FALSE;
}

/* A path thread: (id, n_threads, cpu_time, unplaced_calls). */
static gboolean
read_path_thread_items (Reader  *r,
                        gpointer data)
{
  Number id, n_threads, cpu_time, unplaced;

  if (!read_number (r, "an int as thread id", FALSE, &id)
      || !read_number (r, "an int as thread count", FALSE, &n_threads)
      || !read_number (r, "a number as CPU time", TRUE, &cpu_time)
      || !read_number (r, "an int as unplaced call count", FALSE, &unplaced)
      || !check_index (r, "thread count", n_threads.i, 0, G_MAXUINT))
    return FALSE;
  _detprof_stats_add_path_thread (r->table, id.i, (guint) n_threads.i, number_time (&cpu_time).value,
                                  unplaced.i);
  return TRUE;
}

/* A path node: (parent, thread, function, file, line, nc, cc, tt, ct,
 * tt_bound, ct_bound); the parent comes before the node, or is -1. @data, a GArray, holds the
 * table's index of each node before it: a node equal to an earlier one
 * adds to it, as in any addition of paths, so the two numberings may
 * part. */
static gboolean
read_path_node_items (Reader  *r,
                      gpointer data)
{
  GArray *same = data;
  g_autofree char *file = NULL;
  Number parent, thread, function, line, nc, cc, tt, ct, tt_bound, ct_bound;
  Text file_text;
  guint index;

  if (!read_number (r, "an int as parent node", FALSE, &parent)
      || !read_number (r, "an int as thread", FALSE, &thread)
      || !read_number (r, "an int as function", FALSE, &function)
      || !read_text (r, "a str as call file", FALSE, &file_text)
      || !read_number (r, "an int as call line", FALSE, &line)
      || !read_number (r, "an int as call count", FALSE, &nc)
      || !read_number (r, "an int as primitive call count", FALSE, &cc)
      || !read_number (r, "a number as internal time", TRUE, &tt)
      || !read_number (r, "a number as cumulative time", TRUE, &ct)
      || !read_number (r, "a number as internal time bound", TRUE, &tt_bound)
      || !read_number (r, "a number as cumulative time bound", TRUE, &ct_bound)
      || !check_index (r, "parent", parent.i, -1, same->len)
      || !check_index (r, "thread", thread.i, 0, detprof_stats_get_n_path_threads (r->table))
      || !check_index (r, "function", function.i, 0, detprof_stats_get_n_functions (r->table)))
    return FALSE;

  file = text_dup (&file_text);
  index = _detprof_stats_add_path_node (r->table, (guint) thread.i,
                                        parent.i < 0 ? G_MAXUINT : g_array_index (same, guint, parent.i),
                                        (guint) function.i, file, line.i, nc.i, cc.i,
                                        number_time (&tt).value, number_time (&ct).value,
                                        number_time (&tt_bound).value, number_time (&ct_bound).value);
  g_array_append_val (same, index);
  return TRUE;
}

/* "path_threads" or "paths": a tuple of the tuples above. */
static gboolean
read_paths (Reader   *r,
            gboolean  nodes)
{
  g_autoptr(GArray) same = g_array_new (FALSE, FALSE, sizeof (guint));
  Object items;
  gsize i;

  if (!read_any (r, &items))
    return FALSE;
  if (items.type != DETPROF_MARSHAL_TUPLE && items.type != DETPROF_MARSHAL_LIST)
    return mismatch (r, nodes ? "a tuple of path nodes" : "a tuple of path threads", &items);

  enter_container (r, &items);
  r->path_kind = nodes ? "path node" : "path thread";
  for (i = 0; i < items.n; i++)
    {
      r->path_item = (guint) MIN (i + 1, G_MAXUINT);
      if (nodes ? !read_tuple_of (r, 11, "an 11-tuple as path node", read_path_node_items, same)
                : !read_tuple_of (r, 4, "a 4-tuple as path thread", read_path_thread_items, NULL))
        return FALSE;
      g_string_chunk_clear (r->scratch);
    }
  r->path_item = 0;
  return TRUE;
}

/* detprof's extra object, as detprof_stats_to_bytes () writes it:
 *
 *   { "detprof": 1,
 *     "info": { name: value, ... },
 *     "call_sites": ( (caller key, callee key, file, line, nc, cc, tt, ct), ... ),
 *     "bounds": ( (key, tt_bound, ct_bound, ( (caller key, tt_bound, ct_bound), ... )), ... ),
 *     "call_site_bounds": ( (caller key, callee key, file, line, tt_bound, ct_bound), ... ),
 *     "path_threads": ( (id, n_threads, cpu_time, unplaced_calls), ... ),
 *     "paths": ( (parent, thread, function, file, line, nc, cc, tt, ct, tt_bound, ct_bound), ... ) }
 *
 * (bounds since detprof 0.2, and only when the times have bounds; the
 * paths when the profile has any)
 *
 * It is small, and what it means depends on a version that may come
 * anywhere in it. So its bytes are checked first, whole, and then we go
 * back to read what we need where it is, in this order. Someone else's
 * object, or a version we do not know, is left unread, as Python leaves
 * whatever follows the dict. */
static gboolean
read_extra (Reader *r)
{
  gsize field_starts[N_FIELDS] = { 0, };
  gboolean found[N_FIELDS] = { FALSE, };
  Object root, key, value, version;
  int i;

  if (!read_any (r, &root))
    return FALSE;
  if (root.type != DETPROF_MARSHAL_DICT)
    return TRUE;

  /* From here on nothing takes a slot: every object has been read once. */
  r->checked = TRUE;
  r->rereading++;
  enter_container (r, &root);
  while ((r->data[r->pos] & ~FLAG_REF) != TYPE_NULL)
    {
      gsize value_start;

      if (!read_any (r, &key))
        return FALSE;
      value_start = r->pos;
      if (!read_any (r, &value))
        return FALSE;
      for (i = 0; i < N_FIELDS && key.type == DETPROF_MARSHAL_STR; i++)
        if (!found[i] && key.text.len == strlen (field_names[i])
            && memcmp (key.text.data, field_names[i], key.text.len) == 0)
          {
            found[i] = TRUE;
            field_starts[i] = value_start;
          }
    }

  if (!found[FIELD_VERSION])
    return TRUE;
  r->pos = field_starts[FIELD_VERSION];
  if (!read_any (r, &version))
    return FALSE;
  if (version.type != DETPROF_MARSHAL_INT)
    return mismatch (r, "an int as format version", &version);
  if (version.number.i != 1)
    return TRUE;

  if (found[FIELD_INFO])
    {
      r->pos = field_starts[FIELD_INFO];
      if (!read_info (r))
        return FALSE;
    }
  if (found[FIELD_CALL_SITES])
    {
      r->pos = field_starts[FIELD_CALL_SITES];
      if (!read_call_sites (r))
        return FALSE;
    }
  /* After the rows and the call sites, whose bounds they set. */
  if (found[FIELD_BOUNDS])
    {
      r->pos = field_starts[FIELD_BOUNDS];
      if (!read_bounds (r, FALSE))
        return FALSE;
    }
  if (found[FIELD_CALL_SITE_BOUNDS])
    {
      r->pos = field_starts[FIELD_CALL_SITE_BOUNDS];
      if (!read_bounds (r, TRUE))
        return FALSE;
    }
  /* The threads before the nodes, which name them. */
  if (found[FIELD_PATH_THREADS] && found[FIELD_PATHS])
    {
      r->pos = field_starts[FIELD_PATH_THREADS];
      if (!read_paths (r, FALSE))
        return FALSE;
      r->pos = field_starts[FIELD_PATHS];
      if (!read_paths (r, TRUE))
        return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* The reader                                                              */

static void
reader_init (Reader       *r,
             DetprofStats *table,
             const guint8 *data,
             gsize         len)
{
  memset (r, 0, sizeof *r);
  r->table = table;
  r->data = data;
  r->len = len;
  r->numbers = g_array_new (FALSE, FALSE, sizeof (Number));
  r->texts = g_array_new (FALSE, FALSE, sizeof (Text));
  r->kept = g_string_chunk_new (256);
  r->scratch = g_string_chunk_new (256);
  r->keys = g_array_new (FALSE, FALSE, sizeof (FunctionKey));
  r->states = g_array_new (FALSE, FALSE, sizeof (KeyState));
  r->key_mask = 1023;
  r->key_table = g_new0 (KeyBucket, r->key_mask + 1);
  r->rows = g_array_new (FALSE, FALSE, sizeof (Row));
}

static void
reader_clear (Reader *r)
{
  g_clear_error (&r->error);
  g_free (r->mismatch);
  g_free (r->slots);
  g_free (r->spans);
  g_array_unref (r->numbers);
  g_array_unref (r->texts);
  g_string_chunk_free (r->kept);
  g_string_chunk_free (r->scratch);
  g_array_unref (r->keys);
  g_array_unref (r->states);
  g_free (r->key_table);
  g_array_unref (r->rows);
  g_free (r->arcs);
}

/* Reading stopped: hands over what was wrong. If it was something the
 * dump holds that is not what a dump should, the object is read again
 * from the start, as plain marshal data, in case its bytes are wrong
 * further on: that is the error to give. */
static void
take_error (Reader  *r,
            GError **error)
{
  Object whole;

  if (r->error == NULL && !r->checked)
    {
      g_assert (r->mismatch != NULL);
      r->n_slots = 0;
      g_array_set_size (r->numbers, 0);
      g_array_set_size (r->texts, 0);
      r->pos = 0;
      r->depth = 0;
      r->in_code = 0;
      read_any (r, &whole);
    }
  if (r->error == NULL)
    g_set_error_literal (&r->error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT, r->mismatch);
  g_propagate_error (error, g_steal_pointer (&r->error));
}

gboolean
_detprof_stats_read (DetprofStats  *self,
                     const guint8  *data,
                     gsize          len,
                     gsize         *dict_len,
                     GError       **error)
{
  g_autoptr(GError) extra_error = NULL;
  Reader r;
  gsize consumed;
  gboolean ok;

  g_return_val_if_fail (DETPROF_IS_STATS (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (_detprof_stats_get_n_keys (self) == 0, FALSE);

  if (len == 0)
    {
      g_set_error_literal (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT, "at byte 0: empty input");
      return FALSE;
    }

  reader_init (&r, self, data, len);
  ok = read_stats_dict (&r);
  if (ok)
    fill_table (&r);
  else
    {
      _detprof_stats_clear_table (self);
      take_error (&r, error);
    }
  consumed = r.pos;
  reader_clear (&r);
  if (!ok)
    return FALSE;

  /* A second object may follow the dict, which Python's marshal.load does
   * not read: detprof's call sites and run facts. Its reference table is
   * its own, and its errors count bytes from its start. */
  if (consumed < len)
    {
      reader_init (&r, self, data + consumed, len - consumed);
      ok = read_extra (&r);
      if (!ok)
        take_error (&r, &extra_error);
      reader_clear (&r);
      if (!ok)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&extra_error),
                                      "detprof's extra data (from byte %" G_GSIZE_FORMAT "): ",
                                      consumed);
          return FALSE;
        }
    }

  if (dict_len != NULL)
    *dict_len = consumed;
  return TRUE;
}
