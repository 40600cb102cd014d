/* detprof-stats-load.c: reading a stats dict straight into the table.
 *
 * A big dump is a dict of a hundred thousand functions and a million
 * caller arcs. Reading it into a marshal tree first (detprof-marshal.c)
 * costs an allocation for every tuple, int and float, and as many frees
 * after the walk; this reader goes through the bytes once and keeps only
 * what the table keeps. It knows the shapes Python and detprof write:
 *
 *   {(file, line, name): (cc, nc, tt, ct, {(file, line, name): arc, ...}), ...}
 *
 * where an arc is an int count (profile) or a 4-tuple (cProfile, detprof).
 * Anything else it declines, errors included: it returns FALSE, and the
 * tree reader reads the dump again from the start and says what is wrong.
 * So this reader must be right about what it accepts, never about errors.
 *
 * Two things make the bytes harder than the picture. The first is
 * references: Python writes a shared object (an interned name, a file
 * name, a small int, a key tuple that is both a row and a caller) once
 * with FLAG_REF on its type byte, which gives it the next index of a
 * table, and later only 'r' and that index. We keep a slot for each: the
 * value of an int, a float or a str, the key of a key tuple, or just
 * "other" for what we do not keep (arc tuples, dicts), and a reference to
 * an "other" is declined. The second is numbering: a key is often met as
 * a caller before its own row, yet the rows must come first, in dict
 * order. So each key goes into the table as it is first met, and its
 * index there is its id; arcs name their callers by it; and once the
 * whole dict has been read, the rows are moved to the front.
 *
 * The input is hostile, as everywhere: every size is checked against the
 * bytes left before it is used, and nothing is allocated from a size in
 * the file (strs point into the input; only a new key's are copied). The
 * rare encodings of numbers and strs (big ints, text floats, strs that
 * need fixing) are decoded by the marshal reader: they hold no
 * references, so it can read them on their own.
 */
#include "config.h"

#include <string.h>

#include "detprof-marshal-private.h"
#include "detprof-report-private.h"
#include "detprof-stats-load-private.h"

#define NO_ROW G_MAXUINT

/* A str of the dump: UTF-8 without NUL, in the input or in Loader.decoded. */
typedef struct
{
  const char *data;
  gsize       len;
  guint       hash;
} Text;

/* An int (a bool is one, as in Python) or a float, as the dump gave it. */
typedef struct
{
  gboolean is_int;
  gint64   i;
  double   f;
} Number;

/* A key, as the key table finds it. Its strs are the table's copies. */
typedef struct
{
  Text   file;
  gint64 line;
  Text   name;
  guint  hash;
  guint  id;    /* its index in the table, and in Loader.keys */
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
  gsize        first_arc;  /* its callers: Loader.arcs from here on */
  guint        n_callers;
} Row;

typedef enum
{
  SLOT_OTHER,    /* nothing we keep, or a tuple still being read */
  SLOT_NUMBER,
  SLOT_TEXT,
  SLOT_KEY,
} SlotKind;

/* One entry of the reference table: small, since the references of a big
 * dump land all over it. */
typedef struct
{
  SlotKind kind;
  guint    value;  /* a key id, or an index in Loader.numbers or Loader.texts */
} Slot;

typedef struct
{
  DetprofStats *table;        /* what is being filled */
  const guint8 *data;
  gsize         len;
  gsize         pos;          /* the next byte to read */
  GArray       *slots;        /* of Slot: the reference table */
  GArray       *numbers;      /* of Number: the values of SLOT_NUMBER slots */
  GArray       *texts;        /* of Text: the values of SLOT_TEXT slots */
  GArray       *keys;         /* of FunctionKey, by id */
  GArray       *states;       /* of KeyState, by key id */
  KeyBucket    *key_table;    /* owned */
  guint         key_mask;     /* the size of @key_table, a power of two, less one */
  GArray       *rows;         /* of Row, in dict order */
  DetprofCallerArc *arcs;     /* the callers of every row, one dict after the other; owned */
  gsize         n_arcs;
  gsize         arcs_size;    /* room in @arcs */
  guint         dict_serial;  /* how many callers dicts have been started */
  GStringChunk *decoded;      /* the text of strs that the marshal reader decoded */
} Loader;

/* pstats' fresh entry has integer zeros, and so does a count arc. */
static const DetprofTime int_zero = { 0.0, TRUE };

/* ---------------------------------------------------------------------- */
/* Keys                                                                    */

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
get_key (Loader *loader,
         guint   id)
{
  return &g_array_index (loader->keys, FunctionKey, id);
}

static KeyState *
get_key_state (Loader *loader,
               guint   id)
{
  return &g_array_index (loader->states, KeyState, id);
}

/* The key table is open addressing with linear probing, never more than
 * half full. (A GHashTable would need each key at a fixed address, and so
 * an allocation for each.) A bucket keeps the hash, so that a probe reads
 * a key, far away in memory, only when the hashes are equal. Returns the
 * bucket that holds @probe, or the empty one where it would go. */
static KeyBucket *
find_key_bucket (Loader            *loader,
                 const FunctionKey *probe)
{
  guint i;

  for (i = probe->hash & loader->key_mask; ; i = (i + 1) & loader->key_mask)
    {
      KeyBucket *bucket = &loader->key_table[i];

      if (bucket->id_plus_one == 0
          || (bucket->hash == probe->hash
              && function_key_equal (get_key (loader, bucket->id_plus_one - 1), probe)))
        return bucket;
    }
}

static void
grow_key_table (Loader *loader)
{
  gsize size = 2 * ((gsize) loader->key_mask + 1);
  guint id, i;

  g_free (loader->key_table);
  loader->key_table = g_new0 (KeyBucket, size);
  loader->key_mask = (guint) (size - 1);

  /* The keys are all different: each goes to the first empty bucket. */
  for (id = 0; id < loader->keys->len; id++)
    {
      guint hash = get_key (loader, id)->hash;

      for (i = hash & loader->key_mask; loader->key_table[i].id_plus_one != 0; i = (i + 1) & loader->key_mask)
        ;
      loader->key_table[i].hash = hash;
      loader->key_table[i].id_plus_one = id + 1;
    }
}

/* The id of a key. A new key is given to the table at once, while its
 * bytes are in the cache, and takes the next index there. */
static guint
intern_key (Loader      *loader,
            FunctionKey *probe)
{
  KeyState state = { NO_ROW, 0, 0 };
  const DetprofFunctionStats *copy;
  FunctionKey key;
  KeyBucket *bucket;

  probe->hash = (probe->file.hash * 31 + probe->name.hash) * 31 + (guint) probe->line;
  bucket = find_key_bucket (loader, probe);
  if (bucket->id_plus_one != 0)
    return bucket->id_plus_one - 1;

  key = *probe;
  key.id = _detprof_stats_take_key (loader->table, probe->file.data, probe->file.len,
                                    probe->line, probe->name.data, probe->name.len);
  g_assert (key.id == loader->keys->len);

  /* From now on, compare with the table's copies: they lie together,
   * where the first sight of each key is anywhere in the input. */
  copy = detprof_stats_get_function (loader->table, key.id);
  key.file.data = copy->file;
  key.name.data = copy->name;

  g_array_append_val (loader->keys, key);
  g_array_append_val (loader->states, state);
  bucket->hash = key.hash;
  bucket->id_plus_one = key.id + 1;

  if (2 * (gsize) loader->keys->len > (gsize) loader->key_mask + 1)
    grow_key_table (loader);
  return key.id;
}

/* ---------------------------------------------------------------------- */
/* Bytes, slots and the rare encodings                                     */

static gsize
bytes_left (const Loader *loader)
{
  return loader->len - loader->pos;
}

static gboolean
read_byte (Loader *loader,
           guint8 *out)
{
  if (bytes_left (loader) < 1)
    return FALSE;
  *out = loader->data[loader->pos++];
  return TRUE;
}

/* Fixed-size fields are little-endian. */
static gboolean
read_uint32 (Loader  *loader,
             guint32 *out)
{
  guint32 bits;

  if (bytes_left (loader) < 4)
    return FALSE;
  memcpy (&bits, loader->data + loader->pos, 4);
  *out = GUINT32_FROM_LE (bits);
  loader->pos += 4;
  return TRUE;
}

static gboolean
read_binary_float (Loader *loader,
                   double *out)
{
  guint64 bits;

  if (bytes_left (loader) < 8)
    return FALSE;
  memcpy (&bits, loader->data + loader->pos, 8);
  bits = GUINT64_FROM_LE (bits);
  memcpy (out, &bits, sizeof *out);
  loader->pos += 8;
  return TRUE;
}

/* The count of a tuple whose type byte, @code, has just been read. Python
 * writes a negative int32 for no tuple: it reads here as too large. */
static gboolean
read_tuple_size (Loader *loader,
                 guint8  code,
                 gsize  *n)
{
  guint32 large;
  guint8 small;

  switch (code & ~FLAG_REF)
    {
    case TYPE_TUPLE:
      if (!read_uint32 (loader, &large))
        return FALSE;
      *n = large;
      return TRUE;
    case TYPE_SMALL_TUPLE:
      if (!read_byte (loader, &small))
        return FALSE;
      *n = small;
      return TRUE;
    default:
      return FALSE;
    }
}

/* Takes the next index of the reference table. A container takes its
 * index before its items take theirs, so it is held as "other" while they
 * are read: a reference to it from inside is then declined, as a cycle. */
static guint
add_slot (Loader   *loader,
          SlotKind  kind,
          guint     value)
{
  Slot slot = { kind, value };

  g_array_append_val (loader->slots, slot);
  return loader->slots->len - 1;
}

static Slot *
get_slot (Loader *loader,
          guint   index)
{
  return &g_array_index (loader->slots, Slot, index);
}

/* 'r': the slot a reference names (its type byte has been read). */
static const Slot *
read_ref (Loader *loader)
{
  guint32 index;

  if (!read_uint32 (loader, &index) || index >= loader->slots->len)
    return NULL;
  return get_slot (loader, index);
}

/* Reads the object at @start with the marshal reader, which decodes what
 * we do not (it holds no references, so it can be read on its own). */
static DetprofMarshalValue *
decode_alone (Loader *loader,
              gsize   start)
{
  DetprofMarshalValue *value;
  gsize consumed = 0;

  value = _detprof_marshal_read (loader->data + start, loader->len - start, &consumed, NULL);
  if (value != NULL)
    loader->pos = start + consumed;
  return value;
}

/* ---------------------------------------------------------------------- */
/* Numbers and strs                                                        */

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

/* 'I', 'l' and 'f', which the marshal reader decodes. */
static gboolean
decode_number (Loader *loader,
               gsize   start,
               Number *out)
{
  g_autoptr(DetprofMarshalValue) value = decode_alone (loader, start);

  if (value != NULL && value->type == DETPROF_MARSHAL_INT)
    *out = int_number (value->u.i);
  else if (value != NULL && value->type == DETPROF_MARSHAL_FLOAT)
    *out = float_number (value->u.f);
  else
    return FALSE;
  return TRUE;
}

/* An int or a float: 'i' and 'g' as Python 3 writes them, 'T' and 'F',
 * a reference to one, or, through the marshal reader, 'I', 'l' and 'f'. */
static gboolean
read_number (Loader *loader,
             Number *out)
{
  gsize start = loader->pos;
  const Slot *slot;
  guint32 i32;
  double f;
  guint8 code;

  if (!read_byte (loader, &code))
    return FALSE;

  switch (code & ~FLAG_REF)
    {
    case TYPE_FALSE:
    case TYPE_TRUE:
      /* Singletons never take an index, flag or not. */
      *out = int_number ((code & ~FLAG_REF) == TYPE_TRUE);
      return TRUE;
    case TYPE_REF:
      slot = read_ref (loader);
      if (slot == NULL || slot->kind != SLOT_NUMBER)
        return FALSE;
      *out = g_array_index (loader->numbers, Number, slot->value);
      return TRUE;
    case TYPE_INT:
      if (!read_uint32 (loader, &i32))
        return FALSE;
      *out = int_number ((gint32) i32);
      break;
    case TYPE_BINARY_FLOAT:
      if (!read_binary_float (loader, &f))
        return FALSE;
      *out = float_number (f);
      break;
    case TYPE_INT64:
    case TYPE_LONG:
    case TYPE_FLOAT:
      if (!decode_number (loader, start, out))
        return FALSE;
      break;
    default:
      return FALSE;
    }

  if (code & FLAG_REF)
    {
      add_slot (loader, SLOT_NUMBER, loader->numbers->len);
      g_array_append_val (loader->numbers, *out);
    }
  return TRUE;
}

static gboolean
read_int (Loader *loader,
          gint64 *out)
{
  Number number;

  if (!read_number (loader, &number) || !number.is_int)
    return FALSE;
  *out = number.i;
  return TRUE;
}

static gboolean
read_time (Loader      *loader,
           DetprofTime *out)
{
  Number number;

  if (!read_number (loader, &number))
    return FALSE;
  *out = number_time (&number);
  return TRUE;
}

/* Whether @n bytes of a str need no decoding (the marshal reader would
 * give them back unchanged), and if so their hash_bytes () in @hash. NUL
 * is out, since the table cuts names there. Most strs are ASCII: one pass
 * checks and hashes them. */
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

/* A str that needs decoding: a lone surrogate, a NUL, or Latin-1 in an
 * ASCII type. The table keeps what comes before a NUL, and so do we. */
static gboolean
decode_text (Loader *loader,
             gsize   start,
             Text   *out)
{
  g_autoptr(DetprofMarshalValue) value = decode_alone (loader, start);

  if (value == NULL || value->type != DETPROF_MARSHAL_STR)
    return FALSE;
  out->data = g_string_chunk_insert (loader->decoded, value->u.s.data);
  out->len = strlen (out->data);
  out->hash = hash_bytes (out->data, out->len);
  return TRUE;
}

/* A str, of any of the six types Python writes, or a reference to one. */
static gboolean
read_text (Loader *loader,
           Text   *out)
{
  gsize start = loader->pos;
  const Slot *slot;
  guint32 large;
  guint8 code, small;
  gsize n;
  gboolean ascii_type;

  if (!read_byte (loader, &code))
    return FALSE;

  switch (code & ~FLAG_REF)
    {
    case TYPE_REF:
      slot = read_ref (loader);
      if (slot == NULL || slot->kind != SLOT_TEXT)
        return FALSE;
      *out = g_array_index (loader->texts, Text, slot->value);
      return TRUE;
    case TYPE_UNICODE:
    case TYPE_INTERNED:
    case TYPE_ASCII:
    case TYPE_ASCII_INTERNED:
      if (!read_uint32 (loader, &large))
        return FALSE;
      n = large;
      break;
    case TYPE_SHORT_ASCII:
    case TYPE_SHORT_ASCII_INTERNED:
      if (!read_byte (loader, &small))
        return FALSE;
      n = small;
      break;
    default:
      return FALSE;
    }

  if (n > bytes_left (loader))
    return FALSE;

  ascii_type = (code & ~FLAG_REF) != TYPE_UNICODE && (code & ~FLAG_REF) != TYPE_INTERNED;
  if (hash_plain_text (loader->data + loader->pos, n, ascii_type, &out->hash))
    {
      out->data = (const char *) loader->data + loader->pos;
      out->len = n;
      loader->pos += n;
    }
  else if (!decode_text (loader, start, out))
    return FALSE;

  if (code & FLAG_REF)
    {
      add_slot (loader, SLOT_TEXT, loader->texts->len);
      g_array_append_val (loader->texts, *out);
    }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* The dict                                                                */

/* A (file, line, name) tuple, or a reference to one, as a key id. A code
 * object as name (`python -m profile script.py`) is left to the tree
 * reader. */
static gboolean
read_key (Loader *loader,
          guint  *id)
{
  FunctionKey probe;
  const Slot *ref;
  guint slot = 0;
  guint8 code;
  gsize n;

  if (!read_byte (loader, &code))
    return FALSE;

  if ((code & ~FLAG_REF) == TYPE_REF)
    {
      ref = read_ref (loader);
      if (ref == NULL || ref->kind != SLOT_KEY)
        return FALSE;
      *id = ref->value;
      return TRUE;
    }

  if (!read_tuple_size (loader, code, &n) || n != 3)
    return FALSE;
  if (code & FLAG_REF)
    slot = add_slot (loader, SLOT_OTHER, 0);
  memset (&probe, 0, sizeof probe);
  if (!read_text (loader, &probe.file)
      || !read_int (loader, &probe.line)
      || !read_text (loader, &probe.name))
    return FALSE;

  *id = intern_key (loader, &probe);
  if (code & FLAG_REF)
    {
      get_slot (loader, slot)->kind = SLOT_KEY;
      get_slot (loader, slot)->value = *id;
    }
  return TRUE;
}

/* A caller's arc: profile's int count, or cProfile's (nc, cc, tt, ct). */
static gboolean
read_arc (Loader           *loader,
          DetprofCallerArc *arc)
{
  guint8 code;
  gsize n;

  if (bytes_left (loader) == 0)
    return FALSE;
  code = loader->data[loader->pos];

  if ((code & ~FLAG_REF) != TYPE_TUPLE && (code & ~FLAG_REF) != TYPE_SMALL_TUPLE)
    {
      arc->style = DETPROF_CALLER_COUNT;
      arc->tt = int_zero;
      arc->ct = int_zero;
      if (!read_int (loader, &arc->nc))
        return FALSE;
      arc->cc = arc->nc;
      return TRUE;
    }

  loader->pos++;
  if (!read_tuple_size (loader, code, &n) || n != 4)
    return FALSE;
  if (code & FLAG_REF)
    add_slot (loader, SLOT_OTHER, 0);

  arc->style = DETPROF_CALLER_TUPLE;
  return read_int (loader, &arc->nc)
         && read_int (loader, &arc->cc)
         && read_time (loader, &arc->tt)
         && read_time (loader, &arc->ct);
}

/* Whether the next byte ends a dict, which has no count: pairs follow
 * until a '0' where a key would be. */
static gboolean
at_dict_end (Loader   *loader,
             gboolean *end)
{
  if (bytes_left (loader) == 0)
    return FALSE;
  *end = (loader->data[loader->pos] & ~FLAG_REF) == TYPE_NULL;
  if (*end)
    loader->pos++;
  return TRUE;
}

static gboolean
read_dict_start (Loader *loader)
{
  guint8 code;

  if (!read_byte (loader, &code) || (code & ~FLAG_REF) != TYPE_DICT)
    return FALSE;
  if (code & FLAG_REF)
    add_slot (loader, SLOT_OTHER, 0);
  return TRUE;
}

static void
append_arc (Loader                 *loader,
            const DetprofCallerArc *arc)
{
  if (loader->n_arcs == loader->arcs_size)
    {
      loader->arcs_size = MAX (16, 2 * loader->arcs_size);
      loader->arcs = g_renew (DetprofCallerArc, loader->arcs, loader->arcs_size);
    }
  loader->arcs[loader->n_arcs++] = *arc;
}

/* The callers dict of one row, after the arcs read so far. A key
 * repeated within it replaces the earlier value and keeps its place, as a
 * Python dict does. */
static gboolean
read_callers (Loader *loader,
              Row    *row)
{
  gsize first_arc = loader->n_arcs;
  gboolean end = FALSE;

  if (!read_dict_start (loader))
    return FALSE;

  loader->dict_serial++;
  while (at_dict_end (loader, &end) && !end)
    {
      DetprofCallerArc arc = { 0, };
      KeyState *state;
      guint id;

      if (!read_key (loader, &id) || !read_arc (loader, &arc))
        return FALSE;
      arc.caller = id;

      state = get_key_state (loader, id);
      if (state->dict_serial == loader->dict_serial)
        {
          loader->arcs[first_arc + state->position] = arc;
          continue;
        }
      state->dict_serial = loader->dict_serial;
      state->position = (guint) (loader->n_arcs - first_arc);
      append_arc (loader, &arc);
    }
  if (!end)
    return FALSE;

  /* A row read again forgets its first callers, which stay in the block. */
  row->first_arc = first_arc;
  row->n_callers = (guint) (loader->n_arcs - first_arc);
  return TRUE;
}

/* One (key, (cc, nc, tt, ct, callers)) pair. A row takes its place where
 * its key is first met among the rows; a repeated key replaces the earlier
 * value there, as marshal.load's dict does. */
static gboolean
read_entry (Loader *loader)
{
  KeyState *state;
  gint64 cc, nc;
  DetprofTime tt, ct;
  Row *row;
  guint id, row_index;
  guint8 code;
  gsize n;

  if (!read_key (loader, &id))
    return FALSE;

  state = get_key_state (loader, id);
  if (state->row == NO_ROW)
    {
      Row new_row = { id, 0, 0, int_zero, int_zero, 0, 0 };

      state->row = loader->rows->len;
      g_array_append_val (loader->rows, new_row);
    }
  row_index = state->row;

  if (!read_byte (loader, &code) || !read_tuple_size (loader, code, &n) || n != 5)
    return FALSE;
  if (code & FLAG_REF)
    add_slot (loader, SLOT_OTHER, 0);
  if (!read_int (loader, &cc) || !read_int (loader, &nc)
      || !read_time (loader, &tt) || !read_time (loader, &ct))
    return FALSE;

  row = &g_array_index (loader->rows, Row, row_index);
  row->cc = cc;
  row->nc = nc;
  row->tt = tt;
  row->ct = ct;
  return read_callers (loader, row);
}

/* The whole dict. An empty one is an error, for the tree reader to say. */
static gboolean
read_stats_dict (Loader *loader)
{
  gboolean end = FALSE;

  if (!read_dict_start (loader))
    return FALSE;
  while (at_dict_end (loader, &end) && !end)
    if (!read_entry (loader))
      return FALSE;
  return end && loader->rows->len > 0;
}

/* ---------------------------------------------------------------------- */
/* Into the table                                                          */

/* Every key is in the table already, by id: gives the rows their numbers,
 * then puts them first, in dict order, ahead of the keys that are only
 * callers, which keep the order they were met in. That is the numbering
 * of the tree reader, which makes every row first and then walks the
 * callers. */
static void
fill_table (Loader *loader)
{
  g_autofree guint *row_keys = g_new (guint, MAX (loader->rows->len, 1));
  DetprofCallerArc *arcs;
  guint i;

  /* The block is trimmed to size, and the table takes it. */
  arcs = g_renew (DetprofCallerArc, g_steal_pointer (&loader->arcs), MAX (loader->n_arcs, 1));
  _detprof_stats_take_arcs (loader->table, arcs);

  for (i = 0; i < loader->rows->len; i++)
    {
      const Row *row = &g_array_index (loader->rows, Row, i);

      _detprof_stats_take_numbers (loader->table, row->key, row->cc, row->nc, row->tt, row->ct,
                                   arcs + row->first_arc, row->n_callers);
      row_keys[i] = row->key;
    }
  _detprof_stats_place_rows (loader->table, row_keys, loader->rows->len);
}

static void
loader_init (Loader       *loader,
             DetprofStats *table,
             const guint8 *data,
             gsize         len)
{
  memset (loader, 0, sizeof *loader);
  loader->table = table;
  loader->data = data;
  loader->len = len;
  loader->slots = g_array_new (FALSE, FALSE, sizeof (Slot));
  loader->numbers = g_array_new (FALSE, FALSE, sizeof (Number));
  loader->texts = g_array_new (FALSE, FALSE, sizeof (Text));
  loader->keys = g_array_new (FALSE, FALSE, sizeof (FunctionKey));
  loader->states = g_array_new (FALSE, FALSE, sizeof (KeyState));
  loader->key_mask = 1023;
  loader->key_table = g_new0 (KeyBucket, loader->key_mask + 1);
  loader->rows = g_array_new (FALSE, FALSE, sizeof (Row));
  loader->decoded = g_string_chunk_new (256);
}

static void
loader_clear (Loader *loader)
{
  g_array_unref (loader->slots);
  g_array_unref (loader->numbers);
  g_array_unref (loader->texts);
  g_array_unref (loader->keys);
  g_array_unref (loader->states);
  g_free (loader->key_table);
  g_array_unref (loader->rows);
  g_free (loader->arcs);
  g_string_chunk_free (loader->decoded);
}

gboolean
_detprof_stats_load_stream (DetprofStats *self,
                            const guint8 *data,
                            gsize         len,
                            gsize        *consumed)
{
  Loader loader;
  gboolean ok;

  g_return_val_if_fail (DETPROF_IS_STATS (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (consumed != NULL, FALSE);
  g_return_val_if_fail (_detprof_stats_get_n_keys (self) == 0, FALSE);

  loader_init (&loader, self, data, len);
  ok = read_stats_dict (&loader);
  if (ok)
    {
      fill_table (&loader);
      *consumed = loader.pos;
    }
  else
    _detprof_stats_clear_table (self);
  loader_clear (&loader);
  return ok;
}
