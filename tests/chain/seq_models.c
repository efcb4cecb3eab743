/*
** seq_models.c: renamed_from put into retort_schema_to_yaml's output
** (seq_models.h).
*/
#include "seq_models.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static char *msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *msg(const char *fmt, ...)
{
	va_list ap;
	char *p = malloc(512);

	if (!p)
		abort();
	va_start(ap, fmt);
	vsnprintf(p, 512, fmt, ap);
	va_end(ap);
	return p;
}

/* The value of `key` in mapping node `map`, or 0. */
static int map_get(yaml_document_t *d, int map, const char *key)
{
	yaml_node_t *m = yaml_document_get_node(d, map);
	yaml_node_pair_t *p;

	if (!m || m->type != YAML_MAPPING_NODE)
		return 0;
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);
		if (k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == strlen(key) &&
		    memcmp(k->data.scalar.value, key, strlen(key)) == 0)
			return p->value;
	}
	return 0;
}

/* Add `renamed_from: "from"` to mapping `map`; the value is double-quoted
** so that no name ("null", "123", "- dash") reads as anything else. */
static int add_renamed_from(yaml_document_t *d, int map, const char *from)
{
	int k = yaml_document_add_scalar(d, NULL, (yaml_char_t *)"renamed_from", -1,
		YAML_PLAIN_SCALAR_STYLE);
	int v = yaml_document_add_scalar(d, NULL, (yaml_char_t *)from, (int)strlen(from),
		YAML_DOUBLE_QUOTED_SCALAR_STYLE);

	return k && v && yaml_document_append_mapping_pair(d, map, k, v) ? 0 : -1;
}

typedef struct out_buf {
	char *p;
	size_t len, cap;
} out_buf;

static int write_out(void *data, unsigned char *buffer, size_t size)
{
	out_buf *b = data;

	if (b->len + size + 1 > b->cap) {
		b->cap = (b->len + size + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	memcpy(b->p + b->len, buffer, size);
	b->len += size;
	b->p[b->len] = '\0';
	return 1;
}

char *seq_models_yaml(const retort_schema *s, const gen_rename *renames, size_t n, char **why)
{
	retort_error *err = NULL;
	yaml_parser_t parser;
	yaml_emitter_t emitter;
	yaml_document_t doc;
	out_buf out = {NULL, 0, 0};
	char *text = NULL;
	int tables, ok;
	size_t i;

	*why = NULL;
	if (retort_schema_to_yaml(&text, s, &err) != 0) {
		*why = msg("retort_schema_to_yaml: %s", err && err->message ? err->message : "?");
		retort_error_free(err);
		return NULL;
	}
	if (n == 0)
		return text;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
	ok = yaml_parser_load(&parser, &doc);
	yaml_parser_delete(&parser);
	if (!ok) {
		*why = msg("retort_schema_to_yaml wrote YAML that libyaml cannot read");
		free(text);
		return NULL;
	}
	/* node 1 is the root: the loader adds a mapping before its pairs */
	tables = map_get(&doc, 1, "tables");
	for (i = 0; i < n && !*why; i++) {
		const gen_rename *r = &renames[i];
		int t = map_get(&doc, tables, r->table), target = t;
		if (t && r->column)
			target = map_get(&doc, map_get(&doc, t, "columns"), r->column);
		if (!target)
			*why = msg("the models have no %s '%s%s%s' to rename", r->column ? "column" :
				"table", r->table, r->column ? "." : "", r->column ? r->column : "");
		else if (add_renamed_from(&doc, target, r->from) < 0)
			*why = msg("cannot add renamed_from for '%s'", r->table);
	}
	if (*why) {
		yaml_document_delete(&doc);
		free(text);
		return NULL;
	}
	yaml_emitter_initialize(&emitter);
	yaml_emitter_set_output(&emitter, write_out, &out);
	yaml_emitter_set_unicode(&emitter, 1);
	yaml_emitter_set_width(&emitter, -1);
	if (!yaml_emitter_open(&emitter)) {
		yaml_document_delete(&doc);
		ok = 0;
	} else {
		/* yaml_emitter_dump takes the document, whatever happens */
		ok = yaml_emitter_dump(&emitter, &doc) && yaml_emitter_close(&emitter);
	}
	yaml_emitter_delete(&emitter);
	free(text);
	if (!ok || !out.p) {
		free(out.p);
		*why = msg("libyaml cannot write the models back");
		return NULL;
	}
	return out.p;
}
