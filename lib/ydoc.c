/*
** ydoc.c: YAML reading (a libyaml document tree with retort errors) and
** writing (libyaml's emitter). The only file that includes <yaml.h>.
*/
#include "ydoc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

struct ydoc {
	yaml_document_t doc;
	char *path;
	char *text; /* NUL-terminated copy, for source lines in errors */
};

static const char *const null_words[] = { "null", "Null", "NULL", "~", NULL };
static const char *const true_words[] = { "true", "True", "TRUE", NULL };
static const char *const false_words[] = { "false", "False", "FALSE", NULL };
/* YAML 1.1 readers take these as booleans too: quote them when writing. */
static const char *const yaml11_words[] = { "y", "Y", "yes", "Yes", "YES",
	"n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
	".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN", NULL };

static int in_words(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (strcmp(s, *words) == 0)
			return 1;
	return 0;
}

static int mark_error(retort_error **err, const char *path, const char *text,
	const yaml_mark_t *mark, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int mark_error(retort_error **err, const char *path, const char *text,
	const yaml_mark_t *mark, const char *fmt, ...)
{
	retort_buf msg = RETORT_BUF_INIT;
	src_loc loc = { path, (int)mark->line + 1, (int)mark->column + 1 };
	va_list ap;

	va_start(ap, fmt);
	retort_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	retort_error_at(err, RETORT_EINVALID, &loc, text, "%s",
		retort_buf_oom(&msg) ? "invalid YAML" : msg.ptr);
	retort_buf_release(&msg);
	return RETORT_EINVALID;
}

/* The mark (0-based line, column in characters, as libyaml counts them)
** of byte `offset` in `text`. */
static yaml_mark_t mark_at_offset(const char *text, size_t len, size_t offset)
{
	yaml_mark_t mark = { 0, 0, 0 };
	size_t i;

	for (i = 0; i < offset && i < len; i++) {
		if (text[i] == '\n') {
			mark.line++;
			mark.column = 0;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			mark.column++;
		}
	}
	mark.index = i;
	return mark;
}

/* Reject scalars holding NUL: every name and expression is a C string. */
static int check_scalars(ydoc *d, retort_error **err)
{
	yaml_node_t *n;

	for (n = d->doc.nodes.start; n < d->doc.nodes.top; n++) {
		if (n->type == YAML_SCALAR_NODE &&
		    strlen((char *)n->data.scalar.value) != n->data.scalar.length)
			return mark_error(err, d->path, d->text, &n->start_mark,
				"a string may not contain a NUL character");
	}
	return 0;
}

/*
** Models nest about six levels deep, and libyaml's time grows with the square
** of the depth (40,000 levels take 20 s): refuse deeper documents up front.
*/
#define YDOC_MAX_DEPTH 64

/* An error at the first map or list nested deeper than YDOC_MAX_DEPTH, found
** with libyaml's event parser before loading; malformed YAML is left for the
** loader to report. It reads the caller's `len` bytes of `text`, as the
** loader does: d->text stops at a NUL byte. */
static int check_depth(const ydoc *d, const char *text, size_t len, retort_error **err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, rc = 0, end = 0;

	if (!yaml_parser_initialize(&parser))
		return retort_error_oom(err);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!rc && !end && yaml_parser_parse(&parser, &ev)) {
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
			if (++depth > YDOC_MAX_DEPTH)
				rc = mark_error(err, d->path, d->text, &ev.start_mark,
					"invalid YAML: nested more than %d levels deep", YDOC_MAX_DEPTH);
		} else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
			depth--;
		}
		end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return rc;
}

int retort_ydoc_parse(ydoc **out, const char *text, size_t len, const char *path,
	retort_error **err)
{
	yaml_parser_t parser;
	yaml_document_t extra;
	ydoc *d;
	int rc = RETORT_EINVALID;

	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return retort_error_oom(err);
	d->path = retort_xstrdup(path ? path : "<input>");
	d->text = retort_xstrndup(text, len);
	if (!d->path || !d->text) {
		free(d->path);
		free(d->text);
		free(d);
		return retort_error_oom(err);
	}
	rc = check_depth(d, text, len, err);
	if (rc || !yaml_parser_initialize(&parser)) {
		free(d->path);
		free(d->text);
		free(d);
		return rc ? rc : retort_error_oom(err);
	}
	rc = RETORT_EINVALID; /* until the document is known to be whole */
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &d->doc)) {
		/* at the end of the text the problem mark points at nothing to show:
		** point where the unfinished construct started instead */
		const yaml_mark_t *m = parser.context && parser.problem_mark.index >= len
			? &parser.context_mark : &parser.problem_mark;
		yaml_mark_t at_offset;
		/* the reader (bad UTF-8, control characters) gives only a byte offset */
		if (parser.error == YAML_READER_ERROR) {
			at_offset = mark_at_offset(text, len, parser.problem_offset);
			m = &at_offset;
		}
		mark_error(err, d->path, d->text, m, "invalid YAML: %s%s%s",
			parser.problem ? parser.problem : "parse error",
			parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		free(d->path);
		free(d->text);
		free(d);
		return RETORT_EINVALID;
	}
	/* A second document in the stream would be silently ignored: refuse it. */
	if (!yaml_parser_load(&parser, &extra)) {
		mark_error(err, d->path, d->text, &parser.problem_mark,
			"invalid YAML: %s", parser.problem ? parser.problem : "parse error");
		goto done;
	}
	if (yaml_document_get_root_node(&extra)) {
		mark_error(err, d->path, d->text, &extra.start_mark,
			"expected one YAML document, found a second one");
		yaml_document_delete(&extra);
		goto done;
	}
	yaml_document_delete(&extra);
	rc = check_scalars(d, err);
done:
	yaml_parser_delete(&parser);
	if (rc < 0)
		retort_ydoc_free(d);
	else
		*out = d;
	return rc;
}

void retort_ydoc_free(ydoc *d)
{
	if (!d)
		return;
	yaml_document_delete(&d->doc);
	free(d->path);
	free(d->text);
	free(d);
}

const char *retort_ydoc_path(const ydoc *d)
{
	return d->path;
}

const char *retort_ydoc_text(const ydoc *d)
{
	return d->text;
}

ynode *retort_ydoc_root(const ydoc *d)
{
	return (ynode *)yaml_document_get_root_node((yaml_document_t *)&d->doc);
}

#define YN(n) ((const yaml_node_t *)(n))

ykind retort_ynode_kind(const ynode *n)
{
	switch (YN(n)->type) {
	case YAML_MAPPING_NODE:
		return Y_MAP;
	case YAML_SEQUENCE_NODE:
		return Y_SEQ;
	default:
		return Y_SCALAR;
	}
}

static const char *kind_name(ykind k)
{
	return k == Y_MAP ? "a map" : k == Y_SEQ ? "a list" : "a string";
}

const char *retort_ynode_kind_name(const ynode *n)
{
	if (retort_ynode_kind(n) == Y_SCALAR && retort_ynode_is_null(n))
		return "null";
	if (retort_ynode_kind(n) == Y_SCALAR && retort_ydoc_plain_is_number(retort_ynode_text(n)) && retort_ynode_plain(n))
		return "a number";
	return kind_name(retort_ynode_kind(n));
}

src_loc retort_ynode_loc(const ydoc *d, const ynode *n)
{
	src_loc loc = { d->path, 0, 0 };

	if (n) {
		loc.line = (int)YN(n)->start_mark.line + 1;
		loc.column = (int)YN(n)->start_mark.column + 1;
	}
	return loc;
}

const char *retort_ynode_text(const ynode *n)
{
	return YN(n)->type == YAML_SCALAR_NODE ? (const char *)YN(n)->data.scalar.value : "";
}

int retort_ynode_plain(const ynode *n)
{
	return YN(n)->type == YAML_SCALAR_NODE &&
		YN(n)->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

int retort_ynode_is_null(const ynode *n)
{
	return retort_ynode_plain(n) &&
		(YN(n)->data.scalar.length == 0 || in_words(retort_ynode_text(n), null_words));
}

size_t retort_ynode_len(const ydoc *d, const ynode *n)
{
	(void)d;
	if (YN(n)->type == YAML_MAPPING_NODE)
		return (size_t)(YN(n)->data.mapping.pairs.top - YN(n)->data.mapping.pairs.start);
	if (YN(n)->type == YAML_SEQUENCE_NODE)
		return (size_t)(YN(n)->data.sequence.items.top - YN(n)->data.sequence.items.start);
	return 0;
}

static ynode *node_at(const ydoc *d, int id)
{
	return (ynode *)yaml_document_get_node((yaml_document_t *)&d->doc, id);
}

ynode *retort_ynode_item(const ydoc *d, const ynode *n, size_t i)
{
	return node_at(d, YN(n)->data.sequence.items.start[i]);
}

ynode *retort_ynode_key(const ydoc *d, const ynode *n, size_t i)
{
	return node_at(d, YN(n)->data.mapping.pairs.start[i].key);
}

ynode *retort_ynode_value(const ydoc *d, const ynode *n, size_t i)
{
	return node_at(d, YN(n)->data.mapping.pairs.start[i].value);
}

ynode *retort_ynode_get(const ydoc *d, const ynode *n, const char *key)
{
	size_t i, len;

	if (!n || retort_ynode_kind(n) != Y_MAP)
		return NULL;
	len = retort_ynode_len(d, n);
	for (i = 0; i < len; i++) {
		ynode *k = retort_ynode_key(d, n, i);
		if (retort_ynode_kind(k) == Y_SCALAR && strcmp(retort_ynode_text(k), key) == 0)
			return retort_ynode_value(d, n, i);
	}
	return NULL;
}

int retort_ydoc_error(const ydoc *d, const ynode *n, retort_error **err,
	const char *fmt, ...)
{
	retort_buf msg = RETORT_BUF_INIT;
	src_loc loc = retort_ynode_loc(d, n);
	va_list ap;

	va_start(ap, fmt);
	retort_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	retort_error_at(err, RETORT_EINVALID, &loc, d->text, "%s",
		retort_buf_oom(&msg) ? "invalid model" : msg.ptr);
	retort_buf_release(&msg);
	return RETORT_EINVALID;
}

int retort_ydoc_expect(const ydoc *d, const ynode *n, ykind kind, const char *what,
	retort_error **err)
{
	if (retort_ynode_kind(n) == kind && !(kind == Y_SCALAR && retort_ynode_is_null(n)))
		return 0;
	return retort_ydoc_error(d, n, err, "%s: expected %s, got %s", what,
		kind_name(kind), retort_ynode_kind_name(n));
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, *row, best;

	if (la > 64 || lb > 64)
		return (size_t)-1;
	row = malloc((lb + 1) * sizeof(*row));
	if (!row)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t v = diag + cost;
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			diag = up;
			row[j] = v;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

const char *retort_closest_word(const char *word, const char *const *words)
{
	size_t limit = 1 + strlen(word) / 4, best = (size_t)-1;
	const char *found = NULL;

	if (limit > 3)
		limit = 3;
	for (; *words; words++) {
		size_t d = edit_distance(word, *words);
		if (strcasecmp(word, *words) == 0)
			d = 0;
		if (d < best) {
			best = d;
			found = *words;
		}
	}
	return best <= limit ? found : NULL;
}

int retort_ydoc_check_keys(const ydoc *d, const ynode *n, const char *const *allowed,
	const char *what, retort_error **err)
{
	size_t i, j, len = retort_ynode_len(d, n);

	for (i = 0; i < len; i++) {
		ynode *k = retort_ynode_key(d, n, i);
		const char *name, *guess;

		if (retort_ynode_kind(k) != Y_SCALAR)
			return retort_ydoc_error(d, k, err, "%s: a key must be a string, got %s",
				what, retort_ynode_kind_name(k));
		name = retort_ynode_text(k);
		for (j = 0; j < i; j++)
			if (strcmp(retort_ynode_text(retort_ynode_key(d, n, j)), name) == 0)
				return retort_ydoc_error(d, k, err, "%s: duplicate key '%s'", what, name);
		if (!allowed || in_words(name, allowed))
			continue;
		guess = retort_closest_word(name, allowed);
		if (guess)
			return retort_ydoc_error(d, k, err, "%s: unknown key '%s' (did you mean '%s'?)",
				what, name, guess);
		return retort_ydoc_error(d, k, err, "%s: unknown key '%s'", what, name);
	}
	return 0;
}

int retort_ydoc_bool(const ydoc *d, const ynode *n, int *out, const char *what,
	retort_error **err)
{
	if (retort_ynode_kind(n) == Y_SCALAR && retort_ynode_plain(n)) {
		if (in_words(retort_ynode_text(n), true_words)) {
			*out = 1;
			return 0;
		}
		if (in_words(retort_ynode_text(n), false_words)) {
			*out = 0;
			return 0;
		}
	}
	return retort_ydoc_error(d, n, err, "%s: expected true or false, got %s%s%s%s", what,
		retort_ynode_kind_name(n), retort_ynode_kind(n) == Y_SCALAR ? " '" : "",
		retort_ynode_kind(n) == Y_SCALAR ? retort_ynode_text(n) : "",
		retort_ynode_kind(n) == Y_SCALAR ? "'" : "");
}

static int all_digits(const char *s, const char *set)
{
	if (!*s)
		return 0;
	return strspn(s, set) == strlen(s);
}

int retort_ydoc_plain_is_number(const char *s)
{
	const char *p = s;
	int digits = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return all_digits(s + 2, "0123456789abcdefABCDEF");
	if (*p == '-' || *p == '+')
		p++;
	while (*p >= '0' && *p <= '9') {
		p++;
		digits++;
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			p++;
			digits++;
		}
	}
	if (!digits)
		return 0;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

int retort_ydoc_plain_is_special(const char *s)
{
	return *s == '\0' || in_words(s, null_words) || in_words(s, true_words) ||
		in_words(s, false_words) || in_words(s, yaml11_words) ||
		retort_ydoc_plain_is_number(s) || (s[0] == '0' && (s[1] == 'o' || s[1] == 'b')) ||
		strchr("-+.0123456789", s[0]) != NULL;
}

/* ------------------------------------------------------------------ */

struct ywriter {
	yaml_emitter_t emitter;
	retort_buf *dest;
	int failed;
};

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
	retort_buf *dest = data;

	retort_buf_put(dest, (const char *)buffer, size);
	return !retort_buf_oom(dest);
}

static int emit(ywriter *w, yaml_event_t *ev, int ok)
{
	if (w->failed)
		return -1;
	if (!ok || !yaml_emitter_emit(&w->emitter, ev)) {
		w->failed = 1;
		return -1;
	}
	return 0;
}

int retort_ywriter_new(ywriter **out, retort_buf *dest)
{
	ywriter *w = calloc(1, sizeof(*w));
	yaml_event_t ev;

	*out = NULL;
	if (!w)
		return RETORT_ERROR;
	if (!yaml_emitter_initialize(&w->emitter)) {
		free(w);
		return RETORT_ERROR;
	}
	w->dest = dest;
	yaml_emitter_set_output(&w->emitter, write_handler, dest);
	yaml_emitter_set_unicode(&w->emitter, 1);
	yaml_emitter_set_width(&w->emitter, -1);
	yaml_emitter_set_indent(&w->emitter, 2);
	emit(w, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	emit(w, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
	*out = w;
	return w->failed ? RETORT_ERROR : 0;
}

void retort_ywriter_free(ywriter *w)
{
	if (!w)
		return;
	yaml_emitter_delete(&w->emitter);
	free(w);
}

int retort_ywriter_map_start(ywriter *w, int flow)
{
	yaml_event_t ev;
	return emit(w, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
		flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE));
}

int retort_ywriter_map_end(ywriter *w)
{
	yaml_event_t ev;
	return emit(w, &ev, yaml_mapping_end_event_initialize(&ev));
}

int retort_ywriter_seq_start(ywriter *w, int flow)
{
	yaml_event_t ev;
	return emit(w, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
		flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE));
}

int retort_ywriter_seq_end(ywriter *w)
{
	yaml_event_t ev;
	return emit(w, &ev, yaml_sequence_end_event_initialize(&ev));
}

int retort_ywriter_scalar(ywriter *w, const char *text, yscalar_style style)
{
	yaml_scalar_style_t ys = YAML_ANY_SCALAR_STYLE;
	yaml_event_t ev;

	if (style == YS_PLAIN)
		ys = YAML_PLAIN_SCALAR_STYLE;
	else if (style == YS_QUOTED || retort_ydoc_plain_is_special(text))
		ys = YAML_SINGLE_QUOTED_SCALAR_STYLE; /* libyaml upgrades to double when needed */
	return emit(w, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL,
		(yaml_char_t *)text, (int)strlen(text), ys != YAML_SINGLE_QUOTED_SCALAR_STYLE,
		style != YS_PLAIN, ys));
}

int retort_ywriter_finish(ywriter *w, retort_error **err)
{
	yaml_event_t ev;

	emit(w, &ev, yaml_document_end_event_initialize(&ev, 1));
	emit(w, &ev, yaml_stream_end_event_initialize(&ev));
	if (w->failed || retort_buf_oom(w->dest))
		return retort_error_set(err, RETORT_ERROR, "cannot write YAML: %s",
			w->emitter.problem ? w->emitter.problem : "out of memory");
	return 0;
}
