/*
** gen_schema.c: random SQLite schemas from a seed (gen_schema.h). Every
** choice is drawn from one splitmix64 stream, so a seed names one schema.
*/
#include "gen_schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- memory and strings --------------------------------------------- */

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fputs("gen_schema: out of memory\n", stderr);
		abort();
	}
	return q;
}

static char *retort_xstrdup(const char *s)
{
	size_t n;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	p = xrealloc(NULL, n);
	memcpy(p, s, n);
	return p;
}

/* Append one zeroed item to a dynamic array and point at it. */
#define PUSH(arr, n, cap) \
	((n) == (cap) ? ((cap) = (cap) ? 2 * (cap) : 8, \
		(arr) = xrealloc((arr), (cap) * sizeof(*(arr)))) : (arr), \
	 memset(&(arr)[(n)], 0, sizeof(*(arr))), &(arr)[(n)++])

typedef struct sb {
	char *p;
	size_t len, cap;
} sb;

static void sb_addn(sb *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_add(sb *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

static void sb_addf(sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_addf(sb *b, const char *fmt, ...)
{
	char small[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	if ((size_t)n < sizeof(small)) {
		sb_addn(b, small, (size_t)n);
		return;
	}
	{
		char *big = xrealloc(NULL, (size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		sb_addn(b, big, (size_t)n);
		free(big);
	}
}

/* Hand over the text (never NULL) and leave the builder empty. */
static char *sb_take(sb *b)
{
	char *p = b->p ? b->p : retort_xstrdup("");

	memset(b, 0, sizeof(*b));
	return p;
}

void gen_strs_push(gen_strs *l, const char *s)
{
	char **slot = PUSH(l->v, l->n, l->cap);

	*slot = retort_xstrdup(s);
}

void gen_strs_release(gen_strs *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void strs_copy(gen_strs *dst, const gen_strs *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		gen_strs_push(dst, src->v[i]);
}

/* SQLite folds ASCII letters only when it matches names. */
static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int retort_name_eq(const char *a, const char *b)
{
	while (*a && ascii_lower((unsigned char)*a) == ascii_lower((unsigned char)*b))
		a++, b++;
	return ascii_lower((unsigned char)*a) == ascii_lower((unsigned char)*b);
}

static int strs_has(const gen_strs *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (retort_name_eq(l->v[i], s))
			return 1;
	return 0;
}

/* ---- the random stream ------------------------------------------------ */

void gen_rng_seed(gen_rng *r, uint64_t seed)
{
	r->state = seed;
}

uint64_t gen_rng_next(gen_rng *r)
{
	uint64_t z = (r->state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

uint32_t gen_rng_below(gen_rng *r, uint32_t n)
{
	/* the high bits scaled to [0, n): no modulo bias worth the name */
	return (uint32_t)(((gen_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int gen_rng_chance(gen_rng *r, unsigned percent)
{
	return gen_rng_below(r, 100) < percent;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(r, arr) ((arr)[gen_rng_below((r), (uint32_t)NELEM(arr))])

/* ---- pools ---------------------------------------------------------- */

static const char *const table_pool[] = {
	"user", "pet", "account", "item", "tag", "post", "comment", "author",
	"invoice", "track", "album", "artist", "genre", "customer", "employee",
	"orders", "product", "category", "session", "event", "note", "photo",
	"team", "project", "task",
};

static const char *const column_pool[] = {
	"id", "name", "title", "body", "created_at", "updated_at", "owner_id",
	"price", "qty", "status", "email", "note", "score", "kind", "level",
	"flag", "code", "amount", "rate", "slug", "data", "value", "born", "age",
	"weight", "url", "parent_id", "position", "color", "size", "label",
};

static const char *const view_pool[] = {
	"summary", "report", "active", "recent", "totals", "overview", "listing",
};

static const char *const index_pool[] = {
	"ix", "idx_main", "by_name", "lookup", "uq_key", "ix_recent",
};

static const char *const trigger_pool[] = {
	"trg", "touch", "audit", "guard", "sync", "cascade_log",
};

/* Names for what mutations add: none is in the pools above, so an added
** object never takes the name of one that a mutation dropped. */
static const char *const added_table_pool[] = {
	"ledger", "archive", "audit_log", "shipment", "review", "coupon",
	"warehouse", "badge",
};

static const char *const added_column_pool[] = {
	"added", "extra", "memo", "remark", "tally", "region", "stamp", "origin",
};

static const char *const fts_pool[] = {"docs", "search", "fts_posts", "notes_index"};
static const char *const fts_column_pool[] = {"title", "body", "author", "tags", "summary"};

/*
** Names that need quoting, and names that look like something else to YAML
** (booleans, nulls, numbers, flow and block indicators, comments).
*/
static const char *const odd_pool[] = {
	"order", "select", "group", "table", "index", "from", "where", "key",
	"default", "check", "values", "null", "true", "false", "yes", "no",
	"on", "off", "~", "first name", " padded ", "say \"hi\"", "\"quoted\"",
	"o'brien", "it's", "caf\xc3\xa9", "\xe5\x90\x8d\xe5\x89\x8d",
	"\xf0\x9f\x90\x8d snake", "na\xc3\xafve", "\xce\xa9mega", "CamelCase",
	"MiXeD", "1st", "2nd place", "123", "1e3", "0x1F", "-1", "3.14", "a: b",
	"#hash", "- dash", "{brace}", "[bracket]", "&anchor", "*star", "!bang",
	"%percent", "@at", "`tick`", "a.b", "x,y", "?q", "|pipe", ">gt",
	"semi;colon", "back\\slash", "dollar$", "\xc3\x89" "COLE", "\xc3\xa9""cole",
	"emoji\xf0\x9f\x98\x80", "stra\xc3\x9f""e",
	"a_rather_long_name_that_goes_on_and_on_for_quite_a_while_really",
};

static const char *const sql_keywords[] = {
	"ABORT", "ACTION", "ADD", "AFTER", "ALL", "ALTER", "ALWAYS", "ANALYZE",
	"AND", "AS", "ASC", "ATTACH", "AUTOINCREMENT", "BEFORE", "BEGIN",
	"BETWEEN", "BY", "CASCADE", "CASE", "CAST", "CHECK", "COLLATE", "COLUMN",
	"COMMIT", "CONFLICT", "CONSTRAINT", "CREATE", "CROSS", "CURRENT",
	"CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "DATABASE",
	"DEFAULT", "DEFERRABLE", "DEFERRED", "DELETE", "DESC", "DETACH",
	"DISTINCT", "DO", "DROP", "EACH", "ELSE", "END", "ESCAPE", "EXCEPT",
	"EXCLUDE", "EXCLUSIVE", "EXISTS", "EXPLAIN", "FAIL", "FILTER", "FIRST",
	"FOLLOWING", "FOR", "FOREIGN", "FROM", "FULL", "GENERATED", "GLOB",
	"GROUP", "GROUPS", "HAVING", "IF", "IGNORE", "IMMEDIATE", "IN", "INDEX",
	"INDEXED", "INITIALLY", "INNER", "INSERT", "INSTEAD", "INTERSECT",
	"INTO", "IS", "ISNULL", "JOIN", "KEY", "LAST", "LEFT", "LIKE", "LIMIT",
	"MATCH", "MATERIALIZED", "NATURAL", "NO", "NOT", "NOTHING", "NOTNULL",
	"NULL", "NULLS", "OF", "OFFSET", "ON", "OR", "ORDER", "OTHERS", "OUTER",
	"OVER", "PARTITION", "PLAN", "PRAGMA", "PRECEDING", "PRIMARY", "QUERY",
	"RAISE", "RANGE", "RECURSIVE", "REFERENCES", "REGEXP", "REINDEX",
	"RELEASE", "RENAME", "REPLACE", "RESTRICT", "RETURNING", "RIGHT",
	"ROLLBACK", "ROW", "ROWS", "SAVEPOINT", "SELECT", "SET", "TABLE", "TEMP",
	"TEMPORARY", "THEN", "TIES", "TO", "TRANSACTION", "TRIGGER", "UNBOUNDED",
	"UNION", "UNIQUE", "UPDATE", "USING", "VACUUM", "VALUES", "VIEW",
	"VIRTUAL", "WHEN", "WHERE", "WINDOW", "WITH", "WITHOUT",
	/* not keywords, but they mean something else when bare */
	"TRUE", "FALSE", "ROWID", "OID", "_ROWID_",
};

static const char *const types_loose[] = {
	"INTEGER", "INT", "TEXT", "VARCHAR(20)", "NUMERIC(10,2)", "BLOB", "REAL",
	"integer", "Text", "varchar(255)", "DATE", "DATETIME", "BOOLEAN",
	"DOUBLE PRECISION", "UNSIGNED BIG INT", "NVARCHAR(100)", "DECIMAL(8, 3)",
	"ANY", "float", "CHARACTER VARYING(30)", "TIMESTAMP", "Json",
};

/* STRICT tables accept only these (in any case). */
static const char *const types_strict[] = {
	"INT", "INTEGER", "REAL", "TEXT", "BLOB", "ANY", "integer", "Text",
	"int", "any", "real", "blob",
};

/* Defaults by the kind of value a STRICT column of that type would take. */
static const char *const dflt_int[] = {
	"0", "1", "42", "-1", "-273", "1000000000000", "0x1F", "+7", "(1+2)",
	"(-1)", "TRUE", "FALSE", "true",
};
static const char *const dflt_real[] = {
	"3.14", "-0.5", "1e3", "0.0", "2.50", "(0.5 * 4)", "-1",
};
static const char *const dflt_text[] = {
	"'x'", "''", "'it''s'", "'say \"hi\"'", "'0'", "'true'", "'null'",
	"'a: b'", "'# not a comment'", "'\xe5\x90\x8d\xe5\x89\x8d'",
	"'\xf0\x9f\x90\x8d'", "'line1\nline2'", "'  padded  '", "'-'", "'yes'",
	"'~'", "''''", "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME",
	"(datetime('now'))", "(lower('ABC'))", "'{\"a\": [1]}'", "'tab\there'",
	"'back\\slash'", "'*'", "'&x'", "'[1, 2]'",
};
static const char *const dflt_blob[] = {"x'00ff'", "X'DEADBEEF'", "x''"};
static const char *const dflt_any[] = {"NULL", "null"};

static const char *const collations[] = {"NOCASE", "RTRIM", "BINARY", "nocase"};

static const char *const fk_action_pool[] = {
	"CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION",
};

static const char *const deferrables[] = {
	"DEFERRABLE INITIALLY DEFERRED", "DEFERRABLE INITIALLY DEFERRED",
	"DEFERRABLE INITIALLY IMMEDIATE", "NOT DEFERRABLE", "DEFERRABLE",
};

static const char *const comment_pool[] = {
	"/* note */", "/* it's ) tricky ( \" */", "-- a line comment, with 'quotes'\n",
	"-- ) (\n", "/**/", "/* multi\n   line */",
};

/* ---- identifiers and literals -------------------------------------- */

int gen_is_keyword(const char *n)
{
	size_t i;

	for (i = 0; i < NELEM(sql_keywords); i++)
		if (retort_name_eq(sql_keywords[i], n))
			return 1;
	return 0;
}

int gen_is_bare_ok(const char *n)
{
	const char *p = n;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_'))
		return 0;
	for (p++; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return !gen_is_keyword(n);
}

/* Write `n` as "n" (doubling quotes), [n], `n` or bare. */
static void put_ident_style(sb *b, const char *n, int style)
{
	const char *p;

	if (style == 1 && !strchr(n, ']')) {
		sb_add(b, "[");
		sb_add(b, n);
		sb_add(b, "]");
		return;
	}
	if (style == 2) {
		sb_add(b, "`");
		for (p = n; *p; p++) {
			if (*p == '`')
				sb_add(b, "``");
			else
				sb_addn(b, p, 1);
		}
		sb_add(b, "`");
		return;
	}
	if (style == 3 && gen_is_bare_ok(n)) {
		sb_add(b, n);
		return;
	}
	sb_add(b, "\"");
	for (p = n; *p; p++) {
		if (*p == '"')
			sb_add(b, "\"\"");
		else
			sb_addn(b, p, 1);
	}
	sb_add(b, "\"");
}

char *gen_quote_ident(const char *n, int style)
{
	sb b = {0};

	put_ident_style(&b, n, style);
	return sb_take(&b);
}

/* Mostly "double quotes"; with `quoting`, sometimes the other styles. */
static void put_ident(gen_rng *r, int quoting, sb *b, const char *n)
{
	int style = 0;

	if (quoting) {
		uint32_t x = gen_rng_below(r, 10);
		style = x < 7 ? 0 : (int)x - 6;
	}
	put_ident_style(b, n, style);
}

/* ---- generation context -------------------------------------------- */

typedef struct gen_ctx {
	gen_rng r;
	gen_options opt;
	gen_schema *s;
	gen_strs objects;  /* every object name taken, and reserved ones */
} gen_ctx;

static int chance(gen_ctx *g, unsigned percent)
{
	return gen_rng_chance(&g->r, percent);
}

static uint32_t below(gen_ctx *g, uint32_t n)
{
	return gen_rng_below(&g->r, n);
}

static void ident(gen_ctx *g, sb *b, const char *n)
{
	put_ident(&g->r, g->opt.quoting, b, n);
}

/* "prefix.name", the prefix (NEW, OLD or a quoted table) as given. */
static void colref(gen_ctx *g, sb *b, const char *prefix, const char *n)
{
	if (prefix) {
		sb_add(b, prefix);
		sb_add(b, ".");
	}
	ident(g, b, n);
}

static void maybe_comment(gen_ctx *g, sb *b)
{
	if (g->opt.comments && chance(g, 4)) {
		sb_add(b, " ");
		sb_add(b, PICK(&g->r, comment_pool));
		sb_add(b, " ");
	}
}

/* Free in `scope`, and not in the sqlite_ namespace SQLite reserves. */
static int name_free(const gen_strs *scope, const char *n)
{
	size_t i;

	for (i = 0; i < 7 && n[i]; i++)
		if (ascii_lower((unsigned char)n[i]) != "sqlite_"[i])
			break;
	return i < 7 && !strs_has(scope, n);
}

/*
** A name not yet in `scope` (compared as SQLite does), from `plain` or, with
** the odd_names chance, from the odd pool; a suffix makes it unique.
*/
static char *new_name(gen_ctx *g, const char *const *plain, size_t nplain,
	gen_strs *scope, int allow_odd)
{
	const char *base = allow_odd && chance(g, g->opt.odd_names) ?
		PICK(&g->r, odd_pool) : plain[below(g, (uint32_t)nplain)];
	sb b = {0};
	int k;

	for (k = 1;; k++) {
		b.len = 0;
		sb_add(&b, base);
		if (k > 1)
			sb_addf(&b, "_%d", k);
		if (name_free(scope, b.p))
			break;
	}
	gen_strs_push(scope, b.p);
	return sb_take(&b);
}

#define NEW_NAME(g, pool, scope) new_name((g), (pool), NELEM(pool), (scope), 1)

/* ---- tables ---------------------------------------------------------- */

static int is_regular(const gen_table *t)
{
	return t->virtual_using == NULL;
}

/* The primary key's columns, in key order (either level). */
static void table_pk(const gen_table *t, gen_strs *out)
{
	size_t i;

	if (t->pk.n) {
		strs_copy(out, &t->pk);
		return;
	}
	for (i = 0; i < t->ncols; i++)
		if (t->cols[i].pk)
			gen_strs_push(out, t->cols[i].name);
}

/* A key set as text, so that UNIQUE(a, b) and UNIQUE(b, a) compare equal:
** SQLite would fold a duplicate key set into one index. */
static char *keyset(const char *const *names, size_t n)
{
	const char *sorted[8];
	size_t i, j;
	sb b = {0};

	for (i = 0; i < n && i < 8; i++) {
		const char *x = names[i];
		for (j = i; j > 0 && strcmp(sorted[j - 1], x) > 0; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = x;
	}
	for (i = 0; i < n && i < 8; i++) {
		const char *p;
		for (p = sorted[i]; *p; p++) {
			char c = (char)ascii_lower((unsigned char)*p);
			sb_addn(&b, &c, 1);
		}
		sb_add(&b, "\x1f");
	}
	return sb_take(&b);
}

static int keyset_take(gen_strs *keys, const char *const *names, size_t n)
{
	char *k = keyset(names, n);
	int fresh = !strs_has(keys, k);

	if (fresh)
		gen_strs_push(keys, k);
	free(k);
	return fresh;
}

static const char *pick_type(gen_ctx *g, int strict)
{
	if (strict)
		return PICK(&g->r, types_strict);
	if (chance(g, 15))
		return NULL;
	return PICK(&g->r, types_loose);
}

/* A default that a column of this type can take (STRICT checks on insert). */
static const char *pick_default(gen_ctx *g, const gen_column *c, int strict)
{
	char k = c->type ? (char)ascii_lower((unsigned char)c->type[0]) : 'a';

	if (!strict || k == 'a') {
		switch (below(g, 5)) {
		case 0: return PICK(&g->r, dflt_int);
		case 1: return PICK(&g->r, dflt_real);
		case 2: return PICK(&g->r, dflt_blob);
		case 3: return PICK(&g->r, dflt_any);
		default: return PICK(&g->r, dflt_text);
		}
	}
	if (chance(g, 10))
		return PICK(&g->r, dflt_any);
	switch (k) {
	case 'i': return PICK(&g->r, dflt_int);
	case 'r': return PICK(&g->r, dflt_real);
	case 'b': return PICK(&g->r, dflt_blob);
	default: return PICK(&g->r, dflt_text);
	}
}

/*
** A boolean expression over `cols` (names), each reference prefixed with
** `prefix` when not NULL. Deterministic and free of subqueries, so it also
** serves partial-index conditions.
*/
static void bool_expr(gen_ctx *g, sb *b, const gen_strs *cols, const char *prefix, int depth)
{
	const char *c = cols->v[below(g, (uint32_t)cols->n)];
	const char *d = cols->v[below(g, (uint32_t)cols->n)];

	switch (below(g, depth < 2 ? 18 : 16)) {
	case 0: colref(g, b, prefix, c); sb_add(b, " IS NOT NULL"); break;
	case 1: colref(g, b, prefix, c); sb_addf(b, " > %d", (int)below(g, 100) - 50); break;
	case 2: colref(g, b, prefix, c); sb_addf(b, " >= -%u", (unsigned)below(g, 9)); break;
	case 3: colref(g, b, prefix, c); sb_add(b, " <> 'x'"); break;
	case 4:
		sb_add(b, "length(");
		colref(g, b, prefix, c);
		sb_addf(b, ") <= %u", 1 + (unsigned)below(g, 100));
		break;
	case 5: colref(g, b, prefix, c); sb_add(b, " IN ('a', 'b', 'it''s')"); break;
	case 6: colref(g, b, prefix, c); sb_add(b, " BETWEEN 0 AND 100"); break;
	case 7:
		sb_add(b, "typeof(");
		colref(g, b, prefix, c);
		sb_add(b, ") IN ('integer', 'null')");
		break;
	case 8: colref(g, b, prefix, c); sb_add(b, " GLOB '[a-z]*'"); break;
	case 9: colref(g, b, prefix, c); sb_add(b, " LIKE 'x%'"); break;
	case 10: colref(g, b, prefix, c); sb_add(b, " <> ')('"); break;
	case 11:
		sb_add(b, "CASE WHEN ");
		colref(g, b, prefix, c);
		sb_add(b, " IS NULL THEN 1 ELSE ");
		colref(g, b, prefix, c);
		sb_add(b, " > 0 END");
		break;
	case 12: colref(g, b, prefix, d); sb_add(b, " < "); colref(g, b, prefix, c); break;
	case 13:
		sb_add(b, "abs(");
		colref(g, b, prefix, c);
		sb_add(b, ") < 1000");
		break;
	case 14: colref(g, b, prefix, c); sb_add(b, " NOT IN (1, 2)"); break;
	case 15:
		sb_add(b, "coalesce(");
		colref(g, b, prefix, c);
		sb_add(b, ", 0) >= 0");
		break;
	case 16:
		sb_add(b, "(");
		bool_expr(g, b, cols, prefix, depth + 1);
		sb_add(b, ") OR (");
		bool_expr(g, b, cols, prefix, depth + 1);
		sb_add(b, ")");
		break;
	default:
		bool_expr(g, b, cols, prefix, depth + 1);
		sb_add(b, " AND ");
		bool_expr(g, b, cols, prefix, depth + 1);
		break;
	}
	maybe_comment(g, b);
}

static char *bool_expr_str(gen_ctx *g, const gen_strs *cols, const char *prefix)
{
	sb b = {0};

	bool_expr(g, &b, cols, prefix, 0);
	return sb_take(&b);
}

static void column_names(const gen_table *t, gen_strs *out, int skip_generated)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (!skip_generated || t->cols[i].generated == GEN_GENERATED_NONE)
			gen_strs_push(out, t->cols[i].name);
}

/* A deterministic value over the table's stored columns, for a generated
** column; a constant when there is no other column. */
static char *value_expr(gen_ctx *g, const gen_table *t, size_t self)
{
	gen_strs cols = {0};
	const char *c;
	sb b = {0};
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (i != self && t->cols[i].generated == GEN_GENERATED_NONE)
			gen_strs_push(&cols, t->cols[i].name);
	if (!cols.n) {
		sb_add(&b, chance(g, 50) ? "'const'" : "42");
		return sb_take(&b);
	}
	c = cols.v[below(g, (uint32_t)cols.n)];
	switch (below(g, 10)) {
	case 0: ident(g, &b, c); sb_add(&b, " * 2"); break;
	case 1: sb_add(&b, "upper("); ident(g, &b, c); sb_add(&b, ")"); break;
	case 2: sb_add(&b, "coalesce("); ident(g, &b, c); sb_add(&b, ", 0) + 1"); break;
	case 3: sb_add(&b, "length("); ident(g, &b, c); sb_add(&b, ")"); break;
	case 4: ident(g, &b, c); sb_add(&b, " || '-x'"); break;
	case 5: sb_add(&b, "substr("); ident(g, &b, c); sb_add(&b, ", 1, 3)"); break;
	case 6: sb_add(&b, "abs("); ident(g, &b, c); sb_add(&b, ")"); break;
	case 7: sb_add(&b, "typeof("); ident(g, &b, c); sb_add(&b, ")"); break;
	case 8:
		sb_add(&b, "CASE WHEN ");
		ident(g, &b, c);
		sb_add(&b, " IS NULL THEN 0 ELSE 1 END");
		break;
	default:
		ident(g, &b, c);
		sb_add(&b, " + ");
		ident(g, &b, cols.v[below(g, (uint32_t)cols.n)]);
		break;
	}
	maybe_comment(g, &b);
	gen_strs_release(&cols);
	return sb_take(&b);
}

static char *maybe_constraint_name(gen_ctx *g, unsigned percent)
{
	static const char *const pool[] = {"ck", "uq", "fk", "pk", "cons"};

	return chance(g, percent) ? NEW_NAME(g, pool, &g->objects) : NULL;
}

/* Columns, keys, defaults, uniques and checks of one regular table; foreign
** keys come later, when every table exists. */
static void gen_regular_table(gen_ctx *g, gen_table *t)
{
	gen_strs scope = {0}, keys = {0}, all = {0};
	size_t ncols, i, ngen = 0;
	uint32_t pkmode;

	t->name = NEW_NAME(g, table_pool, &g->objects);
	t->strict = chance(g, 15);
	t->without_rowid = chance(g, 15);
	t->if_not_exists = chance(g, 5);
	/* these three shadow the rowid, which the reader handles but which no
	** real schema does on purpose */
	gen_strs_push(&scope, "rowid");
	gen_strs_push(&scope, "oid");
	gen_strs_push(&scope, "_rowid_");

	ncols = 1 + below(g, g->opt.max_columns ? g->opt.max_columns : 1);
	for (i = 0; i < ncols; i++) {
		gen_column *c = PUSH(t->cols, t->ncols, t->capcols);
		c->name = NEW_NAME(g, column_pool, &scope);
		c->type = retort_xstrdup(pick_type(g, t->strict));
	}

	/* the primary key: none, column-level or table-level */
	pkmode = t->without_rowid ? 20 + below(g, 80) : below(g, 100);
	if (pkmode >= 20 && pkmode < 60) {
		gen_column *c = &t->cols[below(g, (uint32_t)ncols)];
		c->pk = c->in_key = 1;
		if (!t->without_rowid && chance(g, 45)) {
			free(c->type);
			c->type = retort_xstrdup(chance(g, 80) ? "INTEGER" : "integer");
			c->autoincrement = chance(g, 40);
		}
		if (g->opt.named_pk && chance(g, 20))
			t->pk_name = maybe_constraint_name(g, 100);
	} else if (pkmode >= 60) {
		size_t k = 1 + below(g, ncols < 3 ? (uint32_t)ncols : 3);
		while (t->pk.n < k) {
			gen_column *c = &t->cols[below(g, (uint32_t)ncols)];
			if (c->in_key)
				continue;
			c->in_key = 1;
			gen_strs_push(&t->pk, c->name);
		}
		if (g->opt.named_pk && chance(g, 25))
			t->pk_name = maybe_constraint_name(g, 100);
	}
	{
		gen_strs pk = {0};
		table_pk(t, &pk);
		if (pk.n)
			keyset_take(&keys, (const char *const *)pk.v, pk.n);
		gen_strs_release(&pk);
	}

	/* generated columns: never in the key, and one stored column stays */
	for (i = 0; i < ncols; i++) {
		gen_column *c = &t->cols[i];
		if (c->in_key || ngen + 1 >= ncols || !chance(g, 12))
			continue;
		c->generated = chance(g, 50) ? GEN_GENERATED_STORED : GEN_GENERATED_VIRTUAL;
		c->short_generated = chance(g, 25);
		ngen++;
	}
	for (i = 0; i < ncols; i++)
		if (t->cols[i].generated)
			t->cols[i].gen_expr = value_expr(g, t, i);
	/* SQLite (3.40) does not hold a generated column of a STRICT table to
	** its type when it writes it, but integrity_check does: so that every
	** row is sound, the value is cast to the type */
	for (i = 0; i < ncols && t->strict; i++) {
		gen_column *c = &t->cols[i];
		if (c->generated && !retort_name_eq(c->type, "ANY")) {
			sb b = {0};
			sb_addf(&b, "CAST(%s AS %s)", c->gen_expr, c->type);
			free(c->gen_expr);
			c->gen_expr = sb_take(&b);
		}
	}

	column_names(t, &all, 0);
	for (i = 0; i < ncols; i++) {
		gen_column *c = &t->cols[i];
		if (!c->generated && !c->autoincrement && chance(g, 30))
			c->default_sql = retort_xstrdup(pick_default(g, c, t->strict));
		/* NOT NULL with DEFAULT NULL is legal but useless; leave it out */
		if (chance(g, 30) && !(c->default_sql && retort_name_eq(c->default_sql, "NULL")))
			c->notnull = 1;
		if (chance(g, 12))
			c->collate = retort_xstrdup(PICK(&g->r, collations));
		if (!c->pk && chance(g, 10)) {
			const char *one[1];
			one[0] = c->name;
			if (keyset_take(&keys, one, 1)) {
				c->unique = 1;
				c->unique_name = maybe_constraint_name(g, 30);
			}
		}
		if (chance(g, 12)) {
			gen_strs self = {0};
			/* mostly about the column itself, sometimes about others */
			if (chance(g, 70))
				gen_strs_push(&self, c->name);
			else
				strs_copy(&self, &all);
			c->check = bool_expr_str(g, &self, NULL);
			c->check_name = maybe_constraint_name(g, 30);
			gen_strs_release(&self);
		}
	}

	/* table-level UNIQUE and CHECK constraints */
	while (chance(g, 25) && t->nuniques < 3) {
		size_t k = 1 + below(g, ncols < 3 ? (uint32_t)ncols : 3), tries = 0;
		gen_strs cols = {0};
		while (cols.n < k && tries++ < 20) {
			const char *n = t->cols[below(g, (uint32_t)ncols)].name;
			if (!strs_has(&cols, n))
				gen_strs_push(&cols, n);
		}
		if (keyset_take(&keys, (const char *const *)cols.v, cols.n)) {
			gen_unique *u = PUSH(t->uniques, t->nuniques, t->capuniques);
			u->name = maybe_constraint_name(g, 40);
			u->columns = cols;
		} else {
			gen_strs_release(&cols);
		}
	}
	while (chance(g, 25) && t->nchecks < 3) {
		gen_check *ck = PUSH(t->checks, t->nchecks, t->capchecks);
		ck->name = maybe_constraint_name(g, 40);
		ck->expr = bool_expr_str(g, &all, NULL);
	}
	gen_strs_release(&scope);
	gen_strs_release(&keys);
	gen_strs_release(&all);
}

/*
** SQLite 3.40 dequotes a table name a second time when it codes foreign key
** actions, so a name that itself starts with a quote ("`tick`", "[x]",
** "\"quoted\"") becomes "no such table: main.tick". Such tables stay out
** of foreign keys, on both sides.
*/
static int fk_name_ok(const char *name)
{
	return !strchr("\"'[`", name[0]);
}

/*
** A parent key of `want` columns (0: any size) in a random regular table:
** its primary key or one of its UNIQUE constraints, which is what SQLite
** requires of a parent key. `*implicit` says that the key is the primary
** key, so "REFERENCES parent" without columns may name it. Returns the
** parent, or NULL when none fits.
*/
static gen_table *pick_parent(gen_ctx *g, size_t want, gen_strs *ref, int *implicit)
{
	int tries;

	for (tries = 0; tries < 8; tries++) {
		gen_table *p = &g->s->tables[below(g, (uint32_t)g->s->ntables)];
		gen_strs cands[8];
		size_t ncand, nfit = 0, i, k;
		int has_pk;

		if (!is_regular(p) || !fk_name_ok(p->name))
			continue;
		memset(cands, 0, sizeof(cands));
		table_pk(p, &cands[0]);
		has_pk = cands[0].n > 0;
		ncand = has_pk ? 1 : 0;
		for (i = 0; i < p->ncols && ncand < 5; i++)
			if (p->cols[i].unique)
				gen_strs_push(&cands[ncand++], p->cols[i].name);
		for (i = 0; i < p->nuniques && ncand < 8; i++)
			strs_copy(&cands[ncand++], &p->uniques[i].columns);
		for (i = 0; i < ncand; i++)
			if (!want || cands[i].n == want)
				nfit++;
		if (nfit) {
			k = below(g, (uint32_t)nfit);
			for (i = 0; i < ncand; i++)
				if ((!want || cands[i].n == want) && k-- == 0)
					break;
			strs_copy(ref, &cands[i]);
			*implicit = has_pk && i == 0;
		}
		for (i = 0; i < NELEM(cands); i++)
			gen_strs_release(&cands[i]);
		if (nfit)
			return p;
	}
	return NULL;
}

static void fk_actions(gen_ctx *g, gen_fk *fk)
{
	if (chance(g, 50))
		fk->on_delete = PICK(&g->r, fk_action_pool);
	if (chance(g, 30))
		fk->on_update = PICK(&g->r, fk_action_pool);
	if (chance(g, 20))
		fk->deferrable = PICK(&g->r, deferrables);
}

/* Foreign keys of table `ti`, column-level and table-level; parents may be
** the table itself or tables defined after it. */
static void gen_fks(gen_ctx *g, size_t ti)
{
	gen_table *t = &g->s->tables[ti];
	gen_strs stored = {0};
	size_t i;

	if (!fk_name_ok(t->name))
		return;
	for (i = 0; i < t->ncols; i++) {
		gen_column *c = &g->s->tables[ti].cols[i];
		gen_strs ref = {0};
		gen_table *p;
		int implicit = 0;

		if (c->generated || !chance(g, 10))
			continue;
		p = pick_parent(g, 1, &ref, &implicit);
		if (!p)
			continue;
		c->fk = xrealloc(NULL, sizeof(*c->fk));
		memset(c->fk, 0, sizeof(*c->fk));
		c->fk->table = retort_xstrdup(p->name);
		if (implicit && chance(g, 30))
			gen_strs_release(&ref);
		else
			c->fk->ref_columns = ref;
		c->fk->name = maybe_constraint_name(g, 15);
		fk_actions(g, c->fk);
	}
	column_names(t, &stored, 1);
	while (chance(g, 20) && t->nfks < 2) {
		size_t want = 1 + below(g, stored.n < 3 ? (uint32_t)stored.n : 3);
		gen_strs ref = {0}, child = {0};
		gen_table *p;
		gen_fk *fk;
		int implicit = 0;

		p = pick_parent(g, want, &ref, &implicit);
		if (!p)
			continue;
		while (child.n < want) {
			const char *n = stored.v[below(g, (uint32_t)stored.n)];
			if (!strs_has(&child, n))
				gen_strs_push(&child, n);
		}
		fk = PUSH(t->fks, t->nfks, t->capfks);
		fk->name = maybe_constraint_name(g, 30);
		fk->columns = child;
		fk->table = retort_xstrdup(p->name);
		if (implicit && chance(g, 30))
			gen_strs_release(&ref);
		else
			fk->ref_columns = ref;
		fk_actions(g, fk);
	}
	gen_strs_release(&stored);
}

/* An fts5 table; its shadow tables' names must be free as well. */
static void gen_fts(gen_ctx *g, gen_table *t)
{
	static const char *const shadows[] = {"_data", "_idx", "_content", "_docsize", "_config"};
	gen_strs scope = {0};
	sb b = {0};
	size_t i, n;

	for (;;) {
		char *name = NEW_NAME(g, fts_pool, &g->objects);
		sb sh = {0};
		int ok = 1;
		for (i = 0; i < NELEM(shadows) && ok; i++) {
			sh.len = 0;
			sb_add(&sh, name);
			sb_add(&sh, shadows[i]);
			ok = !strs_has(&g->objects, sh.p);
		}
		for (i = 0; i < NELEM(shadows) && ok; i++) {
			sh.len = 0;
			sb_add(&sh, name);
			sb_add(&sh, shadows[i]);
			gen_strs_push(&g->objects, sh.p);
		}
		free(sh.p);
		if (ok) {
			t->name = name;
			break;
		}
		free(name);
	}
	n = 1 + below(g, 3);
	sb_add(&b, "fts5(");
	for (i = 0; i < n; i++) {
		gen_column *c = PUSH(t->cols, t->ncols, t->capcols);
		c->name = new_name(g, fts_column_pool, NELEM(fts_column_pool), &scope, 0);
		sb_addf(&b, "%s%s%s", i ? ", " : "", c->name, chance(g, 15) ? " UNINDEXED" : "");
	}
	if (chance(g, 25))
		sb_add(&b, ", tokenize = 'porter unicode61'");
	if (chance(g, 10))
		sb_add(&b, ", prefix = '2 3'");
	if (chance(g, 8))
		sb_add(&b, ", detail = none");
	sb_add(&b, ")");
	t->virtual_using = sb_take(&b);
	gen_strs_release(&scope);
}

static gen_table *pick_regular(gen_ctx *g)
{
	for (;;) {
		gen_table *t = &g->s->tables[below(g, (uint32_t)g->s->ntables)];
		if (is_regular(t))
			return t;
	}
}

static void gen_index_one(gen_ctx *g, gen_index *ix)
{
	gen_table *t = pick_regular(g);
	gen_strs all = {0}, used = {0};
	size_t k, j;

	column_names(t, &all, 0);
	ix->table = retort_xstrdup(t->name);
	ix->name = NEW_NAME(g, index_pool, &g->objects);
	ix->unique = chance(g, 25);
	k = 1 + below(g, all.n < 3 ? (uint32_t)all.n : 3);
	for (j = 0; j < k; j++) {
		const char *c = all.v[below(g, (uint32_t)all.n)];
		const char *d = all.v[below(g, (uint32_t)all.n)];
		sb b = {0};

		if (chance(g, 65)) {
			if (strs_has(&used, c))
				continue;
			gen_strs_push(&used, c);
			ident(g, &b, c);
			if (chance(g, 10))
				sb_add(&b, " COLLATE NOCASE");
		} else {
			switch (below(g, 6)) {
			case 0: sb_add(&b, "lower("); ident(g, &b, c); sb_add(&b, ")"); break;
			case 1: sb_add(&b, "length("); ident(g, &b, c); sb_add(&b, ")"); break;
			case 2: sb_add(&b, "abs("); ident(g, &b, c); sb_add(&b, ")"); break;
			case 3:
				sb_add(&b, "(");
				ident(g, &b, c);
				sb_add(&b, " + ");
				ident(g, &b, d);
				sb_add(&b, ")");
				break;
			case 4: sb_add(&b, "substr("); ident(g, &b, c); sb_add(&b, ", 1, 3)"); break;
			default:
				sb_add(&b, "coalesce(");
				ident(g, &b, c);
				sb_add(&b, ", ");
				ident(g, &b, d);
				sb_add(&b, ")");
				break;
			}
		}
		if (chance(g, 20))
			sb_add(&b, " DESC");
		else if (chance(g, 5))
			sb_add(&b, " ASC");
		if (!strs_has(&ix->terms, b.p))
			gen_strs_push(&ix->terms, b.p);
		free(b.p);
	}
	if (!ix->terms.n) {
		sb b = {0};
		ident(g, &b, all.v[0]);
		gen_strs_push(&ix->terms, b.p);
		free(b.p);
	}
	if (chance(g, 25))
		ix->where = bool_expr_str(g, &all, NULL);
	gen_strs_release(&all);
	gen_strs_release(&used);
}

static gen_table *find_table(gen_schema *s, const char *name);

/* Something to select from: a table (regular or virtual) or an earlier view. */
static const char *pick_source(gen_ctx *g, gen_strs *cols)
{
	size_t n = g->s->ntables + g->s->nviews, k = below(g, (uint32_t)n);

	if (k < g->s->ntables) {
		column_names(&g->s->tables[k], cols, 0);
		return g->s->tables[k].name;
	}
	strs_copy(cols, &g->s->views[k - g->s->ntables].columns);
	return g->s->views[k - g->s->ntables].name;
}

static char *quoted(gen_ctx *g, const char *n)
{
	sb b = {0};

	ident(g, &b, n);
	return sb_take(&b);
}

/* One result column, aliased when asked or when its name is taken. */
static void select_item(gen_ctx *g, sb *b, const char *prefix, const char *col, gen_strs *outs)
{
	colref(g, b, prefix, col);
	if (chance(g, 35) || strs_has(outs, col)) {
		char *alias = NEW_NAME(g, column_pool, outs);
		sb_add(b, chance(g, 90) ? " AS " : " ");
		ident(g, b, alias);
		free(alias);
	} else {
		gen_strs_push(outs, col);
	}
}

/*
** SQLite 3.40 names a view's result column "columnN" instead of "true" or
** "false", however it is written (even quoted, even in a column list), so a
** view never gets those names from here.
*/
static void view_scope(gen_strs *scope)
{
	gen_strs_push(scope, "true");
	gen_strs_push(scope, "false");
}

static void gen_view_one(gen_ctx *g, gen_view *v)
{
	gen_strs ca = {0}, cb = {0}, outs = {0};
	const char *a = pick_source(g, &ca), *bname = pick_source(g, &cb);
	uint32_t kind = below(g, 100);
	sb b = {0};
	size_t k, i;

	v->name = NEW_NAME(g, view_pool, &g->objects);
	if (kind >= 45 && kind < 82 && retort_name_eq(a, bname))
		kind = 0;
	if (kind >= 82 && kind < 90 && (strs_has(&ca, "true") || strs_has(&ca, "false")))
		kind = 0;
	view_scope(&outs);
	k = 1 + below(g, ca.n < 4 ? (uint32_t)ca.n : 4);
	if (kind < 45) {
		sb_add(&b, chance(g, 10) ? "SELECT DISTINCT " : "SELECT ");
		for (i = 0; i < k; i++) {
			if (i)
				sb_add(&b, ", ");
			select_item(g, &b, NULL, ca.v[below(g, (uint32_t)ca.n)], &outs);
		}
		sb_add(&b, " FROM ");
		ident(g, &b, a);
		if (chance(g, 30)) {
			sb_add(&b, " WHERE ");
			bool_expr(g, &b, &ca, NULL, 0);
		} else if (chance(g, 12)) {
			sb_add(&b, " WHERE ");
			ident(g, &b, ca.v[0]);
			sb_add(&b, " IN (SELECT ");
			ident(g, &b, cb.v[0]);
			sb_add(&b, " FROM ");
			ident(g, &b, bname);
			sb_add(&b, ")");
		}
		if (chance(g, 15)) {
			sb_add(&b, " ORDER BY ");
			ident(g, &b, ca.v[0]);
			if (chance(g, 50))
				sb_addf(&b, " LIMIT %u", 1 + (unsigned)below(g, 100));
		}
	} else if (kind < 60) {
		char *qa = quoted(g, a), *qb = quoted(g, bname);
		sb_add(&b, "SELECT ");
		for (i = 0; i < k; i++) {
			if (i)
				sb_add(&b, ", ");
			select_item(g, &b, qa, ca.v[below(g, (uint32_t)ca.n)], &outs);
		}
		sb_add(&b, ", ");
		select_item(g, &b, qb, cb.v[below(g, (uint32_t)cb.n)], &outs);
		sb_add(&b, chance(g, 30) ? " FROM " : "\n  FROM ");
		sb_add(&b, qa);
		sb_add(&b, chance(g, 30) ? " LEFT JOIN " : " JOIN ");
		sb_add(&b, qb);
		sb_add(&b, " ON ");
		colref(g, &b, qa, ca.v[below(g, (uint32_t)ca.n)]);
		sb_add(&b, " = ");
		colref(g, &b, qb, cb.v[below(g, (uint32_t)cb.n)]);
		free(qa);
		free(qb);
	} else if (kind < 72) {
		const char *c = ca.v[below(g, (uint32_t)ca.n)];
		char *n;
		sb_add(&b, "SELECT ");
		select_item(g, &b, NULL, c, &outs);
		n = NEW_NAME(g, column_pool, &outs);
		sb_add(&b, ", count(*) AS ");
		ident(g, &b, n);
		free(n);
		sb_add(&b, " FROM ");
		ident(g, &b, a);
		sb_add(&b, " GROUP BY ");
		ident(g, &b, c);
		if (chance(g, 30))
			sb_add(&b, " HAVING count(*) > 1");
	} else if (kind < 82) {
		size_t m = ca.n < cb.n ? ca.n : cb.n;
		k = 1 + below(g, m < 2 ? (uint32_t)m : 2);
		sb_add(&b, "SELECT ");
		for (i = 0; i < k; i++) {
			if (i)
				sb_add(&b, ", ");
			select_item(g, &b, NULL, ca.v[i], &outs);
		}
		sb_add(&b, " FROM ");
		ident(g, &b, a);
		sb_add(&b, chance(g, 50) ? " UNION ALL SELECT " : "\nUNION\nSELECT ");
		for (i = 0; i < k; i++) {
			if (i)
				sb_add(&b, ", ");
			ident(g, &b, cb.v[i]);
		}
		sb_add(&b, " FROM ");
		ident(g, &b, bname);
	} else if (kind < 90) {
		gen_table *t = find_table(g->s, a);
		sb_add(&b, "SELECT * FROM ");
		ident(g, &b, a);
		strs_copy(&outs, &ca);
		if (t)
			t->star_selected = 1;
	} else {
		gen_strs scope = {0};
		char *cte;
		strs_copy(&scope, &g->objects);
		cte = NEW_NAME(g, view_pool, &scope);
		sb_add(&b, "WITH ");
		ident(g, &b, cte);
		sb_add(&b, " AS (SELECT ");
		for (i = 0; i < k; i++) {
			if (i)
				sb_add(&b, ", ");
			select_item(g, &b, NULL, ca.v[below(g, (uint32_t)ca.n)], &outs);
		}
		sb_add(&b, " FROM ");
		ident(g, &b, a);
		sb_add(&b, ") SELECT * FROM ");
		ident(g, &b, cte);
		free(cte);
		gen_strs_release(&scope);
	}
	maybe_comment(g, &b);
	v->select = sb_take(&b);
	if (chance(g, 20)) {
		gen_strs names = {0};
		v->column_list = 1;
		view_scope(&names);
		for (i = 2; i < outs.n; i++)
			free(NEW_NAME(g, column_pool, &names));
		/* the two reserved entries go: the rest are the view's names */
		free(names.v[0]);
		free(names.v[1]);
		memmove(names.v, names.v + 2, (names.n - 2) * sizeof(*names.v));
		names.n -= 2;
		v->columns = names;
	} else {
		/* drop the reserved entries of view_scope() */
		free(outs.v[0]);
		free(outs.v[1]);
		memmove(outs.v, outs.v + 2, (outs.n - 2) * sizeof(*outs.v));
		outs.n -= 2;
		v->columns = outs;
		memset(&outs, 0, sizeof(outs));
	}
	gen_strs_release(&ca);
	gen_strs_release(&cb);
	gen_strs_release(&outs);
}

/* A value for a trigger body: a NEW/OLD column or a literal. */
static void trigger_value(gen_ctx *g, sb *b, const gen_strs *cols, const char *row)
{
	static const char *const literals[] = {"'x'", "42", "NULL", "'it''s'", "-1"};

	if (row && chance(g, 70))
		colref(g, b, row, cols->v[below(g, (uint32_t)cols->n)]);
	else
		sb_add(b, PICK(&g->r, literals));
}

static void trigger_statement(gen_ctx *g, sb *b, const gen_strs *cols, const char *row)
{
	gen_table *u = &g->s->tables[below(g, (uint32_t)g->s->ntables)];
	gen_strs ucols = {0}, stored = {0};
	uint32_t kind = below(g, 6);

	column_names(u, &ucols, 0);
	column_names(u, &stored, 1);
	if (!is_regular(u))
		kind = 0;
	switch (kind) {
	case 0:
	case 1: {
		const char *c = stored.v[below(g, (uint32_t)stored.n)];
		sb_add(b, "INSERT INTO ");
		ident(g, b, u->name);
		sb_add(b, " (");
		ident(g, b, c);
		sb_add(b, ") VALUES (");
		trigger_value(g, b, cols, row);
		sb_add(b, ")");
		break;
	}
	case 2:
		sb_add(b, "UPDATE ");
		ident(g, b, u->name);
		sb_add(b, " SET ");
		ident(g, b, stored.v[below(g, (uint32_t)stored.n)]);
		sb_add(b, " = ");
		trigger_value(g, b, cols, row);
		sb_add(b, " WHERE ");
		ident(g, b, ucols.v[below(g, (uint32_t)ucols.n)]);
		sb_add(b, " IS NULL");
		break;
	case 3:
		sb_add(b, "DELETE FROM ");
		ident(g, b, u->name);
		sb_add(b, " WHERE ");
		ident(g, b, ucols.v[below(g, (uint32_t)ucols.n)]);
		sb_add(b, " = ");
		trigger_value(g, b, cols, row);
		break;
	case 4:
		sb_add(b, "SELECT RAISE(ABORT, 'nope: it''s bad') WHERE ");
		trigger_value(g, b, cols, row);
		sb_add(b, " IS NULL");
		break;
	default:
		sb_add(b, chance(g, 50) ? "SELECT RAISE(IGNORE)" : "SELECT 1");
		break;
	}
	gen_strs_release(&ucols);
	gen_strs_release(&stored);
}

static void gen_trigger_one(gen_ctx *g, gen_trigger *tr)
{
	static const char *const events[] = {"INSERT", "DELETE", "UPDATE", "UPDATE OF"};
	int on_view = g->s->nviews && chance(g, 25);
	gen_strs cols = {0}, stored = {0};
	const char *event = PICK(&g->r, events), *row;
	size_t n, i;
	sb b = {0};

	if (on_view) {
		gen_view *v = &g->s->views[below(g, (uint32_t)g->s->nviews)];
		tr->table = retort_xstrdup(v->name);
		strs_copy(&cols, &v->columns);
		strs_copy(&stored, &v->columns);
	} else {
		gen_table *t = pick_regular(g);
		tr->table = retort_xstrdup(t->name);
		column_names(t, &cols, 0);
		column_names(t, &stored, 1);
	}
	tr->name = NEW_NAME(g, trigger_pool, &g->objects);
	row = event[0] == 'D' ? "OLD" : event[0] == 'I' ? "NEW" : chance(g, 50) ? "NEW" : "OLD";
	sb_add(&b, chance(g, 10) ? "create trigger " : "CREATE TRIGGER ");
	ident(g, &b, tr->name);
	if (on_view)
		sb_add(&b, " INSTEAD OF ");
	else if (chance(g, 5))
		sb_add(&b, " ");
	else
		sb_add(&b, chance(g, 50) ? " BEFORE " : " AFTER ");
	sb_add(&b, event);
	if (event[6] == ' ') {
		n = 1 + below(g, stored.n < 2 ? 1 : 2);
		for (i = 0; i < n && i < stored.n; i++) {
			sb_add(&b, i ? ", " : " ");
			ident(g, &b, stored.v[i]);
		}
	}
	sb_add(&b, " ON ");
	ident(g, &b, tr->table);
	if (chance(g, 50))
		sb_add(&b, " FOR EACH ROW");
	if (chance(g, 30)) {
		sb_add(&b, " WHEN ");
		bool_expr(g, &b, &cols, row, 1);
	}
	sb_add(&b, chance(g, 50) ? "\nBEGIN\n" : " BEGIN ");
	n = 1 + below(g, 2);
	for (i = 0; i < n; i++) {
		sb_add(&b, "  ");
		trigger_statement(g, &b, &cols, row);
		sb_add(&b, ";");
		maybe_comment(g, &b);
		sb_add(&b, "\n");
	}
	sb_add(&b, "END");
	tr->sql = sb_take(&b);
	gen_strs_release(&cols);
	gen_strs_release(&stored);
}

void gen_options_default(gen_options *o)
{
	memset(o, 0, sizeof(*o));
	o->odd_names = 30;
	o->max_tables = 5;
	o->max_columns = 7;
	o->max_indexes = 4;
	o->max_views = 3;
	o->max_triggers = 3;
	o->fts5 = 1;
	o->named_pk = 1;
	o->comments = 1;
	o->quoting = 1;
}

static void ctx_init(gen_ctx *g, gen_schema *s, uint64_t seed, const gen_options *opt)
{
	memset(g, 0, sizeof(*g));
	if (opt)
		g->opt = *opt;
	else
		gen_options_default(&g->opt);
	gen_rng_seed(&g->r, seed);
	g->s = s;
	/* the reader leaves these out, so a schema must not use them */
	gen_strs_push(&g->objects, "retort_version");
	gen_strs_push(&g->objects, "retort_history");
}

void gen_schema_generate(gen_schema *out, uint64_t seed, const gen_options *opt)
{
	gen_ctx g;
	size_t n, i;

	memset(out, 0, sizeof(*out));
	out->seed = seed;
	ctx_init(&g, out, seed, opt);
	n = 1 + below(&g, g.opt.max_tables ? g.opt.max_tables : 1);
	for (i = 0; i < n; i++) {
		gen_table t;
		memset(&t, 0, sizeof(t));
		gen_regular_table(&g, &t);
		*PUSH(out->tables, out->ntables, out->captables) = t;
	}
	if (g.opt.fts5 && chance(&g, 12)) {
		gen_table t;
		memset(&t, 0, sizeof(t));
		gen_fts(&g, &t);
		*PUSH(out->tables, out->ntables, out->captables) = t;
	}
	for (i = 0; i < out->ntables; i++)
		if (is_regular(&out->tables[i]))
			gen_fks(&g, i);
	n = below(&g, g.opt.max_indexes + 1);
	for (i = 0; i < n; i++) {
		gen_index ix;
		memset(&ix, 0, sizeof(ix));
		gen_index_one(&g, &ix);
		*PUSH(out->indexes, out->nindexes, out->capindexes) = ix;
	}
	n = below(&g, g.opt.max_views + 1);
	for (i = 0; i < n; i++) {
		gen_view v;
		memset(&v, 0, sizeof(v));
		gen_view_one(&g, &v);
		*PUSH(out->views, out->nviews, out->capviews) = v;
	}
	n = below(&g, g.opt.max_triggers + 1);
	for (i = 0; i < n; i++) {
		gen_trigger tr;
		memset(&tr, 0, sizeof(tr));
		gen_trigger_one(&g, &tr);
		*PUSH(out->triggers, out->ntriggers, out->captriggers) = tr;
	}
	gen_strs_release(&g.objects);
}

/* ---- rendering ---------------------------------------------------- */

typedef struct render {
	sb b;
	gen_rng r;       /* layout choices only, apart from the schema's */
	int quoting;
	int comments;
	int lower;       /* this statement's keywords in lower case */
	int multiline;
	int marks;       /* put GEN_MARK_OPEN kind ... GEN_MARK_CLOSE around pieces */
} render;

static void mark_open(render *R, sb *b, gen_piece kind)
{
	if (R->marks) {
		char m[2];
		m[0] = GEN_MARK_OPEN;
		m[1] = (char)kind;
		sb_addn(b, m, 2);
	}
}

static void mark_close(render *R, sb *b)
{
	if (R->marks)
		sb_add(b, GEN_MARK_CLOSE_STR);
}

/* `text` as one marked piece of kind `kind`. */
static void piece(render *R, sb *b, gen_piece kind, const char *text)
{
	mark_open(R, b, kind);
	sb_add(b, text);
	mark_close(R, b);
}

static void kw(render *R, sb *b, const char *k)
{
	if (!R->lower) {
		sb_add(b, k);
		return;
	}
	for (; *k; k++) {
		char c = (char)ascii_lower((unsigned char)*k);
		sb_addn(b, &c, 1);
	}
}

static void rname(render *R, sb *b, const char *n)
{
	mark_open(R, b, GEN_PIECE_NAME);
	put_ident(&R->r, R->quoting, b, n);
	mark_close(R, b);
}

static void rnames(render *R, sb *b, const gen_strs *l)
{
	size_t i;

	sb_add(b, "(");
	for (i = 0; i < l->n; i++) {
		if (i)
			sb_add(b, ", ");
		rname(R, b, l->v[i]);
	}
	sb_add(b, ")");
}

static void rconstraint(render *R, sb *b, const char *name)
{
	if (name) {
		kw(R, b, "CONSTRAINT ");
		rname(R, b, name);
		sb_add(b, " ");
	}
}

static void render_fk_tail(render *R, sb *b, const gen_fk *fk)
{
	kw(R, b, "REFERENCES ");
	rname(R, b, fk->table);
	if (fk->ref_columns.n) {
		if (gen_rng_chance(&R->r, 50))
			sb_add(b, " ");
		rnames(R, b, &fk->ref_columns);
	}
	if (fk->on_delete) {
		kw(R, b, " ON DELETE ");
		kw(R, b, fk->on_delete);
	}
	if (fk->on_update) {
		kw(R, b, " ON UPDATE ");
		kw(R, b, fk->on_update);
	}
	if (fk->deferrable) {
		sb_add(b, " ");
		kw(R, b, fk->deferrable);
	}
}

static void shuffle(render *R, gen_strs *l)
{
	size_t i;

	for (i = l->n; i > 1; i--) {
		size_t j = gen_rng_below(&R->r, (uint32_t)i);
		char *x = l->v[i - 1];
		l->v[i - 1] = l->v[j];
		l->v[j] = x;
	}
}

static void retort_render_column(render *R, sb *out, const gen_table *t, const gen_column *c)
{
	gen_strs parts = {0};
	sb b = {0};
	size_t i;

	if (c->pk) {
		rconstraint(R, &b, t->pk_name);
		kw(R, &b, "PRIMARY KEY");
		if (c->autoincrement)
			kw(R, &b, " AUTOINCREMENT");
		gen_strs_push(&parts, b.p);
		b.len = 0;
	}
	if (c->notnull) {
		kw(R, &b, "NOT NULL");
		gen_strs_push(&parts, b.p);
		b.len = 0;
	}
	if (c->default_sql) {
		kw(R, &b, "DEFAULT ");
		piece(R, &b, GEN_PIECE_DEFAULT, c->default_sql);
		gen_strs_push(&parts, b.p);
		b.len = 0;
	}
	if (c->collate) {
		kw(R, &b, "COLLATE ");
		piece(R, &b, GEN_PIECE_VERBATIM, c->collate);
		gen_strs_push(&parts, b.p);
		b.len = 0;
	}
	if (c->generated) {
		if (!c->short_generated)
			kw(R, &b, "GENERATED ALWAYS ");
		kw(R, &b, "AS (");
		piece(R, &b, GEN_PIECE_GENERATED, c->gen_expr);
		sb_add(&b, ")");
		if (c->generated == GEN_GENERATED_STORED)
			kw(R, &b, " STORED");
		else if (gen_rng_chance(&R->r, 50))
			kw(R, &b, " VIRTUAL");
		gen_strs_push(&parts, b.p);
		b.len = 0;
	}
	if (c->unique) {
		rconstraint(R, &b, c->unique_name);
		kw(R, &b, "UNIQUE");
		gen_strs_push(&parts, b.p);
		b.len = 0;
	}
	if (c->check) {
		rconstraint(R, &b, c->check_name);
		kw(R, &b, "CHECK (");
		piece(R, &b, GEN_PIECE_CHECK, c->check);
		sb_add(&b, ")");
		gen_strs_push(&parts, b.p);
		b.len = 0;
	}
	if (c->fk) {
		rconstraint(R, &b, c->fk->name);
		render_fk_tail(R, &b, c->fk);
		gen_strs_push(&parts, b.p);
		b.len = 0;
	}
	/* SQLite takes column constraints in any order */
	if (gen_rng_chance(&R->r, 25))
		shuffle(R, &parts);
	rname(R, out, c->name);
	if (c->type) {
		sb_add(out, " ");
		piece(R, out, GEN_PIECE_VERBATIM, c->type);
	}
	for (i = 0; i < parts.n; i++) {
		sb_add(out, " ");
		sb_add(out, parts.v[i]);
	}
	gen_strs_release(&parts);
	free(b.p);
}

static void render_table(render *R, const gen_table *t)
{
	sb *out = &R->b;
	gen_strs parts = {0}, cons = {0};
	sb b = {0};
	size_t i;

	if (t->virtual_using) {
		kw(R, out, "CREATE VIRTUAL TABLE ");
		if (t->if_not_exists)
			kw(R, out, "IF NOT EXISTS ");
		rname(R, out, t->name);
		kw(R, out, " USING ");
		piece(R, out, GEN_PIECE_VERBATIM, t->virtual_using);
		return;
	}
	for (i = 0; i < t->ncols; i++) {
		retort_render_column(R, &b, t, &t->cols[i]);
		gen_strs_push(&parts, b.p);
		b.len = 0;
	}
	if (t->pk.n) {
		rconstraint(R, &b, t->pk_name);
		kw(R, &b, "PRIMARY KEY ");
		rnames(R, &b, &t->pk);
		gen_strs_push(&cons, b.p);
		b.len = 0;
	}
	for (i = 0; i < t->nuniques; i++) {
		rconstraint(R, &b, t->uniques[i].name);
		kw(R, &b, "UNIQUE ");
		rnames(R, &b, &t->uniques[i].columns);
		gen_strs_push(&cons, b.p);
		b.len = 0;
	}
	for (i = 0; i < t->nchecks; i++) {
		rconstraint(R, &b, t->checks[i].name);
		kw(R, &b, "CHECK (");
		piece(R, &b, GEN_PIECE_CHECK, t->checks[i].expr);
		sb_add(&b, ")");
		gen_strs_push(&cons, b.p);
		b.len = 0;
	}
	for (i = 0; i < t->nfks; i++) {
		rconstraint(R, &b, t->fks[i].name);
		kw(R, &b, "FOREIGN KEY ");
		rnames(R, &b, &t->fks[i].columns);
		sb_add(&b, " ");
		render_fk_tail(R, &b, &t->fks[i]);
		gen_strs_push(&cons, b.p);
		b.len = 0;
	}
	if (gen_rng_chance(&R->r, 25))
		shuffle(R, &cons);
	strs_copy(&parts, &cons);

	kw(R, out, "CREATE TABLE ");
	if (t->if_not_exists)
		kw(R, out, "IF NOT EXISTS ");
	rname(R, out, t->name);
	sb_add(out, R->multiline ? " (" : "(");
	for (i = 0; i < parts.n; i++) {
		if (i)
			sb_add(out, ",");
		if (R->comments && gen_rng_chance(&R->r, 5))
			sb_add(out, R->multiline ? "\n\t-- the next one\n" : " /* next */");
		sb_add(out, R->multiline ? "\n\t" : i ? " " : "");
		sb_add(out, parts.v[i]);
	}
	sb_add(out, R->multiline ? "\n)" : ")");
	if (t->strict && t->without_rowid)
		kw(R, out, gen_rng_chance(&R->r, 50) ? " STRICT, WITHOUT ROWID" : " WITHOUT ROWID, STRICT");
	else if (t->strict)
		kw(R, out, " STRICT");
	else if (t->without_rowid)
		kw(R, out, " WITHOUT ROWID");
	gen_strs_release(&parts);
	gen_strs_release(&cons);
	free(b.p);
}

static void render_index(render *R, const gen_index *ix)
{
	sb *out = &R->b;
	size_t i;

	kw(R, out, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	if (gen_rng_chance(&R->r, 5))
		kw(R, out, "IF NOT EXISTS ");
	rname(R, out, ix->name);
	kw(R, out, " ON ");
	rname(R, out, ix->table);
	sb_add(out, " (");
	for (i = 0; i < ix->terms.n; i++) {
		if (i)
			sb_add(out, ", ");
		piece(R, out, GEN_PIECE_INDEX_TERM, ix->terms.v[i]);
	}
	sb_add(out, ")");
	if (ix->where) {
		kw(R, out, R->multiline ? "\n  WHERE " : " WHERE ");
		piece(R, out, GEN_PIECE_WHERE, ix->where);
	}
}

static void render_view(render *R, const gen_view *v)
{
	sb *out = &R->b;

	kw(R, out, "CREATE VIEW ");
	if (gen_rng_chance(&R->r, 5))
		kw(R, out, "IF NOT EXISTS ");
	rname(R, out, v->name);
	if (v->column_list)
		rnames(R, out, &v->columns);
	kw(R, out, R->multiline ? " AS\n" : " AS ");
	piece(R, out, GEN_PIECE_VIEW, v->select);
}

static void end_statement(render *R)
{
	sb_add(&R->b, ";\n");
	if (R->comments && gen_rng_chance(&R->r, 8))
		sb_add(&R->b, "\n-- between statements\n");
	R->lower = gen_rng_chance(&R->r, 15);
	R->multiline = gen_rng_chance(&R->r, 50);
}

static char *render_schema(const gen_schema *s, int marks)
{
	render R;
	size_t i;

	memset(&R, 0, sizeof(R));
	R.marks = marks;
	/* a stream of its own, so that layout never shifts the schema */
	gen_rng_seed(&R.r, s->seed ^ 0x5851F42D4C957F2DULL);
	R.quoting = 1;
	R.comments = gen_rng_chance(&R.r, 30);
	R.multiline = gen_rng_chance(&R.r, 50);
	if (R.comments)
		sb_addf(&R.b, "-- gen_schema seed %llu\n", (unsigned long long)s->seed);
	for (i = 0; i < s->ntables; i++) {
		render_table(&R, &s->tables[i]);
		end_statement(&R);
	}
	for (i = 0; i < s->nindexes; i++) {
		render_index(&R, &s->indexes[i]);
		end_statement(&R);
	}
	for (i = 0; i < s->nviews; i++) {
		render_view(&R, &s->views[i]);
		end_statement(&R);
	}
	for (i = 0; i < s->ntriggers; i++) {
		piece(&R, &R.b, GEN_PIECE_TRIGGER, s->triggers[i].sql);
		end_statement(&R);
	}
	return sb_take(&R.b);
}

char *gen_schema_to_sql(const gen_schema *s)
{
	return render_schema(s, 0);
}

char *gen_schema_to_sql_marked(const gen_schema *s)
{
	return render_schema(s, 1);
}

/* ---- rows older than a column ----------------------------------------- */

/* Can ALTER TABLE ADD COLUMN add `t`'s last column, over rows? (SQLite's
** rules: no key, UNIQUE or STORED column, a constant default, NOT NULL only
** with a default; and here, conservatively, nothing it must check against
** the rows or that names it elsewhere in the table.) */
static int added_last_ok(const gen_table *t)
{
	const gen_column *c = t->ncols > 1 ? &t->cols[t->ncols - 1] : NULL;
	const char *d;
	size_t i, j;

	if (!c || !is_regular(t) || c->pk || c->in_key || c->unique || c->check || c->fk ||
	    c->generated || c->autoincrement || strs_has(&t->pk, c->name))
		return 0;
	d = c->default_sql;
	for (j = 0; d && j < 8 && ascii_lower((unsigned char)d[j]) == "current_"[j]; j++)
		;
	if (d && (strchr(d, '(') || j == 8))
		return 0;
	if (c->notnull && (!d || retort_name_eq(d, "NULL")))
		return 0;
	for (i = 0; i < t->nuniques; i++)
		if (strs_has(&t->uniques[i].columns, c->name))
			return 0;
	for (i = 0; i < t->nfks; i++)
		if (strs_has(&t->fks[i].columns, c->name))
			return 0;
	for (i = 0; i < t->nchecks; i++)
		if (strstr(t->checks[i].expr, c->name))
			return 0;
	for (i = 0; i + 1 < t->ncols; i++)
		if ((t->cols[i].gen_expr && strstr(t->cols[i].gen_expr, c->name)) ||
		    (t->cols[i].check && strstr(t->cols[i].check, c->name)))
			return 0;
	return 1;
}

int gen_schema_split_added(const gen_schema *s, uint64_t seed, const char *prefer,
	char **before, char **add, char **after)
{
	gen_schema part;
	gen_table *tables;
	render R;
	size_t i, n = 0, k = 0, pick = 0;

	for (i = 0; i < s->ntables; i++)
		n += (size_t)added_last_ok(&s->tables[i]);
	if (!n)
		return 0;
	for (i = 0; i < s->ntables; i++) {
		if (!added_last_ok(&s->tables[i]))
			continue;
		if (prefer ? retort_name_eq(s->tables[i].name, prefer) : k == seed % n) {
			pick = i;
			break;
		}
		k++;
		pick = i;
	}
	if (prefer && !retort_name_eq(s->tables[pick].name, prefer))
		return gen_schema_split_added(s, seed, NULL, before, add, after);

	/* the tables, the picked one a column short */
	tables = xrealloc(NULL, s->ntables * sizeof(*tables));
	memcpy(tables, s->tables, s->ntables * sizeof(*tables));
	tables[pick].ncols--;
	part = *s;
	part.tables = tables;
	part.nindexes = part.nviews = part.ntriggers = 0;
	*before = gen_schema_to_sql(&part);
	free(tables);

	memset(&R, 0, sizeof(R));
	gen_rng_seed(&R.r, seed);
	R.quoting = 1;
	sb_add(&R.b, "ALTER TABLE ");
	rname(&R, &R.b, s->tables[pick].name);
	sb_add(&R.b, " ADD COLUMN ");
	retort_render_column(&R, &R.b, &s->tables[pick], &s->tables[pick].cols[s->tables[pick].ncols - 1]);
	sb_add(&R.b, ";\n");
	*add = sb_take(&R.b);

	part = *s;
	part.ntables = 0;
	*after = gen_schema_to_sql(&part);
	return prefer ? 2 : 1;
}

/* ---- freeing -------------------------------------------------------- */

static void fk_release(gen_fk *fk)
{
	free(fk->name);
	gen_strs_release(&fk->columns);
	free(fk->table);
	gen_strs_release(&fk->ref_columns);
}

static void column_release(gen_column *c)
{
	free(c->name);
	free(c->type);
	free(c->default_sql);
	free(c->collate);
	free(c->gen_expr);
	free(c->unique_name);
	free(c->check);
	free(c->check_name);
	if (c->fk) {
		fk_release(c->fk);
		free(c->fk);
	}
}

static void table_release(gen_table *t)
{
	size_t i;

	free(t->name);
	for (i = 0; i < t->ncols; i++)
		column_release(&t->cols[i]);
	free(t->cols);
	gen_strs_release(&t->pk);
	free(t->pk_name);
	for (i = 0; i < t->nuniques; i++) {
		free(t->uniques[i].name);
		gen_strs_release(&t->uniques[i].columns);
	}
	free(t->uniques);
	for (i = 0; i < t->nfks; i++)
		fk_release(&t->fks[i]);
	free(t->fks);
	for (i = 0; i < t->nchecks; i++) {
		free(t->checks[i].name);
		free(t->checks[i].expr);
	}
	free(t->checks);
	free(t->virtual_using);
}

static void index_release(gen_index *ix)
{
	free(ix->name);
	free(ix->table);
	gen_strs_release(&ix->terms);
	free(ix->where);
}

static void view_release(gen_view *v)
{
	free(v->name);
	gen_strs_release(&v->columns);
	free(v->select);
}

static void trigger_release(gen_trigger *tr)
{
	free(tr->name);
	free(tr->table);
	free(tr->sql);
}

static void rename_release(gen_rename *rn)
{
	free(rn->table);
	free(rn->column);
	free(rn->from);
}

void gen_schema_release(gen_schema *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->ntables; i++)
		table_release(&s->tables[i]);
	free(s->tables);
	for (i = 0; i < s->nindexes; i++)
		index_release(&s->indexes[i]);
	free(s->indexes);
	for (i = 0; i < s->nviews; i++)
		view_release(&s->views[i]);
	free(s->views);
	for (i = 0; i < s->ntriggers; i++)
		trigger_release(&s->triggers[i]);
	free(s->triggers);
	for (i = 0; i < s->nrenames; i++)
		rename_release(&s->renames[i]);
	free(s->renames);
	memset(s, 0, sizeof(*s));
}

/* ---- mutations ------------------------------------------------------ */

static const char *const mutation_names[GEN_MUT_COUNT] = {
	"column-type", "not-null", "default", "collate", "add-column",
	"drop-index", "index-unique", "index-where", "drop-check", "fk-action",
	"view", "drop-trigger", "strict", "without-rowid", "rename-table",
	"rename-column", "drop-column", "drop-table", "add-table", "add-index",
	"add-view", "drop-view", "add-trigger", "add-check", "add-unique",
	"drop-unique", "add-fk", "change-pk", "generated", "drop-fk",
};

const char *gen_mutation_name(gen_mutation m)
{
	return (unsigned)m < GEN_MUT_COUNT ? mutation_names[m] : "?";
}

typedef int (*col_filter)(const gen_table *t, const gen_column *c);

static int col_type_ok(const gen_table *t, const gen_column *c)
{
	return is_regular(t) && !c->autoincrement;
}

static int col_not_null_ok(const gen_table *t, const gen_column *c)
{
	/* key columns of WITHOUT ROWID tables and rowid aliases are NOT NULL
	** whatever is written */
	return is_regular(t) && !c->in_key;
}

static int col_stored_ok(const gen_table *t, const gen_column *c)
{
	return is_regular(t) && !c->generated;
}

static int col_added_ok(const gen_table *t, const gen_column *c)
{
	return col_stored_ok(t, c) && c->added;
}

static int col_any_ok(const gen_table *t, const gen_column *c)
{
	(void)c;
	return is_regular(t);
}

static int any_column(const gen_schema *s, col_filter ok)
{
	size_t i, j;

	for (i = 0; i < s->ntables; i++)
		for (j = 0; j < s->tables[i].ncols; j++)
			if (ok(&s->tables[i], &s->tables[i].cols[j]))
				return 1;
	return 0;
}

static gen_column *pick_column(gen_ctx *g, col_filter ok, gen_table **tout)
{
	size_t n = 0, i, j, k;

	for (i = 0; i < g->s->ntables; i++)
		for (j = 0; j < g->s->tables[i].ncols; j++)
			n += ok(&g->s->tables[i], &g->s->tables[i].cols[j]) ? 1 : 0;
	if (!n)
		return NULL;
	k = below(g, (uint32_t)n);
	for (i = 0; i < g->s->ntables; i++)
		for (j = 0; j < g->s->tables[i].ncols; j++)
			if (ok(&g->s->tables[i], &g->s->tables[i].cols[j]) && k-- == 0) {
				*tout = &g->s->tables[i];
				return &g->s->tables[i].cols[j];
			}
	return NULL;
}

static gen_table *find_table(gen_schema *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->ntables; i++)
		if (retort_name_eq(s->tables[i].name, name))
			return &s->tables[i];
	return NULL;
}

static void replace_str(char **slot, const char *s)
{
	free(*slot);
	*slot = retort_xstrdup(s);
}

/* A generated column of a STRICT table casts its value to its type (see
** gen_regular_table): keep the cast in step with a new type `to`. */
static void recast(gen_column *c, const char *to)
{
	size_t n = strlen(c->gen_expr), k = c->type ? strlen(c->type) : 0;
	sb b = {0};

	if (n > 5 + 5 + k && strncmp(c->gen_expr, "CAST(", 5) == 0 && c->type &&
	    strncmp(c->gen_expr + n - k - 5, " AS ", 4) == 0 &&
	    strncmp(c->gen_expr + n - k - 1, c->type, k) == 0) {
		/* CAST(e AS old) -> e */
		sb_addn(&b, c->gen_expr + 5, n - k - 5 - 5);
	} else {
		sb_add(&b, c->gen_expr);
	}
	if (!retort_name_eq(to, "ANY")) {
		char *inner = sb_take(&b);
		sb_addf(&b, "CAST(%s AS %s)", inner, to);
		free(inner);
	}
	free(c->gen_expr);
	c->gen_expr = sb_take(&b);
}

static int mutate_column(gen_ctx *g, gen_mutation m, sb *d)
{
	gen_table *t = NULL;
	gen_column *c;
	const char *to;
	int tries;

	switch (m) {
	case GEN_MUT_COLUMN_TYPE:
		c = pick_column(g, col_type_ok, &t);
		if (!c)
			return 0;
		/* SQLite spells the STRICT type names in upper case however they
		** are written, so a change of case is no change */
		for (tries = 0;; tries++) {
			to = t->strict ? PICK(&g->r, types_strict) : PICK(&g->r, types_loose);
			if (!c->type || !retort_name_eq(to, c->type))
				break;
		}
		sb_addf(d, "table '%s': column '%s': type '%s' -> '%s'", t->name, c->name,
			c->type ? c->type : "", to);
		if (t->strict && c->generated)
			recast(c, to);
		replace_str(&c->type, to);
		return 1;
	case GEN_MUT_NOT_NULL:
		c = pick_column(g, col_not_null_ok, &t);
		if (!c)
			return 0;
		c->notnull = !c->notnull;
		sb_addf(d, "table '%s': column '%s': NOT NULL %s", t->name, c->name,
			c->notnull ? "added" : "removed");
		return 1;
	case GEN_MUT_DEFAULT: {
		char k;
		/* no draw when nothing was added: the schemas of a seed stay as
		** they were */
		c = NULL;
		if (any_column(g->s, col_added_ok) && chance(g, 50))
			c = pick_column(g, col_added_ok, &t);
		if (!c)
			c = pick_column(g, col_stored_ok, &t);
		if (!c)
			return 0;
		k = t->strict && c->type ? (char)ascii_lower((unsigned char)c->type[0]) : 't';
		to = k == 'i' || k == 'r' ? "12345" : k == 'b' ? "x'beef'" : "'mutated'";
		if (c->default_sql && strcmp(c->default_sql, to) == 0)
			to = "NULL";
		sb_addf(d, "table '%s': column '%s': default %s -> %s", t->name, c->name,
			c->default_sql ? c->default_sql : "(none)", to);
		replace_str(&c->default_sql, to);
		return 1;
	}
	case GEN_MUT_COLLATE:
		c = pick_column(g, col_any_ok, &t);
		if (!c)
			return 0;
		/* BINARY is the default: going to or from it may change nothing */
		to = c->collate && retort_name_eq(c->collate, "NOCASE") ? "RTRIM" : "NOCASE";
		sb_addf(d, "table '%s': column '%s': collation %s -> %s", t->name, c->name,
			c->collate ? c->collate : "(none)", to);
		replace_str(&c->collate, to);
		return 1;
	default:
		return 0;
	}
}

/* ---- shape mutations: names in SQL text ------------------------------ */

static int ident_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '_' || c == '$' || c >= 0x80;
}

/*
** Walk the SQL text `sql` token by token (comments and string literals are
** skipped whole) and find the identifiers that name `old`: quoted ones in any
** style, and bare ones when `old` may be written bare at all (a keyword is
** always quoted by this generator, so a bare SELECT is never a name).
** Counts them in `*hits`; with `to`, returns the text with each one replaced
** by `to` in double quotes (else NULL).
*/
static char *ident_rewrite(const char *sql, const char *old, const char *to, int *hits)
{
	int bare_ok = gen_is_bare_ok(old);
	const char *p = sql;
	sb out = {0}, word = {0};

	*hits = 0;
	while (*p) {
		const char *start = p;
		unsigned char c = (unsigned char)*p;
		int hit = 0;

		if (c == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (c == '/' && p[1] == '*') {
			for (p += 2; *p && !(p[0] == '*' && p[1] == '/'); p++)
				;
			if (*p)
				p += 2;
		} else if (c == '\'') {
			for (p++; *p; p++) {
				if (*p == '\'' && p[1] == '\'')
					p++;
				else if (*p == '\'')
					break;
			}
			if (*p)
				p++;
		} else if (c == '"' || c == '`' || c == '[') {
			char close = c == '[' ? ']' : (char)c;
			word.len = 0;
			sb_add(&word, "");
			for (p++; *p; p++) {
				if (*p == close && close != ']' && p[1] == close)
					p++;
				else if (*p == close)
					break;
				sb_addn(&word, p, 1);
			}
			if (*p)
				p++;
			hit = retort_name_eq(word.p, old);
		} else if (c >= '0' && c <= '9') {
			while (ident_char((unsigned char)*p) || *p == '.')
				p++;
		} else if (ident_char(c)) {
			while (ident_char((unsigned char)*p))
				p++;
			/* x'00ff' is a blob literal, not the name x */
			if (!(p - start == 1 && (c == 'x' || c == 'X') && *p == '\'')) {
				word.len = 0;
				sb_addn(&word, start, (size_t)(p - start));
				hit = bare_ok && retort_name_eq(word.p, old);
			}
		} else {
			p++;
		}
		if (hit)
			(*hits)++;
		if (!to)
			continue;
		if (hit)
			put_ident_style(&out, to, 0);
		else
			sb_addn(&out, start, (size_t)(p - start));
	}
	free(word.p);
	return to ? sb_take(&out) : NULL;
}

static int text_mentions(const char *sql, const char *name)
{
	int hits = 0;

	if (sql)
		ident_rewrite(sql, name, NULL, &hits);
	return hits > 0;
}

static void text_rename(char **slot, const char *old, const char *to)
{
	int hits;
	char *n;

	if (!*slot)
		return;
	n = ident_rewrite(*slot, old, to, &hits);
	free(*slot);
	*slot = n;
}

static void name_rename(char **slot, const char *old, const char *to)
{
	if (*slot && retort_name_eq(*slot, old))
		replace_str(slot, to);
}

static void strs_rename(gen_strs *l, const char *old, const char *to)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		name_rename(&l->v[i], old, to);
}

static void fk_rename(gen_fk *fk, const char *old, const char *to)
{
	name_rename(&fk->name, old, to);
	strs_rename(&fk->columns, old, to);
	name_rename(&fk->table, old, to);
	strs_rename(&fk->ref_columns, old, to);
}

/*
** Rename the identifier `old` to `to` everywhere: object and column names,
** key lists, and every expression, view and trigger text. When `old` names
** exactly one object (see name_uses), this is the rename of that object
** together with what SQLite's ALTER TABLE ... RENAME would rewrite.
*/
static void schema_rename(gen_schema *s, const char *old, const char *to)
{
	size_t i, j;

	for (i = 0; i < s->ntables; i++) {
		gen_table *t = &s->tables[i];
		name_rename(&t->name, old, to);
		for (j = 0; j < t->ncols; j++) {
			gen_column *c = &t->cols[j];
			name_rename(&c->name, old, to);
			text_rename(&c->default_sql, old, to);
			text_rename(&c->gen_expr, old, to);
			name_rename(&c->unique_name, old, to);
			text_rename(&c->check, old, to);
			name_rename(&c->check_name, old, to);
			if (c->fk)
				fk_rename(c->fk, old, to);
		}
		strs_rename(&t->pk, old, to);
		name_rename(&t->pk_name, old, to);
		for (j = 0; j < t->nuniques; j++) {
			name_rename(&t->uniques[j].name, old, to);
			strs_rename(&t->uniques[j].columns, old, to);
		}
		for (j = 0; j < t->nfks; j++)
			fk_rename(&t->fks[j], old, to);
		for (j = 0; j < t->nchecks; j++) {
			name_rename(&t->checks[j].name, old, to);
			text_rename(&t->checks[j].expr, old, to);
		}
	}
	for (i = 0; i < s->nindexes; i++) {
		name_rename(&s->indexes[i].name, old, to);
		name_rename(&s->indexes[i].table, old, to);
		for (j = 0; j < s->indexes[i].terms.n; j++)
			text_rename(&s->indexes[i].terms.v[j], old, to);
		text_rename(&s->indexes[i].where, old, to);
	}
	for (i = 0; i < s->nviews; i++) {
		name_rename(&s->views[i].name, old, to);
		strs_rename(&s->views[i].columns, old, to);
		text_rename(&s->views[i].select, old, to);
	}
	for (i = 0; i < s->ntriggers; i++) {
		name_rename(&s->triggers[i].name, old, to);
		name_rename(&s->triggers[i].table, old, to);
		text_rename(&s->triggers[i].sql, old, to);
	}
	for (i = 0; i < s->nrenames; i++) {
		name_rename(&s->renames[i].table, old, to);
		name_rename(&s->renames[i].column, old, to);
	}
}

static int eq_count(const char *a, const char *b)
{
	return a && retort_name_eq(a, b) ? 1 : 0;
}

static size_t fk_uses(const gen_fk *fk, const char *n)
{
	return (size_t)eq_count(fk->name, n);
}

/*
** How many objects carry the name `n`: tables, columns (of every table),
** views, indexes, triggers and constraints. Result columns of views are not
** counted: they are derived, and a rename carries them along.
*/
static size_t name_uses(const gen_schema *s, const char *n)
{
	size_t i, j, k = 0;

	for (i = 0; i < s->ntables; i++) {
		const gen_table *t = &s->tables[i];
		k += (size_t)eq_count(t->name, n) + (size_t)eq_count(t->pk_name, n);
		for (j = 0; j < t->ncols; j++) {
			k += (size_t)eq_count(t->cols[j].name, n);
			k += (size_t)eq_count(t->cols[j].unique_name, n);
			k += (size_t)eq_count(t->cols[j].check_name, n);
			if (t->cols[j].fk)
				k += fk_uses(t->cols[j].fk, n);
		}
		for (j = 0; j < t->nuniques; j++)
			k += (size_t)eq_count(t->uniques[j].name, n);
		for (j = 0; j < t->nfks; j++)
			k += fk_uses(&t->fks[j], n);
		for (j = 0; j < t->nchecks; j++)
			k += (size_t)eq_count(t->checks[j].name, n);
	}
	for (i = 0; i < s->nindexes; i++)
		k += (size_t)eq_count(s->indexes[i].name, n);
	for (i = 0; i < s->nviews; i++)
		k += (size_t)eq_count(s->views[i].name, n);
	for (i = 0; i < s->ntriggers; i++)
		k += (size_t)eq_count(s->triggers[i].name, n);
	return k;
}

/* Is `n` free for a new name: no object has it and no text mentions it? */
static int name_unused(const gen_schema *s, const char *n)
{
	size_t i, j;

	if (name_uses(s, n) || !name_free(&(gen_strs){0}, n))
		return 0;
	for (i = 0; i < s->ntables; i++) {
		const gen_table *t = &s->tables[i];
		char sh[256];
		/* an fts5 table's shadow tables */
		if (t->virtual_using && strlen(t->name) < 200) {
			static const char *const shadows[] = {
				"_data", "_idx", "_content", "_docsize", "_config",
			};
			for (j = 0; j < NELEM(shadows); j++) {
				snprintf(sh, sizeof(sh), "%s%s", t->name, shadows[j]);
				if (retort_name_eq(sh, n))
					return 0;
			}
		}
		for (j = 0; j < t->ncols; j++)
			if (text_mentions(t->cols[j].gen_expr, n) || text_mentions(t->cols[j].check, n))
				return 0;
		for (j = 0; j < t->nchecks; j++)
			if (text_mentions(t->checks[j].expr, n))
				return 0;
	}
	for (i = 0; i < s->nindexes; i++) {
		if (text_mentions(s->indexes[i].where, n))
			return 0;
		for (j = 0; j < s->indexes[i].terms.n; j++)
			if (text_mentions(s->indexes[i].terms.v[j], n))
				return 0;
	}
	for (i = 0; i < s->nviews; i++)
		if (strs_has(&s->views[i].columns, n) || text_mentions(s->views[i].select, n))
			return 0;
	for (i = 0; i < s->ntriggers; i++)
		if (text_mentions(s->triggers[i].sql, n))
			return 0;
	for (i = 0; i < s->nrenames; i++)
		if (retort_name_eq(s->renames[i].from, n))
			return 0;
	return 1;
}

/* `base` with "_v2" (or "_v3", ...) appended, free in the whole schema.
** Names of the original schema never end so, so this never revives one. */
static char *fresh_variant(const gen_schema *s, const char *base)
{
	sb b = {0};
	int k;

	for (k = 2;; k++) {
		b.len = 0;
		sb_addf(&b, "%s_v%d", base, k);
		if (name_unused(s, b.p))
			return sb_take(&b);
	}
}

/* Every name the schema uses, so that new ones (NEW_NAME) avoid them. */
static void ctx_take_names(gen_ctx *g)
{
	static const char *const shadows[] = {"_data", "_idx", "_content", "_docsize", "_config"};
	const gen_schema *s = g->s;
	size_t i, j;

	for (i = 0; i < s->ntables; i++) {
		const gen_table *t = &s->tables[i];
		gen_strs_push(&g->objects, t->name);
		if (t->pk_name)
			gen_strs_push(&g->objects, t->pk_name);
		for (j = 0; j < t->ncols; j++) {
			if (t->cols[j].unique_name)
				gen_strs_push(&g->objects, t->cols[j].unique_name);
			if (t->cols[j].check_name)
				gen_strs_push(&g->objects, t->cols[j].check_name);
			if (t->cols[j].fk && t->cols[j].fk->name)
				gen_strs_push(&g->objects, t->cols[j].fk->name);
		}
		for (j = 0; j < t->nuniques; j++)
			if (t->uniques[j].name)
				gen_strs_push(&g->objects, t->uniques[j].name);
		for (j = 0; j < t->nfks; j++)
			if (t->fks[j].name)
				gen_strs_push(&g->objects, t->fks[j].name);
		for (j = 0; j < t->nchecks; j++)
			if (t->checks[j].name)
				gen_strs_push(&g->objects, t->checks[j].name);
		if (t->virtual_using) {
			for (j = 0; j < NELEM(shadows); j++) {
				sb sh = {0};
				sb_addf(&sh, "%s%s", t->name, shadows[j]);
				gen_strs_push(&g->objects, sh.p);
				free(sh.p);
			}
		}
	}
	for (i = 0; i < s->nindexes; i++)
		gen_strs_push(&g->objects, s->indexes[i].name);
	for (i = 0; i < s->nviews; i++)
		gen_strs_push(&g->objects, s->views[i].name);
	for (i = 0; i < s->ntriggers; i++)
		gen_strs_push(&g->objects, s->triggers[i].name);
	for (i = 0; i < s->nrenames; i++)
		gen_strs_push(&g->objects, s->renames[i].from);
}

/* ---- shape mutations: dropping with dependents ---------------------- */

#define REMOVE_AT(arr, n, k) \
	(memmove(&(arr)[(k)], &(arr)[(k) + 1], ((n) - (k) - 1) * sizeof(*(arr))), (n)--)

static void drop_mentioning(gen_schema *s, const char *name, sb *d);

/* Drop view `k` and what depends on it; `report` adds it to `d` (its
** dependents are always reported). */
static void drop_view_at(gen_schema *s, size_t k, sb *d, int report)
{
	char *name = retort_xstrdup(s->views[k].name);

	if (report)
		sb_addf(d, "; view '%s' dropped", name);
	view_release(&s->views[k]);
	REMOVE_AT(s->views, s->nviews, k);
	drop_mentioning(s, name, d);
	free(name);
}

/* Drop the views and triggers whose text names `name`, and theirs in turn. */
static void drop_mentioning(gen_schema *s, const char *name, sb *d)
{
	size_t i;

	for (i = 0; i < s->ntriggers;) {
		if (retort_name_eq(s->triggers[i].table, name) || text_mentions(s->triggers[i].sql, name)) {
			sb_addf(d, "; trigger '%s' dropped", s->triggers[i].name);
			trigger_release(&s->triggers[i]);
			REMOVE_AT(s->triggers, s->ntriggers, i);
		} else {
			i++;
		}
	}
	/* a view's text may name a later view (a CTE of the same name), so
	** the cascade may take views on either side: start again each time */
	for (i = 0; i < s->nviews;) {
		if (text_mentions(s->views[i].select, name)) {
			drop_view_at(s, i, d, 1);
			i = 0;
		} else {
			i++;
		}
	}
}

/* Drop the foreign keys whose parent is `table` (and, when `col` is not
** NULL, whose parent key names `col`). */
static void drop_fks_to(gen_schema *s, const char *table, const char *col, sb *d)
{
	size_t i, j;

	for (i = 0; i < s->ntables; i++) {
		gen_table *t = &s->tables[i];
		for (j = 0; j < t->nfks;) {
			gen_fk *fk = &t->fks[j];
			if (retort_name_eq(fk->table, table) && (!col || strs_has(&fk->ref_columns, col))) {
				sb_addf(d, "; table '%s': foreign key to '%s' dropped", t->name, fk->table);
				fk_release(fk);
				REMOVE_AT(t->fks, t->nfks, j);
			} else {
				j++;
			}
		}
		for (j = 0; j < t->ncols; j++) {
			gen_fk *fk = t->cols[j].fk;
			if (fk && retort_name_eq(fk->table, table) && (!col || strs_has(&fk->ref_columns, col))) {
				sb_addf(d, "; table '%s': column '%s': foreign key to '%s' dropped",
					t->name, t->cols[j].name, fk->table);
				fk_release(fk);
				free(fk);
				t->cols[j].fk = NULL;
			}
		}
	}
}

/* Forget the renames of `table` (col NULL: of the table and its columns). */
static void drop_renames(gen_schema *s, const char *table, const char *col)
{
	size_t i;

	for (i = 0; i < s->nrenames;) {
		gen_rename *rn = &s->renames[i];
		if (retort_name_eq(rn->table, table) && (!col || (rn->column && retort_name_eq(rn->column, col)))) {
			rename_release(rn);
			REMOVE_AT(s->renames, s->nrenames, i);
		} else {
			i++;
		}
	}
}

static int index_mentions(const gen_index *ix, const char *name)
{
	size_t i;

	for (i = 0; i < ix->terms.n; i++)
		if (text_mentions(ix->terms.v[i], name))
			return 1;
	return text_mentions(ix->where, name);
}

/* Everything in table `ti` and elsewhere that names its column `name`,
** except the column itself and generated columns (the caller drops those). */
static void drop_column_dependents(gen_schema *s, size_t ti, const char *name, sb *d)
{
	gen_table *t = &s->tables[ti];
	size_t j;

	for (j = 0; j < t->nuniques;) {
		if (strs_has(&t->uniques[j].columns, name)) {
			free(t->uniques[j].name);
			gen_strs_release(&t->uniques[j].columns);
			REMOVE_AT(t->uniques, t->nuniques, j);
			sb_addf(d, "; a UNIQUE of '%s' dropped", t->name);
		} else {
			j++;
		}
	}
	for (j = 0; j < t->nchecks;) {
		if (text_mentions(t->checks[j].expr, name)) {
			free(t->checks[j].name);
			free(t->checks[j].expr);
			REMOVE_AT(t->checks, t->nchecks, j);
			sb_addf(d, "; a CHECK of '%s' dropped", t->name);
		} else {
			j++;
		}
	}
	for (j = 0; j < t->ncols; j++) {
		gen_column *c = &t->cols[j];
		if (c->check && !retort_name_eq(c->name, name) && text_mentions(c->check, name)) {
			free(c->check);
			free(c->check_name);
			c->check = c->check_name = NULL;
			sb_addf(d, "; the CHECK of '%s'.'%s' dropped", t->name, c->name);
		}
	}
	for (j = 0; j < t->nfks;) {
		if (strs_has(&t->fks[j].columns, name)) {
			fk_release(&t->fks[j]);
			REMOVE_AT(t->fks, t->nfks, j);
			sb_addf(d, "; a foreign key of '%s' dropped", t->name);
		} else {
			j++;
		}
	}
	drop_fks_to(s, t->name, name, d);
	for (j = 0; j < s->nindexes;) {
		gen_index *ix = &s->indexes[j];
		if (retort_name_eq(ix->table, t->name) && index_mentions(ix, name)) {
			sb_addf(d, "; index '%s' dropped", ix->name);
			index_release(ix);
			REMOVE_AT(s->indexes, s->nindexes, j);
		} else {
			j++;
		}
	}
	drop_mentioning(s, name, d);
	drop_renames(s, t->name, name);
}

static size_t count_stored(const gen_table *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->ncols; i++)
		n += t->cols[i].generated == GEN_GENERATED_NONE;
	return n;
}

/* Drop column `ci` of table `ti`, with the generated columns computed from
** it and everything that names either. The caller checks that a stored
** column stays and that the column is not in the primary key. */
static void drop_column(gen_schema *s, size_t ti, size_t ci, sb *d)
{
	gen_table *t = &s->tables[ti];
	gen_strs gone = {0};
	size_t i, j;

	gen_strs_push(&gone, t->cols[ci].name);
	if (!t->cols[ci].generated)
		for (j = 0; j < t->ncols; j++)
			if (t->cols[j].generated && text_mentions(t->cols[j].gen_expr, t->cols[ci].name))
				gen_strs_push(&gone, t->cols[j].name);
	for (i = 0; i < gone.n; i++) {
		if (i)
			sb_addf(d, "; generated column '%s' dropped", gone.v[i]);
		drop_column_dependents(s, ti, gone.v[i], d);
		t = &s->tables[ti];
		for (j = 0; j < t->ncols; j++)
			if (retort_name_eq(t->cols[j].name, gone.v[i])) {
				column_release(&t->cols[j]);
				REMOVE_AT(t->cols, t->ncols, j);
				break;
			}
	}
	gen_strs_release(&gone);
}

static void drop_table(gen_schema *s, size_t ti, sb *d)
{
	char *name = retort_xstrdup(s->tables[ti].name);
	size_t j;

	table_release(&s->tables[ti]);
	REMOVE_AT(s->tables, s->ntables, ti);
	drop_fks_to(s, name, NULL, d);
	for (j = 0; j < s->nindexes;) {
		if (retort_name_eq(s->indexes[j].table, name)) {
			sb_addf(d, "; index '%s' dropped", s->indexes[j].name);
			index_release(&s->indexes[j]);
			REMOVE_AT(s->indexes, s->nindexes, j);
		} else {
			j++;
		}
	}
	drop_mentioning(s, name, d);
	drop_renames(s, name, NULL);
	free(name);
}

/* ---- shape mutations: keys ------------------------------------------ */

/* The key sets of the primary key and of every UNIQUE of `t`. */
static void table_keysets(const gen_table *t, gen_strs *keys)
{
	gen_strs pk = {0};
	size_t i;

	table_pk(t, &pk);
	if (pk.n)
		keyset_take(keys, (const char *const *)pk.v, pk.n);
	gen_strs_release(&pk);
	for (i = 0; i < t->ncols; i++)
		if (t->cols[i].unique) {
			const char *one[1];
			one[0] = t->cols[i].name;
			keyset_take(keys, one, 1);
		}
	for (i = 0; i < t->nuniques; i++)
		keyset_take(keys, (const char *const *)t->uniques[i].columns.v,
			t->uniques[i].columns.n);
}

/*
** Is a key of `t` with the columns `cols` the parent key of some foreign
** key? `is_pk` says that the key is the primary key, which a REFERENCES
** without columns names too.
*/
static int key_referenced(const gen_schema *s, const gen_table *t, const gen_strs *cols, int is_pk)
{
	char *want = keyset((const char *const *)cols->v, cols->n);
	size_t i, j;
	int found = 0;

	for (i = 0; i < s->ntables && !found; i++) {
		const gen_table *c = &s->tables[i];
		for (j = 0; j < c->nfks + c->ncols && !found; j++) {
			const gen_fk *fk = j < c->nfks ? &c->fks[j] : c->cols[j - c->nfks].fk;
			char *k;
			if (!fk || !retort_name_eq(fk->table, t->name))
				continue;
			if (!fk->ref_columns.n) {
				found = is_pk;
				continue;
			}
			k = keyset((const char *const *)fk->ref_columns.v, fk->ref_columns.n);
			found = strcmp(k, want) == 0;
			free(k);
		}
	}
	free(want);
	return found;
}

static gen_table *pick_table_if(gen_ctx *g, int (*ok)(const gen_schema *, const gen_table *))
{
	gen_table *cands[64];
	size_t i, n = 0;

	for (i = 0; i < g->s->ntables && n < NELEM(cands); i++)
		if (ok(g->s, &g->s->tables[i]))
			cands[n++] = &g->s->tables[i];
	return n ? cands[below(g, (uint32_t)n)] : NULL;
}

static int table_regular_ok(const gen_schema *s, const gen_table *t)
{
	(void)s;
	return is_regular(t);
}

/* Columns may be added to it: a "SELECT *" view would change too. */
static int table_grow_ok(const gen_schema *s, const gen_table *t)
{
	(void)s;
	return is_regular(t) && !t->star_selected;
}

static int table_pk_ok(const gen_schema *s, const gen_table *t)
{
	gen_strs pk = {0};
	size_t i;
	int ok = is_regular(t);

	for (i = 0; i < t->ncols && ok; i++)
		ok = !t->cols[i].autoincrement;
	table_pk(t, &pk);
	if (ok)
		ok = !key_referenced(s, t, &pk, 1);
	gen_strs_release(&pk);
	return ok;
}

/* Would a primary key of the single column `c` be the rowid's alias? */
static int would_alias(const gen_table *t, const gen_column *c)
{
	return !t->without_rowid && c->type && retort_name_eq(c->type, "INTEGER");
}

static void clear_pk(gen_table *t)
{
	size_t i;

	gen_strs_release(&t->pk);
	for (i = 0; i < t->ncols; i++)
		t->cols[i].pk = t->cols[i].in_key = 0;
}

static int mutate_change_pk(gen_ctx *g, sb *d)
{
	gen_table *t = pick_table_if(g, table_pk_ok);
	gen_strs old = {0}, keys = {0}, stored = {0}, pk = {0};
	char *oldk, *newk = NULL;
	size_t i, k;
	int tries, done = 0;

	if (!t)
		return 0;
	table_pk(t, &old);
	oldk = keyset((const char *const *)old.v, old.n);
	for (i = 0; i < t->ncols; i++)
		if (!t->cols[i].generated)
			gen_strs_push(&stored, t->cols[i].name);
	/* the keys there are (the primary key too): SQLite folds a duplicate */
	table_keysets(t, &keys);
	for (tries = 0; tries < 10 && !done; tries++) {
		k = t->without_rowid ? 1 + below(g, 3) : below(g, 4);
		if (k > stored.n)
			k = stored.n;
		gen_strs_release(&pk);
		while (pk.n < k) {
			const char *n = stored.v[below(g, (uint32_t)stored.n)];
			if (!strs_has(&pk, n))
				gen_strs_push(&pk, n);
		}
		free(newk);
		newk = keyset((const char *const *)pk.v, pk.n);
		if (strcmp(newk, oldk) == 0)
			continue;
		if (pk.n && strs_has(&keys, newk))
			continue;
		if (pk.n == 1) {
			gen_column *c = NULL;
			for (i = 0; i < t->ncols; i++)
				if (retort_name_eq(t->cols[i].name, pk.v[0]))
					c = &t->cols[i];
			if (would_alias(t, c))
				continue;
		}
		done = 1;
	}
	if (done) {
		sb_addf(d, "table '%s': primary key (", t->name);
		for (i = 0; i < old.n; i++)
			sb_addf(d, "%s%s", i ? ", " : "", old.v[i]);
		sb_add(d, ") -> (");
		for (i = 0; i < pk.n; i++)
			sb_addf(d, "%s%s", i ? ", " : "", pk.v[i]);
		sb_add(d, ")");
		clear_pk(t);
		if (!pk.n) {
			free(t->pk_name);
			t->pk_name = NULL;
		} else if (pk.n == 1 && chance(g, 50)) {
			for (i = 0; i < t->ncols; i++)
				if (retort_name_eq(t->cols[i].name, pk.v[0]))
					t->cols[i].pk = t->cols[i].in_key = 1;
		} else {
			for (i = 0; i < t->ncols; i++)
				if (strs_has(&pk, t->cols[i].name))
					t->cols[i].in_key = 1;
			strs_copy(&t->pk, &pk);
		}
	}
	gen_strs_release(&old);
	gen_strs_release(&keys);
	gen_strs_release(&stored);
	gen_strs_release(&pk);
	free(oldk);
	free(newk);
	return done;
}

static int mutate_add_unique(gen_ctx *g, sb *d)
{
	gen_table *t = pick_table_if(g, table_regular_ok);
	gen_strs keys = {0}, cols = {0};
	int tries, done = 0;
	size_t i, k;

	if (!t)
		return 0;
	table_keysets(t, &keys);
	for (tries = 0; tries < 10 && !done; tries++) {
		k = 1 + below(g, t->ncols < 3 ? (uint32_t)t->ncols : 3);
		gen_strs_release(&cols);
		while (cols.n < k) {
			const char *n = t->cols[below(g, (uint32_t)t->ncols)].name;
			if (!strs_has(&cols, n))
				gen_strs_push(&cols, n);
		}
		done = keyset_take(&keys, (const char *const *)cols.v, cols.n);
	}
	if (done) {
		gen_column *c = NULL;
		if (cols.n == 1 && chance(g, 40))
			for (i = 0; i < t->ncols; i++)
				if (retort_name_eq(t->cols[i].name, cols.v[0]) && !t->cols[i].pk)
					c = &t->cols[i];
		if (c) {
			c->unique = 1;
			c->unique_name = maybe_constraint_name(g, 30);
			sb_addf(d, "table '%s': column '%s': UNIQUE added", t->name, c->name);
		} else {
			gen_unique *u = PUSH(t->uniques, t->nuniques, t->capuniques);
			u->name = maybe_constraint_name(g, 40);
			strs_copy(&u->columns, &cols);
			sb_addf(d, "table '%s': UNIQUE (", t->name);
			for (i = 0; i < cols.n; i++)
				sb_addf(d, "%s%s", i ? ", " : "", cols.v[i]);
			sb_add(d, ") added");
		}
	}
	gen_strs_release(&keys);
	gen_strs_release(&cols);
	return done;
}

static int mutate_drop_unique(gen_ctx *g, sb *d)
{
	gen_schema *s = g->s;
	size_t i, j, n = 0, k;

	/* a UNIQUE that is some foreign key's parent key has to stay */
	for (k = 0; k < 2; k++) {
		size_t pick = k ? below(g, (uint32_t)n) : 0;
		for (i = 0; i < s->ntables; i++) {
			gen_table *t = &s->tables[i];
			for (j = 0; j < t->ncols; j++) {
				gen_strs one = {0};
				int ok;
				if (!t->cols[j].unique)
					continue;
				gen_strs_push(&one, t->cols[j].name);
				ok = !key_referenced(s, t, &one, 0);
				gen_strs_release(&one);
				if (!ok)
					continue;
				if (!k) {
					n++;
				} else if (pick-- == 0) {
					t->cols[j].unique = 0;
					free(t->cols[j].unique_name);
					t->cols[j].unique_name = NULL;
					sb_addf(d, "table '%s': column '%s': UNIQUE dropped", t->name,
						t->cols[j].name);
					return 1;
				}
			}
			for (j = 0; j < t->nuniques; j++) {
				if (key_referenced(s, t, &t->uniques[j].columns, 0))
					continue;
				if (!k) {
					n++;
				} else if (pick-- == 0) {
					gen_strs *cols = &t->uniques[j].columns;
					size_t x;
					sb_addf(d, "table '%s': UNIQUE (", t->name);
					for (x = 0; x < cols->n; x++)
						sb_addf(d, "%s%s", x ? ", " : "", cols->v[x]);
					sb_add(d, ") dropped");
					free(t->uniques[j].name);
					gen_strs_release(&t->uniques[j].columns);
					REMOVE_AT(t->uniques, t->nuniques, j);
					return 1;
				}
			}
		}
		if (!n)
			return 0;
	}
	return 0;
}

static int table_fk_child_ok(const gen_schema *s, const gen_table *t)
{
	(void)s;
	return is_regular(t) && fk_name_ok(t->name);
}

static int mutate_add_fk(gen_ctx *g, sb *d)
{
	gen_table *t = pick_table_if(g, table_fk_child_ok);
	gen_strs stored = {0}, ref = {0}, child = {0};
	gen_table *p;
	gen_fk *fk;
	size_t i, want;
	int implicit = 0, done = 0;
	char *tname;

	if (!t)
		return 0;
	tname = retort_xstrdup(t->name);
	for (i = 0; i < t->ncols; i++)
		if (!t->cols[i].generated)
			gen_strs_push(&stored, t->cols[i].name);
	want = 1 + below(g, stored.n < 3 ? (uint32_t)stored.n : 3);
	p = pick_parent(g, want, &ref, &implicit);
	if (!p && want > 1) {
		want = 1;
		p = pick_parent(g, want, &ref, &implicit);
	}
	if (!p)
		goto done;
	/* pick_parent may pick t itself; pointers into s->tables stay valid */
	if (want == 1 && !t->star_selected && chance(g, 40)) {
		/* on a new column, which existing rows leave NULL */
		gen_strs scope = {0};
		gen_column *c;
		column_names(t, &scope, 0);
		gen_strs_push(&scope, "rowid");
		gen_strs_push(&scope, "oid");
		gen_strs_push(&scope, "_rowid_");
		c = PUSH(t->cols, t->ncols, t->capcols);
		c->name = new_name(g, added_column_pool, NELEM(added_column_pool), &scope, 0);
		c->type = t->strict ? retort_xstrdup("ANY") : NULL;
		c->added = 1;
		gen_strs_release(&scope);
		fk = c->fk = xrealloc(NULL, sizeof(*c->fk));
		memset(fk, 0, sizeof(*fk));
		sb_addf(d, "table '%s': column '%s' added, referencing '%s'", tname, c->name,
			p->name);
	} else if (want == 1 && chance(g, 50)) {
		gen_column *c = NULL;
		size_t n = 0, k;
		for (i = 0; i < t->ncols; i++)
			n += !t->cols[i].generated && !t->cols[i].fk;
		if (!n)
			goto done;
		k = below(g, (uint32_t)n);
		for (i = 0; i < t->ncols && !c; i++)
			if (!t->cols[i].generated && !t->cols[i].fk && k-- == 0)
				c = &t->cols[i];
		fk = c->fk = xrealloc(NULL, sizeof(*c->fk));
		memset(fk, 0, sizeof(*fk));
		sb_addf(d, "table '%s': column '%s': REFERENCES '%s' added", tname, c->name,
			p->name);
	} else {
		while (child.n < want) {
			const char *n = stored.v[below(g, (uint32_t)stored.n)];
			if (!strs_has(&child, n))
				gen_strs_push(&child, n);
		}
		fk = PUSH(t->fks, t->nfks, t->capfks);
		fk->columns = child;
		memset(&child, 0, sizeof(child));
		sb_addf(d, "table '%s': FOREIGN KEY (", tname);
		for (i = 0; i < fk->columns.n; i++)
			sb_addf(d, "%s%s", i ? ", " : "", fk->columns.v[i]);
		sb_addf(d, ") REFERENCES '%s' added", p->name);
	}
	fk->name = maybe_constraint_name(g, 20);
	fk->table = retort_xstrdup(p->name);
	if (implicit && chance(g, 30))
		gen_strs_release(&ref);
	else
		fk->ref_columns = ref;
	memset(&ref, 0, sizeof(ref));
	fk_actions(g, fk);
	done = 1;
done:
	free(tname);
	gen_strs_release(&stored);
	gen_strs_release(&ref);
	gen_strs_release(&child);
	return done;
}

static int mutate_add_check(gen_ctx *g, sb *d)
{
	gen_table *t = pick_table_if(g, table_regular_ok);
	gen_strs cols = {0};
	gen_column *c = NULL;
	size_t i, n = 0, k;

	if (!t)
		return 0;
	for (i = 0; i < t->ncols; i++)
		n += t->cols[i].check == NULL;
	if (n && chance(g, 40)) {
		k = below(g, (uint32_t)n);
		for (i = 0; i < t->ncols && !c; i++)
			if (!t->cols[i].check && k-- == 0)
				c = &t->cols[i];
		gen_strs_push(&cols, c->name);
		c->check = bool_expr_str(g, &cols, NULL);
		c->check_name = maybe_constraint_name(g, 30);
		sb_addf(d, "table '%s': column '%s': CHECK (%s) added", t->name, c->name, c->check);
	} else {
		gen_check *ck;
		column_names(t, &cols, 0);
		ck = PUSH(t->checks, t->nchecks, t->capchecks);
		ck->name = maybe_constraint_name(g, 40);
		ck->expr = bool_expr_str(g, &cols, NULL);
		sb_addf(d, "table '%s': CHECK (%s) added", t->name, ck->expr);
	}
	gen_strs_release(&cols);
	return 1;
}

/* Equal but for the quoting of names ([x], `x`, "x" and x are one name). */
static int same_unquoted(const char *a, const char *b)
{
	for (;;) {
		while (*a && strchr("\"[]`", *a))
			a++;
		while (*b && strchr("\"[]`", *b))
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
			return 0;
		a++, b++;
	}
}

/* A generated column whose values may change without breaking anything. */
static int gen_change_ok(const gen_schema *s, const gen_table *t, const gen_column *c)
{
	size_t i;

	if (!c->generated || c->notnull || c->check || c->unique)
		return 0;
	if (t->strict && !(c->type && retort_name_eq(c->type, "ANY")))
		return 0;
	for (i = 0; i < t->nuniques; i++)
		if (strs_has(&t->uniques[i].columns, c->name))
			return 0;
	for (i = 0; i < t->nchecks; i++)
		if (text_mentions(t->checks[i].expr, c->name))
			return 0;
	for (i = 0; i < s->nindexes; i++)
		if (s->indexes[i].unique && retort_name_eq(s->indexes[i].table, t->name) &&
		    index_mentions(&s->indexes[i], c->name))
			return 0;
	return 1;
}

static int mutate_generated(gen_ctx *g, sb *d)
{
	gen_schema *s = g->s;
	gen_column *cands[64];
	gen_table *owners[64];
	size_t i, j, n = 0;

	/* a STRICT table checks the values of a stored column against its
	** type, and maybe not those of a virtual one: only ANY is safe there */
	for (i = 0; i < s->ntables; i++)
		for (j = 0; j < s->tables[i].ncols && n < NELEM(cands); j++) {
			gen_table *t = &s->tables[i];
			gen_column *c = &t->cols[j];
			if (is_regular(t) && c->generated &&
			    (!t->strict || (c->type && retort_name_eq(c->type, "ANY")))) {
				owners[n] = t;
				cands[n++] = c;
			}
		}
	if (n && chance(g, 50)) {
		size_t k = below(g, (uint32_t)n);
		gen_table *t = owners[k];
		gen_column *c = cands[k];
		if (chance(g, 40) || !gen_change_ok(s, t, c)) {
			/* same values, kept the other way */
			c->generated = c->generated == GEN_GENERATED_STORED ?
				GEN_GENERATED_VIRTUAL : GEN_GENERATED_STORED;
			sb_addf(d, "table '%s': generated column '%s' now %s", t->name, c->name,
				c->generated == GEN_GENERATED_STORED ? "STORED" : "VIRTUAL");
			return 1;
		}
		for (i = 0; i < 10; i++) {
			char *e = value_expr(g, t, (size_t)(c - t->cols));
			if (!same_unquoted(e, c->gen_expr)) {
				sb_addf(d, "table '%s': generated column '%s': AS (%s) -> AS (%s)",
					t->name, c->name, c->gen_expr, e);
				free(c->gen_expr);
				c->gen_expr = e;
				return 1;
			}
			free(e);
		}
		return 0;
	} else {
		gen_table *t = pick_table_if(g, table_grow_ok);
		gen_strs scope = {0};
		gen_column *c;
		if (!t)
			return 0;
		column_names(t, &scope, 0);
		gen_strs_push(&scope, "rowid");
		gen_strs_push(&scope, "oid");
		gen_strs_push(&scope, "_rowid_");
		c = PUSH(t->cols, t->ncols, t->capcols);
		c->name = new_name(g, added_column_pool, NELEM(added_column_pool), &scope, 0);
		c->added = 1;
		if (t->strict)
			c->type = retort_xstrdup("ANY");
		else if (chance(g, 50))
			c->type = retort_xstrdup(PICK(&g->r, types_loose));
		c->generated = chance(g, 50) ? GEN_GENERATED_STORED : GEN_GENERATED_VIRTUAL;
		c->short_generated = chance(g, 25);
		c->gen_expr = value_expr(g, t, t->ncols - 1);
		gen_strs_release(&scope);
		sb_addf(d, "table '%s': generated column '%s' AS (%s) %s added", t->name, c->name,
			c->gen_expr, c->generated == GEN_GENERATED_STORED ? "STORED" : "VIRTUAL");
		return 1;
	}
}

/*
** Remember that `table` (or its `column`, when not NULL), now so named, was
** `from` in the original. A second rename of the same object keeps the
** first record, whose `from` is the name the original schema has.
*/
static void record_rename(gen_schema *s, const char *table, const char *column,
	const char *from)
{
	gen_rename *rn;
	size_t i;

	for (i = 0; i < s->nrenames; i++)
		if (!s->renames[i].column == !column && retort_name_eq(s->renames[i].table, table) &&
		    (!column || retort_name_eq(s->renames[i].column, column)))
			return;
	rn = PUSH(s->renames, s->nrenames, s->caprenames);
	rn->table = retort_xstrdup(table);
	rn->column = column ? retort_xstrdup(column) : NULL;
	rn->from = retort_xstrdup(from);
}

static int mutate_rename_table(gen_ctx *g, sb *d)
{
	gen_schema *s = g->s;
	gen_table *cands[64], *t;
	size_t i, n = 0;
	char *old, *to;

	for (i = 0; i < s->ntables && n < NELEM(cands); i++)
		if (is_regular(&s->tables[i]) && name_uses(s, s->tables[i].name) == 1)
			cands[n++] = &s->tables[i];
	if (!n)
		return 0;
	t = cands[below(g, (uint32_t)n)];
	old = retort_xstrdup(t->name);
	to = fresh_variant(s, old);
	schema_rename(s, old, to);
	sb_addf(d, "table '%s' renamed to '%s'", old, to);
	if (!t->added)
		record_rename(s, to, NULL, old);
	free(old);
	free(to);
	return 1;
}

static int mutate_rename_column(gen_ctx *g, sb *d)
{
	gen_schema *s = g->s;
	gen_column *cands[64], *c;
	gen_table *owners[64], *t;
	size_t i, j, n = 0;
	char *old, *to;

	for (i = 0; i < s->ntables; i++)
		for (j = 0; j < s->tables[i].ncols && n < NELEM(cands); j++)
			if (is_regular(&s->tables[i]) &&
			    name_uses(s, s->tables[i].cols[j].name) == 1) {
				owners[n] = &s->tables[i];
				cands[n++] = &s->tables[i].cols[j];
			}
	if (!n)
		return 0;
	j = below(g, (uint32_t)n);
	t = owners[j];
	c = cands[j];
	old = retort_xstrdup(c->name);
	to = fresh_variant(s, old);
	schema_rename(s, old, to);
	sb_addf(d, "table '%s': column '%s' renamed to '%s'", t->name, old, to);
	if (!t->added && !c->added)
		record_rename(s, t->name, to, old);
	free(old);
	free(to);
	return 1;
}

static int mutate_drop_column(gen_ctx *g, sb *d)
{
	gen_schema *s = g->s;
	size_t ti[64], ci[64];
	size_t i, j, n = 0, k;

	for (i = 0; i < s->ntables; i++) {
		const gen_table *t = &s->tables[i];
		if (!is_regular(t) || t->star_selected)
			continue;
		for (j = 0; j < t->ncols && n < NELEM(ti); j++) {
			const gen_column *c = &t->cols[j];
			size_t lost = c->generated ? 0 : 1;
			if (c->in_key)
				continue;
			/* generated columns computed from it go too; one stored stays */
			if (count_stored(t) - lost < 1)
				continue;
			ti[n] = i;
			ci[n++] = j;
		}
	}
	if (!n)
		return 0;
	k = below(g, (uint32_t)n);
	sb_addf(d, "table '%s': column '%s' dropped", s->tables[ti[k]].name,
		s->tables[ti[k]].cols[ci[k]].name);
	drop_column(s, ti[k], ci[k], d);
	return 1;
}

static int mutate_drop_table(gen_ctx *g, sb *d)
{
	gen_schema *s = g->s;
	size_t i, regular = 0, k;

	for (i = 0; i < s->ntables; i++)
		regular += is_regular(&s->tables[i]);
	/* a regular table stays, for the other mutations to work on */
	if (s->ntables < 2)
		return 0;
	for (;;) {
		k = below(g, (uint32_t)s->ntables);
		if (!is_regular(&s->tables[k]) || regular > 1)
			break;
	}
	sb_addf(d, "table '%s' dropped", s->tables[k].name);
	drop_table(s, k, d);
	return 1;
}

static int mutate_add_table(gen_ctx *g, sb *d)
{
	gen_schema *s = g->s;
	gen_table t;
	size_t i;

	memset(&t, 0, sizeof(t));
	gen_regular_table(g, &t);
	free(t.name);
	t.name = new_name(g, added_table_pool, NELEM(added_table_pool), &g->objects, 0);
	t.added = 1;
	for (i = 0; i < t.ncols; i++)
		t.cols[i].added = 1;
	*PUSH(s->tables, s->ntables, s->captables) = t;
	gen_fks(g, s->ntables - 1);
	sb_addf(d, "table '%s' added", s->tables[s->ntables - 1].name);
	return 1;
}

static int has_regular(const gen_schema *s)
{
	size_t i;

	for (i = 0; i < s->ntables; i++)
		if (is_regular(&s->tables[i]))
			return 1;
	return 0;
}

static int mutate_add_index(gen_ctx *g, sb *d)
{
	gen_schema *s = g->s;
	gen_index *ix;
	gen_table *t;
	gen_strs all = {0};
	size_t i;
	int expr = 0;

	if (!has_regular(s))
		return 0;
	ix = PUSH(s->indexes, s->nindexes, s->capindexes);
	gen_index_one(g, ix);
	t = find_table(s, ix->table);
	column_names(t, &all, 0);
	/* make the rarer kinds common: partial, on expressions */
	for (i = 0; i < ix->terms.n; i++)
		expr |= strchr(ix->terms.v[i], '(') != NULL;
	if (!expr && chance(g, 40)) {
		sb b = {0};
		sb_add(&b, "lower(");
		ident(g, &b, all.v[below(g, (uint32_t)all.n)]);
		sb_add(&b, ")");
		if (!strs_has(&ix->terms, b.p))
			gen_strs_push(&ix->terms, b.p);
		free(b.p);
	}
	if (!ix->where && chance(g, 35))
		ix->where = bool_expr_str(g, &all, NULL);
	gen_strs_release(&all);
	sb_addf(d, "%sindex '%s' on '%s' added", ix->unique ? "unique " : "", ix->name, ix->table);
	if (ix->where)
		sb_addf(d, " WHERE %s", ix->where);
	return 1;
}

static int mutate_add_view(gen_ctx *g, sb *d)
{
	gen_schema *s = g->s;
	gen_view v;

	if (!s->ntables)
		return 0;
	/* gen_view_one reads the list, which must not hold the new one yet */
	memset(&v, 0, sizeof(v));
	gen_view_one(g, &v);
	*PUSH(s->views, s->nviews, s->capviews) = v;
	sb_addf(d, "view '%s' added: %s", v.name, v.select);
	return 1;
}

static int mutate_drop_view(gen_ctx *g, sb *d)
{
	gen_schema *s = g->s;
	size_t k;

	if (!s->nviews)
		return 0;
	k = below(g, (uint32_t)s->nviews);
	sb_addf(d, "view '%s' dropped", s->views[k].name);
	drop_view_at(s, k, d, 0);
	return 1;
}

static int mutate_add_trigger(gen_ctx *g, sb *d)
{
	gen_schema *s = g->s;
	gen_trigger tr;

	if (!has_regular(s))
		return 0;
	memset(&tr, 0, sizeof(tr));
	gen_trigger_one(g, &tr);
	*PUSH(s->triggers, s->ntriggers, s->captriggers) = tr;
	sb_addf(d, "trigger '%s' on '%s' added", tr.name, tr.table);
	return 1;
}

static int mutate(gen_ctx *g, gen_mutation m, sb *d)
{
	gen_schema *s = g->s;
	size_t i, j, n, k;

	switch (m) {
	case GEN_MUT_COLUMN_TYPE:
	case GEN_MUT_NOT_NULL:
	case GEN_MUT_DEFAULT:
	case GEN_MUT_COLLATE:
		return mutate_column(g, m, d);
	case GEN_MUT_ADD_COLUMN: {
		gen_table *t = NULL;
		gen_strs scope = {0};
		gen_column *c;
		/* a view of "SELECT *" would grow a column too, and one with a
		** column list (or a view built on it) would then be invalid */
		for (i = 0, k = below(g, (uint32_t)s->ntables); i < s->ntables && !t; i++) {
			gen_table *x = &s->tables[(k + i) % s->ntables];
			if (is_regular(x) && !x->star_selected)
				t = x;
		}
		if (!t)
			return 0;
		column_names(t, &scope, 0);
		gen_strs_push(&scope, "rowid");
		gen_strs_push(&scope, "oid");
		gen_strs_push(&scope, "_rowid_");
		c = PUSH(t->cols, t->ncols, t->capcols);
		c->name = new_name(g, added_column_pool, NELEM(added_column_pool), &scope, 0);
		c->type = retort_xstrdup("TEXT");
		c->added = 1;
		gen_strs_release(&scope);
		sb_addf(d, "table '%s': column '%s' added", t->name, c->name);
		return 1;
	}
	case GEN_MUT_DROP_INDEX:
		if (!s->nindexes)
			return 0;
		k = below(g, (uint32_t)s->nindexes);
		sb_addf(d, "index '%s' dropped", s->indexes[k].name);
		index_release(&s->indexes[k]);
		memmove(&s->indexes[k], &s->indexes[k + 1], (s->nindexes - k - 1) * sizeof(*s->indexes));
		s->nindexes--;
		return 1;
	case GEN_MUT_INDEX_UNIQUE:
		if (!s->nindexes)
			return 0;
		k = below(g, (uint32_t)s->nindexes);
		s->indexes[k].unique = !s->indexes[k].unique;
		sb_addf(d, "index '%s': unique %d", s->indexes[k].name, s->indexes[k].unique);
		return 1;
	case GEN_MUT_INDEX_WHERE: {
		gen_index *ix;
		if (!s->nindexes)
			return 0;
		ix = &s->indexes[below(g, (uint32_t)s->nindexes)];
		if (ix->where) {
			free(ix->where);
			ix->where = NULL;
			sb_addf(d, "index '%s': WHERE removed", ix->name);
		} else {
			gen_table *t = find_table(s, ix->table);
			sb b = {0};
			ident(g, &b, t->cols[below(g, (uint32_t)t->ncols)].name);
			sb_add(&b, " IS NOT NULL");
			ix->where = sb_take(&b);
			sb_addf(d, "index '%s': WHERE %s added", ix->name, ix->where);
		}
		return 1;
	}
	case GEN_MUT_DROP_CHECK:
		n = 0;
		for (i = 0; i < s->ntables; i++) {
			n += s->tables[i].nchecks;
			for (j = 0; j < s->tables[i].ncols; j++)
				n += s->tables[i].cols[j].check != NULL;
		}
		if (!n)
			return 0;
		k = below(g, (uint32_t)n);
		for (i = 0; i < s->ntables; i++) {
			gen_table *t = &s->tables[i];
			if (k < t->nchecks) {
				sb_addf(d, "table '%s': CHECK (%s) dropped", t->name, t->checks[k].expr);
				free(t->checks[k].name);
				free(t->checks[k].expr);
				memmove(&t->checks[k], &t->checks[k + 1],
					(t->nchecks - k - 1) * sizeof(*t->checks));
				t->nchecks--;
				return 1;
			}
			k -= t->nchecks;
			for (j = 0; j < t->ncols; j++) {
				gen_column *c = &t->cols[j];
				if (c->check && k-- == 0) {
					sb_addf(d, "table '%s': column '%s': CHECK (%s) dropped",
						t->name, c->name, c->check);
					free(c->check);
					free(c->check_name);
					c->check = c->check_name = NULL;
					return 1;
				}
			}
		}
		return 0;
	case GEN_MUT_FK_ACTION: {
		gen_fk *fks[64];
		const char *owner[64];
		gen_fk *fk;
		n = 0;
		for (i = 0; i < s->ntables; i++) {
			for (j = 0; j < s->tables[i].nfks && n < 64; j++, n++) {
				fks[n] = &s->tables[i].fks[j];
				owner[n] = s->tables[i].name;
			}
			for (j = 0; j < s->tables[i].ncols && n < 64; j++)
				if (s->tables[i].cols[j].fk) {
					fks[n] = s->tables[i].cols[j].fk;
					owner[n++] = s->tables[i].name;
				}
		}
		if (!n)
			return 0;
		k = below(g, (uint32_t)n);
		fk = fks[k];
		/* an omitted action is NO ACTION: switch to something else */
		sb_addf(d, "table '%s': foreign key to '%s': ON DELETE %s -> ", owner[k],
			fk->table, fk->on_delete ? fk->on_delete : "(none)");
		fk->on_delete = fk->on_delete && strcmp(fk->on_delete, "CASCADE") == 0 ?
			"SET NULL" : "CASCADE";
		sb_add(d, fk->on_delete);
		return 1;
	}
	case GEN_MUT_DROP_FK:
		n = 0;
		for (i = 0; i < s->ntables; i++) {
			n += s->tables[i].nfks;
			for (j = 0; j < s->tables[i].ncols; j++)
				n += s->tables[i].cols[j].fk != NULL;
		}
		if (!n)
			return 0;
		k = below(g, (uint32_t)n);
		for (i = 0; i < s->ntables; i++) {
			gen_table *t = &s->tables[i];
			if (k < t->nfks) {
				sb_addf(d, "table '%s': foreign key to '%s' dropped", t->name,
					t->fks[k].table);
				fk_release(&t->fks[k]);
				memmove(&t->fks[k], &t->fks[k + 1], (t->nfks - k - 1) * sizeof(*t->fks));
				t->nfks--;
				return 1;
			}
			k -= t->nfks;
			for (j = 0; j < t->ncols; j++) {
				gen_column *c = &t->cols[j];
				if (c->fk && k-- == 0) {
					sb_addf(d, "table '%s': column '%s': foreign key to '%s' dropped",
						t->name, c->name, c->fk->table);
					fk_release(c->fk);
					free(c->fk);
					c->fk = NULL;
					return 1;
				}
			}
		}
		return 0;
	case GEN_MUT_VIEW: {
		gen_view *v;
		sb b = {0};
		if (!s->nviews)
			return 0;
		v = &s->views[below(g, (uint32_t)s->nviews)];
		/* same result columns, different text */
		sb_add(&b, "SELECT * FROM (");
		sb_add(&b, v->select);
		sb_add(&b, "\n)");
		free(v->select);
		v->select = sb_take(&b);
		sb_addf(d, "view '%s': SELECT wrapped", v->name);
		return 1;
	}
	case GEN_MUT_DROP_TRIGGER:
		if (!s->ntriggers)
			return 0;
		k = below(g, (uint32_t)s->ntriggers);
		sb_addf(d, "trigger '%s' dropped", s->triggers[k].name);
		trigger_release(&s->triggers[k]);
		memmove(&s->triggers[k], &s->triggers[k + 1],
			(s->ntriggers - k - 1) * sizeof(*s->triggers));
		s->ntriggers--;
		return 1;
	case GEN_MUT_STRICT: {
		/* off always works; on needs a type STRICT knows on every column */
		gen_table *cands[64];
		n = 0;
		for (i = 0; i < s->ntables && n < 64; i++) {
			gen_table *t = &s->tables[i];
			int ok = is_regular(t);
			for (j = 0; j < t->ncols && ok && !t->strict; j++) {
				size_t x;
				ok = 0;
				for (x = 0; x < NELEM(types_strict) && t->cols[j].type; x++)
					ok |= retort_name_eq(t->cols[j].type, types_strict[x]);
			}
			if (ok)
				cands[n++] = t;
		}
		if (!n)
			return 0;
		k = below(g, (uint32_t)n);
		cands[k]->strict = !cands[k]->strict;
		/* keep generated values to their type, as gen_regular_table does */
		for (j = 0; j < cands[k]->ncols && cands[k]->strict; j++)
			if (cands[k]->cols[j].generated)
				recast(&cands[k]->cols[j], cands[k]->cols[j].type);
		sb_addf(d, "table '%s': STRICT %s", cands[k]->name,
			cands[k]->strict ? "added" : "removed");
		return 1;
	}
	case GEN_MUT_WITHOUT_ROWID: {
		/* off always works; on needs a primary key and no AUTOINCREMENT */
		gen_table *cands[64];
		n = 0;
		for (i = 0; i < s->ntables && n < 64; i++) {
			gen_table *t = &s->tables[i];
			gen_strs pk = {0};
			int autoinc = 0;
			if (!is_regular(t))
				continue;
			table_pk(t, &pk);
			for (j = 0; j < t->ncols; j++)
				autoinc |= t->cols[j].autoincrement;
			if (t->without_rowid || (pk.n && !autoinc))
				cands[n++] = t;
			gen_strs_release(&pk);
		}
		if (!n)
			return 0;
		k = below(g, (uint32_t)n);
		cands[k]->without_rowid = !cands[k]->without_rowid;
		sb_addf(d, "table '%s': WITHOUT ROWID %s", cands[k]->name,
			cands[k]->without_rowid ? "added" : "removed");
		return 1;
	}
	case GEN_MUT_RENAME_TABLE:
		return mutate_rename_table(g, d);
	case GEN_MUT_RENAME_COLUMN:
		return mutate_rename_column(g, d);
	case GEN_MUT_DROP_COLUMN:
		return mutate_drop_column(g, d);
	case GEN_MUT_DROP_TABLE:
		return mutate_drop_table(g, d);
	case GEN_MUT_ADD_TABLE:
		return mutate_add_table(g, d);
	case GEN_MUT_ADD_INDEX:
		return mutate_add_index(g, d);
	case GEN_MUT_ADD_VIEW:
		return mutate_add_view(g, d);
	case GEN_MUT_DROP_VIEW:
		return mutate_drop_view(g, d);
	case GEN_MUT_ADD_TRIGGER:
		return mutate_add_trigger(g, d);
	case GEN_MUT_ADD_CHECK:
		return mutate_add_check(g, d);
	case GEN_MUT_ADD_UNIQUE:
		return mutate_add_unique(g, d);
	case GEN_MUT_DROP_UNIQUE:
		return mutate_drop_unique(g, d);
	case GEN_MUT_ADD_FK:
		return mutate_add_fk(g, d);
	case GEN_MUT_CHANGE_PK:
		return mutate_change_pk(g, d);
	case GEN_MUT_GENERATED:
		return mutate_generated(g, d);
	default:
		return 0;
	}
}

int gen_schema_mutate(gen_schema *s, gen_mutation m, uint64_t seed, char **what)
{
	gen_ctx g;
	sb d = {0};
	int done;

	ctx_init(&g, s, seed, NULL);
	g.opt.quoting = 0;
	ctx_take_names(&g);
	done = mutate(&g, m, &d);
	gen_strs_release(&g.objects);
	if (what)
		*what = done ? sb_take(&d) : NULL;
	free(d.p);
	return done;
}

void gen_print_mutations(const unsigned long applied[GEN_MUT_COUNT])
{
	int m;

	printf("mutations applied:");
	for (m = 0; m < GEN_MUT_COUNT; m++)
		printf("%s %s %lu", m ? "," : "", gen_mutation_name((gen_mutation)m), applied[m]);
	printf("\n");
}

void gen_print_failed(const char *what, unsigned long count, const unsigned long *seeds,
	unsigned long listed)
{
	unsigned long j;

	if (!count)
		return;
	printf("failed: %s: %lu (seeds", what, count);
	for (j = 0; j < count && j < listed; j++)
		printf(" %lu", seeds[j]);
	printf("%s)\n", count > listed ? " ..." : "");
}
