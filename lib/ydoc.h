/*
** ydoc.h: YAML documents for retort, read and written through libyaml.
** ydoc.c is the only file that includes <yaml.h>; everything here speaks in
** retort's terms (src_loc, retort_error, retort_buf).
*/
#ifndef RETORT_YDOC_H
#define RETORT_YDOC_H

#include "buf.h"
#include "error.h"

#include <stddef.h>

typedef struct ydoc ydoc;
typedef struct ynode ynode; /* borrowed from its ydoc */

typedef enum ykind { Y_SCALAR, Y_MAP, Y_SEQ } ykind;

/*
** Parse `text` (one YAML document; an empty text is an empty map). `path`
** is copied and names the text in errors. Malformed YAML is RETORT_EINVALID
** with the parser's own location and problem.
*/
int retort_ydoc_parse(ydoc **out, const char *text, size_t len, const char *path,
	retort_error **err);
void retort_ydoc_free(ydoc *doc);

const char *retort_ydoc_path(const ydoc *doc);
const char *retort_ydoc_text(const ydoc *doc);
ynode *retort_ydoc_root(const ydoc *doc); /* NULL for an empty document */

ykind retort_ynode_kind(const ynode *n);
const char *retort_ynode_kind_name(const ynode *n); /* "a string", "a map", ... */
src_loc retort_ynode_loc(const ydoc *doc, const ynode *n);
/* Scalars: the text, and whether it was written plain (no quotes). */
const char *retort_ynode_text(const ynode *n);
int retort_ynode_plain(const ynode *n);
int retort_ynode_is_null(const ynode *n); /* plain null, ~, or empty */
/* Maps and sequences: number of entries; map keys and values. */
size_t retort_ynode_len(const ydoc *doc, const ynode *n);
ynode *retort_ynode_item(const ydoc *doc, const ynode *n, size_t i);
ynode *retort_ynode_key(const ydoc *doc, const ynode *n, size_t i);
ynode *retort_ynode_value(const ydoc *doc, const ynode *n, size_t i);
/* The value under scalar key `key` in map `n`, or NULL. */
ynode *retort_ynode_get(const ydoc *doc, const ynode *n, const char *key);

/* An error pointing at `n`, with the source line for a caret. */
int retort_ydoc_error(const ydoc *doc, const ynode *n, retort_error **err,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
** Check that `n` is of `kind`; else an error "`what`: expected a map, got a
** string". Returns 0 or RETORT_EINVALID.
*/
int retort_ydoc_expect(const ydoc *doc, const ynode *n, ykind kind,
	const char *what, retort_error **err);

/*
** Check every key of map `n` against `allowed` (NULL-terminated): keys must
** be scalars, appear once, and be known; an unknown one gets a "did you mean"
** from the allowed list. `what` prefixes the message ("column 'id'").
*/
int retort_ydoc_check_keys(const ydoc *doc, const ynode *n,
	const char *const *allowed, const char *what, retort_error **err);

/* The allowed word closest to `word` (edit distance), or NULL if none is. */
const char *retort_closest_word(const char *word, const char *const *words);

/*
** Reading a YAML boolean: true/false (YAML 1.2 core, any case).
** Returns 0 and sets *out, or an error at `n`.
*/
int retort_ydoc_bool(const ydoc *doc, const ynode *n, int *out, const char *what,
	retort_error **err);

/*
** Writing YAML. The writer keeps libyaml's emitter behind a small event API:
** maps and sequences (block or flow) and scalars, quoted when their plain
** form would read back as something else.
*/
typedef struct ywriter ywriter;

typedef enum yscalar_style {
	YS_ANY,    /* plain when that reads back as the same string */
	YS_PLAIN,  /* plain on purpose: a number, a boolean or null */
	YS_QUOTED  /* always quoted */
} yscalar_style;

int retort_ywriter_new(ywriter **out, retort_buf *dest);
void retort_ywriter_free(ywriter *w);
int retort_ywriter_map_start(ywriter *w, int flow);
int retort_ywriter_map_end(ywriter *w);
int retort_ywriter_seq_start(ywriter *w, int flow);
int retort_ywriter_seq_end(ywriter *w);
int retort_ywriter_scalar(ywriter *w, const char *text, yscalar_style style);
/* Finish the document; the text is in `dest`. */
int retort_ywriter_finish(ywriter *w, retort_error **err);

/* Would `text` written plain read back as a number, boolean or null? */
int retort_ydoc_plain_is_special(const char *text);
/* Is `text`, written plain, a number (as the model format reads numbers)? */
int retort_ydoc_plain_is_number(const char *text);

#endif
