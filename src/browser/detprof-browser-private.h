/* detprof-browser-private.h: the command interpreter of the interactive
 * statistics browser (`detprof-stats FILE`), as `python -m pstats` has it.
 *
 * The browser takes one input line at a time and appends what it prints to
 * a GString: it knows nothing of terminals, so tests drive it directly and
 * detprof-stats-main.c adds the line editing. The helpers below it are
 * shared with the one-shot mode of detprof-stats.
 */
#pragma once

#include "detprof-stats.h"

G_BEGIN_DECLS

typedef struct _DetprofBrowser DetprofBrowser;

/* @interactive: whether a person is typing. Then, as in Python, the EOF
 * command starts with an empty line (the prompt had no newline); on a pipe
 * it prints nothing. */
DetprofBrowser *_detprof_browser_new        (gboolean        interactive);
void            _detprof_browser_free       (DetprofBrowser *self);

/* Loads the files named on the command line: the first as `read`, the
 * others as `add`. Errors are printed, not fatal. */
void            _detprof_browser_open       (DetprofBrowser     *self,
                                             const char * const *files,
                                             GString            *out);

/* Runs one command line (without its newline). Returns FALSE when the
 * browser should stop (quit, EOF). */
gboolean        _detprof_browser_execute    (DetprofBrowser *self,
                                             const char     *line,
                                             GString        *out);

/* "% " until a file has loaded, then "<that file>% ". */
const char     *_detprof_browser_get_prompt (DetprofBrowser *self);

/* (nullable) (transfer none): the statistics, NULL before a file loads. */
DetprofStats   *_detprof_browser_get_stats  (DetprofBrowser *self);

/* Completion candidates for @word, the word under the cursor, when @before
 * is the text of the line before it: command names for the first word,
 * sort keys after "sort", help topics after "help". NULL when the word is
 * a file name (after read and add), for the caller's file completion.
 * Free with g_strfreev (). */
char          **_detprof_browser_complete   (const char *before,
                                             const char *word);

/* Loads a dump as detprof_stats_new_from_file() does, but says why a file
 * cannot be read in one line that starts with its name ("x.prof: No such
 * file or directory"). */
DetprofStats   *_detprof_browser_load_file  (const char  *path,
                                             GError     **error);

/* Parses @text as the browser parses its arguments: a Python int is a
 * count, a float in [0, 1] (or NaN) a fraction, anything else a regular
 * expression (pointing into @text). Returns FALSE for a float out of
 * [0, 1], which the browser drops. */
gboolean        _detprof_browser_parse_term (const char         *text,
                                             DetprofRestriction *restriction);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DetprofBrowser, _detprof_browser_free)

G_END_DECLS
