/*
** render.h: schema objects written as SQLite statements. All identifiers go
** through retort_buf_ident() and all string literals through retort_buf_literal().
*/
#ifndef RETORT_RENDER_H
#define RETORT_RENDER_H

#include "buf.h"
#include "schema.h"

/* Where each piece of rendered text came from, to map SQLite's error offsets
** back to model files. */
typedef struct render_span {
	size_t start, end;
	const src_loc *loc;
} render_span;

typedef struct render_spans {
	render_span *v;
	size_t n, cap;
} render_spans;

void retort_render_spans_release(render_spans *spans);
/* The narrowest span holding byte `offset`, or NULL. */
const render_span *retort_render_spans_find(const render_spans *spans, size_t offset);

/* `spans` may be NULL everywhere. */
void retort_render_create_table(retort_buf *b, const schema_table *t, render_spans *spans);
/* The same table under another name (a rebuild's new table). */
void retort_render_create_table_as(retort_buf *b, const schema_table *t, const char *name,
	render_spans *spans);
/* One column definition with its column-level constraints, as in CREATE
** TABLE and ALTER TABLE ADD COLUMN. */
void retort_render_column(retort_buf *b, const schema_table *t, const schema_column *c,
	render_spans *spans);
void retort_render_create_index(retort_buf *b, const schema_index *ix, const schema_table *t,
	render_spans *spans);
void retort_render_create_view(retort_buf *b, const schema_view *v);
void retort_render_index_term(retort_buf *b, const schema_index_term *term, const schema_table *t);
void retort_render_default(retort_buf *b, const char *default_sql);

#endif
