/*
** rewrite.c: equivalent rewrites of generated schemas, and the one hidden
** meaningful change of the opposite test (rewrite.h).
**
** Pieces of SQL are cut into tokens with libretort's tokenizer (sqltok.h),
** each token keeping the text before it (its gap: spaces and comments).
** Expressions become small trees: a node is a run of tokens and child
** nodes, with the precedence of SQLite's grammar (parse.y), so that a
** child may be put in parentheses anywhere, and a parenthesized child of
** the original written without them exactly when its precedence holds it
** together in that slot anyway.
*/
#include "rewrite.h"

#include "buf.h"
#include "sqltok.h"

#include <sqlite3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[RW_COUNT] = {
	"quote", "new-x", "name-case", "case", "space", "comment", "eq", "ne", "paren-whole",
	"paren-operand", "paren-sub", "paren-drop", "for-each-row", "num-int",
	"num-real", "place-check", "place-unique", "place-pk", "place-fk", "layout",
};

const char *rw_kind_name(rw_kind k)
{
	return (unsigned)k < RW_COUNT ? kind_names[k] : "?";
}

unsigned rw_kind_parse(const char *list)
{
	unsigned mask = 0;
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ","), k;
		for (k = 0; k < RW_COUNT; k++)
			if (strlen(kind_names[k]) == n && strncmp(p, kind_names[k], n) == 0)
				break;
		if (k == RW_COUNT) {
			fprintf(stderr, "unknown rewrite kind '%.*s'\n", (int)n, p);
			return 0;
		}
		mask |= 1u << k;
		p += n + (p[n] == ',');
	}
	return mask;
}

void rw_kinds_text(unsigned mask, char *out, size_t n)
{
	size_t k, len = 0;

	if (n)
		out[0] = '\0';
	for (k = 0; k < RW_COUNT; k++)
		if (mask & (1u << k)) {
			int w = snprintf(out + len, n - len, "%s%s", len ? "," : "", kind_names[k]);
			if (w < 0 || (size_t)w >= n - len)
				return;
			len += (size_t)w;
		}
}

static void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		abort();
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

/* The buffer's text (malloc'd); an allocation failure aborts. */
static char *detach(retort_buf *b)
{
	char *s = retort_buf_detach(b);

	if (!s)
		abort();
	return s;
}

static char *retort_xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	return p;
}

static int word_is(const sqltok *t, const char *w)
{
	return t->type == TK_WORD && strlen(w) == t->n && sqlite3_strnicmp(t->z, w, (int)t->n) == 0;
}

static int op_is(const sqltok *t, const char *o)
{
	return t->type == TK_OP && strlen(o) == t->n && memcmp(t->z, o, t->n) == 0;
}

/* Is the bare word one of gen_schema's keywords (and TRUE, ROWID, ...)? */
static int tok_is_keyword(const sqltok *t)
{
	char w[64];

	if (t->type != TK_WORD || t->n >= sizeof(w))
		return 0;
	memcpy(w, t->z, t->n);
	w[t->n] = '\0';
	return gen_is_keyword(w);
}

/* ---- constraint placement ------------------------------------------- */

#define GROW(arr, n, cap) do { \
	if ((n) == (cap)) { \
		(cap) = (cap) ? 2 * (cap) : 4; \
		(arr) = xrealloc((arr), (cap) * sizeof(*(arr))); \
	} \
	memset(&(arr)[(n)], 0, sizeof(*(arr))); \
} while (0)

/* A stored column of `t` that `ok` accepts, chosen with `r`, or NULL. */
static gen_column *pick_col(gen_table *t, gen_rng *r, int (*ok)(const gen_column *))
{
	size_t i, n = 0, k;

	for (i = 0; i < t->ncols; i++)
		n += ok(&t->cols[i]);
	if (!n)
		return NULL;
	k = gen_rng_below(r, (uint32_t)n);
	for (i = 0; i < t->ncols; i++)
		if (ok(&t->cols[i]) && k-- == 0)
			return &t->cols[i];
	return NULL;
}

static int no_check(const gen_column *c)
{
	return !c->check && c->generated == GEN_GENERATED_NONE;
}

static gen_column *col_named(gen_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (sqlite3_stricmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}

static void place_checks(gen_table *t, gen_rng *r, unsigned *applied)
{
	size_t i, kept = 0, orig_cols = t->ncols;
	char *marked = xmalloc(t->ncols);

	/* table-level to a column first; what came to a column stays there */
	for (i = 0; i < t->nchecks; i++) {
		gen_column *c = gen_rng_chance(r, 50) ? pick_col(t, r, no_check) : NULL;
		if (c) {
			c->check = t->checks[i].expr;
			c->check_name = t->checks[i].name;
			marked[c - t->cols] = 1;
			*applied |= 1u << RW_PLACE_CHECK;
			continue;
		}
		t->checks[kept++] = t->checks[i];
	}
	t->nchecks = kept;
	for (i = 0; i < orig_cols; i++) {
		gen_column *c = &t->cols[i];
		if (!c->check || marked[i] || !gen_rng_chance(r, 50))
			continue;
		GROW(t->checks, t->nchecks, t->capchecks);
		t->checks[t->nchecks].expr = c->check;
		t->checks[t->nchecks++].name = c->check_name;
		c->check = c->check_name = NULL;
		*applied |= 1u << RW_PLACE_CHECK;
	}
	free(marked);
}

static void place_uniques(gen_table *t, gen_rng *r, unsigned *applied)
{
	size_t i, orig_cols = t->ncols, kept = 0;
	char *marked = xmalloc(t->ncols);

	for (i = 0; i < t->nuniques; i++) {
		gen_unique *u = &t->uniques[i];
		gen_column *c = u->columns.n == 1 ? col_named(t, u->columns.v[0]) : NULL;
		if (c && !c->unique && !c->pk && gen_rng_chance(r, 50)) {
			c->unique = 1;
			c->unique_name = u->name;
			marked[c - t->cols] = 1;
			gen_strs_release(&u->columns);
			*applied |= 1u << RW_PLACE_UNIQUE;
			continue;
		}
		t->uniques[kept++] = *u;
	}
	t->nuniques = kept;
	for (i = 0; i < orig_cols; i++) {
		gen_column *c = &t->cols[i];
		gen_unique *u;
		if (!c->unique || marked[i] || !gen_rng_chance(r, 50))
			continue;
		GROW(t->uniques, t->nuniques, t->capuniques);
		u = &t->uniques[t->nuniques++];
		u->name = c->unique_name;
		gen_strs_push(&u->columns, c->name);
		c->unique = 0;
		c->unique_name = NULL;
		*applied |= 1u << RW_PLACE_UNIQUE;
	}
	free(marked);
}

static void place_pk(gen_table *t, gen_rng *r, unsigned *applied)
{
	size_t i;

	if (!gen_rng_chance(r, 50))
		return;
	if (t->pk.n == 1) {
		gen_column *c = col_named(t, t->pk.v[0]);
		if (!c)
			return;
		c->pk = 1;
		gen_strs_release(&t->pk);
		*applied |= 1u << RW_PLACE_PK;
		return;
	}
	for (i = 0; i < t->ncols; i++) {
		gen_column *c = &t->cols[i];
		/* AUTOINCREMENT stays on the column: PRIMARY KEY(x AUTOINCREMENT)
		** is a construct of its own (issue 14 item 2) */
		if (c->pk && !c->autoincrement) {
			c->pk = 0;
			gen_strs_push(&t->pk, c->name);
			*applied |= 1u << RW_PLACE_PK;
			return;
		}
	}
}

static void place_fks(gen_table *t, gen_rng *r, unsigned *applied)
{
	size_t i, kept = 0, orig_cols = t->ncols;
	char *marked = xmalloc(t->ncols);

	for (i = 0; i < t->nfks; i++) {
		gen_fk *fk = &t->fks[i];
		gen_column *c = fk->columns.n == 1 ? col_named(t, fk->columns.v[0]) : NULL;
		if (c && !c->fk && gen_rng_chance(r, 50)) {
			c->fk = xmalloc(sizeof(*c->fk));
			*c->fk = *fk;
			gen_strs_release(&c->fk->columns);
			marked[c - t->cols] = 1;
			*applied |= 1u << RW_PLACE_FK;
			continue;
		}
		t->fks[kept++] = *fk;
	}
	t->nfks = kept;
	for (i = 0; i < orig_cols; i++) {
		gen_column *c = &t->cols[i];
		gen_fk *fk;
		if (!c->fk || marked[i] || !gen_rng_chance(r, 50))
			continue;
		GROW(t->fks, t->nfks, t->capfks);
		fk = &t->fks[t->nfks++];
		*fk = *c->fk;
		memset(&fk->columns, 0, sizeof(fk->columns));
		gen_strs_push(&fk->columns, c->name);
		free(c->fk);
		c->fk = NULL;
		*applied |= 1u << RW_PLACE_FK;
	}
	free(marked);
}

void rw_place(gen_schema *s, uint64_t seed, unsigned on, unsigned *applied)
{
	gen_rng r;
	size_t i;

	gen_rng_seed(&r, seed ^ 0xA0761D6478BD642FULL);
	for (i = 0; i < s->ntables; i++) {
		gen_table *t = &s->tables[i];
		if (t->virtual_using)
			continue;
		if (on & (1u << RW_PLACE_CHECK))
			place_checks(t, &r, applied);
		if (on & (1u << RW_PLACE_UNIQUE))
			place_uniques(t, &r, applied);
		if (on & (1u << RW_PLACE_PK))
			place_pk(t, &r, applied);
		if (on & (1u << RW_PLACE_FK))
			place_fks(t, &r, applied);
	}
}

/* ---- tokens and expression trees ------------------------------------ */

/* Token flags. */
#define F_VERBATIM 1u /* a type or collation name: written as it is */
#define F_FUNC 2u     /* a function's name */
#define F_NUM 4u      /* a numeric literal operand: may be spelled otherwise */
#define F_KW 8u       /* a keyword of the statement around the pieces */
#define F_REF 16u     /* a name in a column reference of an expression */

typedef struct tk {
	sqltok t;
	const char *gap;  /* the spaces and comments before the token */
	size_t ngap;
	unsigned flags;
} tk;

/* Precedence levels of SQLite's grammar, loosest first. */
enum {
	P_ANY = 0, P_OR, P_AND, P_NOT, P_EQ, P_CMP, P_BIT, P_ADD, P_MUL, P_CAT,
	P_COLLATE, P_UNARY, P_PRIMARY
};

enum nkind {
	K_OP,      /* operators and their operands */
	K_NAME,    /* a column reference, maybe qualified */
	K_LIT,     /* a literal */
	K_CALL,    /* a function call, CASE, CAST, RAISE */
	K_GROUP,   /* ( kid ) of the original */
	K_OPAQUE   /* a subquery: tokens only */
};

typedef struct node node;

typedef struct part {
	long tok;     /* a token index, or -1 */
	node *kid;    /* or a child expression */
	int slot;     /* the precedence the child must have to go without parentheses */
} part;

struct node {
	enum nkind kind;
	int prec;
	long op, nop;    /* K_OP: its operator's tokens (first index, count), or nop 0 */
	int binary;      /* K_OP: a binary operator with a left and a right operand */
	int scope;       /* which statement of a trigger it is in (name swaps) */
	part *v;
	size_t n, cap;
	node *all;       /* every node of a parse, for freeing */
};

typedef struct parse {
	tk *t;
	size_t n, i;
	node *all;
	int fail;
	int scope;
} parse;

static node *new_node(parse *p, enum nkind kind, int prec)
{
	node *n = xmalloc(sizeof(*n));

	n->kind = kind;
	n->prec = prec;
	n->scope = p->scope;
	n->all = p->all;
	p->all = n;
	return n;
}

static void add_tok(node *n, size_t i)
{
	GROW(n->v, n->n, n->cap);
	n->v[n->n++].tok = (long)i;
}

static void add_kid(node *n, node *kid, int slot)
{
	GROW(n->v, n->n, n->cap);
	n->v[n->n].tok = -1;
	n->v[n->n].kid = kid;
	n->v[n->n++].slot = slot;
}

static void free_nodes(parse *p)
{
	while (p->all) {
		node *n = p->all;
		p->all = n->all;
		free(n->v);
		free(n);
	}
}

static const sqltok *at(parse *p, size_t off)
{
	static const sqltok eof = {TK_EOF, "", 0};

	return p->i + off < p->n ? &p->t[p->i + off].t : &eof;
}

/* Take the current token into `n` (it must be there). */
static void take(parse *p, node *n)
{
	if (p->i >= p->n) {
		p->fail = 1;
		return;
	}
	add_tok(n, p->i++);
}

static void expect(parse *p, node *n, sqltok_type type)
{
	if (at(p, 0)->type != type)
		p->fail = 1;
	else
		take(p, n);
}

/* Tokens up to and with the ")" that closes the group open before them. */
static void take_to_close(parse *p, node *n, unsigned flags)
{
	int depth = 1;

	while (!p->fail && p->i < p->n) {
		sqltok_type ty = at(p, 0)->type;
		if (ty == TK_LP)
			depth++;
		else if (ty == TK_RP && --depth == 0)
			break;
		p->t[p->i].flags |= flags;
		take(p, n);
	}
	expect(p, n, TK_RP);
}

static node *expr(parse *p, int minprec);

static int starts_select(const sqltok *t)
{
	return word_is(t, "SELECT") || word_is(t, "WITH") || word_is(t, "VALUES");
}

/* A name, maybe qualified: x, t.x, NEW."x". */
static node *name_atom(parse *p)
{
	node *n = new_node(p, K_NAME, P_PRIMARY);

	p->t[p->i].flags |= F_REF;
	take(p, n);
	while (op_is(at(p, 0), ".") && (at(p, 1)->type == TK_WORD || at(p, 1)->type == TK_QUOTED)) {
		take(p, n);
		p->t[p->i].flags |= F_REF;
		take(p, n);
	}
	return n;
}

static node *primary(parse *p)
{
	const sqltok *t = at(p, 0);
	node *n;

	if (t->type == TK_LP) {
		if (starts_select(at(p, 1))) {
			n = new_node(p, K_OPAQUE, P_PRIMARY);
			take(p, n);
			take_to_close(p, n, 0);
			return n;
		}
		n = new_node(p, K_GROUP, P_PRIMARY);
		take(p, n);
		add_kid(n, expr(p, P_ANY), P_ANY);
		expect(p, n, TK_RP);
		return n;
	}
	if (t->type == TK_NUMBER || t->type == TK_STRING || t->type == TK_BLOB) {
		n = new_node(p, K_LIT, P_PRIMARY);
		if (t->type == TK_NUMBER)
			p->t[p->i].flags |= F_NUM;
		take(p, n);
		return n;
	}
	if (t->type == TK_WORD && (word_is(t, "NULL") || word_is(t, "TRUE") ||
	    word_is(t, "FALSE") || word_is(t, "CURRENT_TIME") || word_is(t, "CURRENT_DATE") ||
	    word_is(t, "CURRENT_TIMESTAMP"))) {
		n = new_node(p, K_LIT, P_PRIMARY);
		take(p, n);
		return n;
	}
	if (word_is(t, "CASE")) {
		n = new_node(p, K_CALL, P_PRIMARY);
		take(p, n);
		if (!word_is(at(p, 0), "WHEN"))
			add_kid(n, expr(p, P_ANY), P_ANY);
		while (!p->fail && word_is(at(p, 0), "WHEN")) {
			take(p, n);
			add_kid(n, expr(p, P_ANY), P_ANY);
			if (!word_is(at(p, 0), "THEN")) {
				p->fail = 1;
				break;
			}
			take(p, n);
			add_kid(n, expr(p, P_ANY), P_ANY);
		}
		if (word_is(at(p, 0), "ELSE")) {
			take(p, n);
			add_kid(n, expr(p, P_ANY), P_ANY);
		}
		if (!word_is(at(p, 0), "END"))
			p->fail = 1;
		take(p, n);
		return n;
	}
	if (word_is(t, "CAST") && at(p, 1)->type == TK_LP) {
		n = new_node(p, K_CALL, P_PRIMARY);
		take(p, n);
		take(p, n);
		add_kid(n, expr(p, P_ANY), P_ANY);
		if (!word_is(at(p, 0), "AS"))
			p->fail = 1;
		take(p, n);
		take_to_close(p, n, F_VERBATIM);
		return n;
	}
	if (word_is(t, "RAISE") && at(p, 1)->type == TK_LP) {
		n = new_node(p, K_CALL, P_PRIMARY);
		take(p, n);
		take(p, n);
		take_to_close(p, n, 0);
		return n;
	}
	if ((t->type == TK_WORD || t->type == TK_QUOTED) && at(p, 1)->type == TK_LP) {
		n = new_node(p, K_CALL, P_PRIMARY);
		p->t[p->i].flags |= F_FUNC;
		take(p, n);
		take(p, n);
		if (op_is(at(p, 0), "*")) {
			take(p, n);
		} else if (at(p, 0)->type != TK_RP) {
			if (word_is(at(p, 0), "DISTINCT"))
				take(p, n);
			add_kid(n, expr(p, P_ANY), P_ANY);
			while (!p->fail && at(p, 0)->type == TK_COMMA) {
				take(p, n);
				add_kid(n, expr(p, P_ANY), P_ANY);
			}
		}
		expect(p, n, TK_RP);
		return n;
	}
	if ((t->type == TK_WORD && !tok_is_keyword(t)) || t->type == TK_QUOTED)
		return name_atom(p);
	p->fail = 1;
	return new_node(p, K_LIT, P_PRIMARY);
}

static node *unary(parse *p)
{
	const sqltok *t = at(p, 0);
	node *n;

	if (word_is(t, "NOT") && !word_is(at(p, 1), "EXISTS")) {
		n = new_node(p, K_OP, P_NOT);
		n->op = (long)p->i;
		n->nop = 1;
		take(p, n);
		add_kid(n, expr(p, P_NOT), P_NOT);
		return n;
	}
	if (op_is(t, "-") || op_is(t, "+") || op_is(t, "~")) {
		n = new_node(p, K_OP, P_UNARY);
		take(p, n);
		add_kid(n, expr(p, P_UNARY), P_UNARY);
		return n;
	}
	return primary(p);
}

/* The binary or postfix operator at the cursor: its precedence, or -1. */
static int operator_prec(parse *p)
{
	static const char *const eq[] = {"=", "==", "!=", "<>"};
	static const char *const cmp[] = {"<", "<=", ">", ">="};
	static const char *const bit[] = {"&", "|", "<<", ">>"};
	static const char *const add[] = {"+", "-"};
	static const char *const mul[] = {"*", "/", "%"};
	static const char *const cat[] = {"||", "->", "->>"};
	static const struct {
		const char *const *ops;
		size_t n;
		int prec;
	} table[] = {
		{eq, 4, P_EQ}, {cmp, 4, P_CMP}, {bit, 4, P_BIT}, {add, 2, P_ADD},
		{mul, 3, P_MUL}, {cat, 3, P_CAT},
	};
	const sqltok *t = at(p, 0);
	size_t i, j;

	if (t->type == TK_OP) {
		for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
			for (j = 0; j < table[i].n; j++)
				if (op_is(t, table[i].ops[j]))
					return table[i].prec;
		return -1;
	}
	if (word_is(t, "OR"))
		return P_OR;
	if (word_is(t, "AND"))
		return P_AND;
	if (word_is(t, "COLLATE"))
		return P_COLLATE;
	if (word_is(t, "NOT")) {
		const sqltok *u = at(p, 1);
		return word_is(u, "IN") || word_is(u, "LIKE") || word_is(u, "GLOB") ||
			word_is(u, "BETWEEN") || word_is(u, "MATCH") || word_is(u, "REGEXP") ||
			word_is(u, "NULL") ? P_EQ : -1;
	}
	if (word_is(t, "IS") || word_is(t, "IN") || word_is(t, "LIKE") || word_is(t, "GLOB") ||
	    word_is(t, "BETWEEN") || word_is(t, "MATCH") || word_is(t, "REGEXP") ||
	    word_is(t, "ISNULL") || word_is(t, "NOTNULL"))
		return P_EQ;
	return -1;
}

static node *expr(parse *p, int minprec)
{
	node *left = unary(p);

	while (!p->fail) {
		int prec = operator_prec(p), is_form;
		node *n;
		if (prec < 0 || prec < minprec)
			break;
		n = new_node(p, K_OP, prec);
		add_kid(n, left, prec);
		n->op = (long)p->i;
		if (prec == P_COLLATE) {
			take(p, n);
			p->t[p->i].flags |= F_VERBATIM;
			take(p, n);
			n->nop = 2;
			left = n;
			continue;
		}
		is_form = 0;
		if (word_is(at(p, 0), "NOT")) { /* NOT IN, NOT LIKE, NOT NULL, ... */
			take(p, n);
		} else if (word_is(at(p, 0), "IS")) { /* binary: NULL is its right operand */
			take(p, n);
			is_form = 1;
			if (word_is(at(p, 0), "NOT"))
				take(p, n);
		}
		if (!is_form && (word_is(at(p, 0), "NULL") || word_is(at(p, 0), "ISNULL") ||
		    word_is(at(p, 0), "NOTNULL"))) {
			take(p, n);
			n->nop = (long)p->i - n->op;
			left = n;
			continue;
		}
		if (word_is(at(p, 0), "IN")) {
			take(p, n);
			n->nop = (long)p->i - n->op;
			expect(p, n, TK_LP);
			if (starts_select(at(p, 0))) {
				take_to_close(p, n, 0);
			} else if (at(p, 0)->type == TK_RP) {
				take(p, n);
			} else {
				add_kid(n, expr(p, P_ANY), P_ANY);
				while (!p->fail && at(p, 0)->type == TK_COMMA) {
					take(p, n);
					add_kid(n, expr(p, P_ANY), P_ANY);
				}
				expect(p, n, TK_RP);
			}
			left = n;
			continue;
		}
		if (word_is(at(p, 0), "BETWEEN")) {
			take(p, n);
			n->nop = (long)p->i - n->op;
			add_kid(n, expr(p, P_CMP), P_CMP);
			if (!word_is(at(p, 0), "AND"))
				p->fail = 1;
			take(p, n);
			add_kid(n, expr(p, P_CMP), P_CMP);
			left = n;
			continue;
		}
		/* the operator itself, unless IS [NOT] took it: =, AND, [NOT] LIKE, ... */
		if (!is_form)
			take(p, n);
		n->nop = (long)p->i - n->op;
		n->binary = 1;
		add_kid(n, expr(p, prec + 1), prec + 1);
		left = n;
	}
	return left;
}

/* Cut `z` into tokens, each with the gap before it; `*trail` is the gap
** after the last. */
static void tokenize(const char *z, tk **out, size_t *n, const char **trail, size_t *ntrail)
{
	size_t cap = 0;
	const char *gap = z;

	*out = NULL;
	*n = 0;
	for (;;) {
		sqltok t = retort_sqltok_at(z);
		if (t.type == TK_EOF)
			break;
		if (t.type == TK_ILLEGAL)
			t.type = TK_OP;
		if (t.type != TK_SPACE && t.type != TK_COMMENT) {
			GROW(*out, *n, cap);
			(*out)[*n].t = t;
			(*out)[*n].gap = gap;
			(*out)[*n].ngap = (size_t)(t.z - gap);
			(*n)++;
			gap = t.z + t.n;
		}
		z = t.z + t.n;
	}
	*trail = gap;
	*ntrail = (size_t)(z - gap);
}

/* Functions the generator calls where no expression is parsed (a view's
** result columns): their names change case only. */
static int known_function(const sqltok *t)
{
	static const char *const names[] = {
		"count", "lower", "upper", "length", "abs", "typeof", "coalesce", "substr",
		"datetime",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (word_is(t, names[i]))
			return 1;
	return 0;
}

/* A token outside expressions; a function name is flagged. */
static void take_plain(parse *p, node *seq)
{
	if (at(p, 0)->type == TK_WORD && at(p, 1)->type == TK_LP && known_function(at(p, 0)))
		p->t[p->i].flags |= F_FUNC;
	take(p, seq);
}

/* FOR EACH ROW of a trigger: where it is, or where it may go. */
typedef struct trig_info {
	long for_at;     /* the FOR of FOR EACH ROW, or -1 */
	long insert_at;  /* the WHEN or BEGIN it would go before */
} trig_info;

/*
** A piece as a sequence: its tokens outside expressions, and each
** expression as a child. Returns NULL when it does not parse.
*/
static node *parse_piece(parse *p, char kind, trig_info *ti)
{
	node *seq = new_node(p, K_OPAQUE, P_PRIMARY);

	ti->for_at = ti->insert_at = -1;
	switch (kind) {
	case GEN_PIECE_CHECK:
	case GEN_PIECE_GENERATED:
	case GEN_PIECE_WHERE:
	case GEN_PIECE_DEFAULT:
		add_kid(seq, expr(p, P_ANY), P_ANY);
		break;
	case GEN_PIECE_INDEX_TERM:
		add_kid(seq, expr(p, P_ANY), P_ANY);
		while (!p->fail && p->i < p->n)
			take(p, seq);
		break;
	case GEN_PIECE_VIEW:
		while (!p->fail && p->i < p->n) {
			const sqltok *t = at(p, 0);
			int starts = word_is(t, "WHERE") || word_is(t, "HAVING") || word_is(t, "ON");
			take_plain(p, seq);
			if (starts)
				add_kid(seq, expr(p, P_ANY), P_ANY);
		}
		break;
	case GEN_PIECE_TRIGGER: {
		int body = 0;
		while (!p->fail && p->i < p->n) {
			const sqltok *t = at(p, 0);
			if (!body && word_is(t, "FOR") && word_is(at(p, 1), "EACH") &&
			    word_is(at(p, 2), "ROW"))
				ti->for_at = (long)p->i;
			if (!body && (word_is(t, "WHEN") || word_is(t, "BEGIN")) && ti->insert_at < 0)
				ti->insert_at = (long)p->i;
			if (!body && word_is(t, "WHEN")) {
				take(p, seq);
				p->scope = -1; /* NEW and OLD only: no name of the body goes here */
				add_kid(seq, expr(p, P_ANY), P_ANY);
				p->scope = 0;
				continue;
			}
			if (word_is(t, "BEGIN"))
				body = 1;
			if (body && t->type == TK_SEMI)
				p->scope++;
			if (body && (word_is(t, "WHERE") || (word_is(t, "VALUES") && at(p, 1)->type == TK_LP))) {
				int values = word_is(t, "VALUES");
				take(p, seq);
				if (values)
					take(p, seq);
				add_kid(seq, expr(p, P_ANY), P_ANY);
				while (values && !p->fail && at(p, 0)->type == TK_COMMA) {
					take(p, seq);
					add_kid(seq, expr(p, P_ANY), P_ANY);
				}
				if (values)
					expect(p, seq, TK_RP);
				continue;
			}
			if (body && word_is(t, "SET")) {
				take(p, seq);
				do {
					if (at(p, 0)->type == TK_COMMA)
						take(p, seq);
					take(p, seq);
					if (!op_is(at(p, 0), "=") && !op_is(at(p, 0), "=="))
						p->fail = 1;
					take(p, seq);
					add_kid(seq, expr(p, P_ANY), P_ANY);
				} while (!p->fail && at(p, 0)->type == TK_COMMA);
				continue;
			}
			take_plain(p, seq);
		}
		break;
	}
	default:
		p->fail = 1;
	}
	if (p->i != p->n)
		p->fail = 1;
	return p->fail ? NULL : seq;
}

/* ---- writing ---------------------------------------------------------- */

typedef struct rw {
	gen_rng r;
	unsigned on;
	unsigned *applied;
	retort_buf out;
	retort_buf pending;  /* gaps of tokens left out, for the next token */
	int no_paren;        /* a DEFAULT without parentheses: none may go in */
	int no_comment;      /* this gap takes no comment */
	int last_number;     /* the last token written is a number */
} rw;

static int roll(rw *w, rw_kind k, unsigned percent)
{
	return (w->on & (1u << k)) && gen_rng_chance(&w->r, percent);
}

static void mark_applied(rw *w, rw_kind k)
{
	*w->applied |= 1u << k;
}

static int wordish(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '_' || c == '$' || c >= 0x80 || c == '"' || c == '\'' || c == '`' ||
		c == '[' || c == ']';
}

/* Would `a` then `b`, with nothing between, read as other tokens? `a`
** ends a number when `number`: "1" "." would read "1.". */
static int need_space(unsigned char a, unsigned char b, int number)
{
	if (!a || strchr(" \t\n(),;", a) || strchr("(),;", b))
		return 0;
	if (b == '.')
		return number;
	if (a == '.')
		return b >= '0' && b <= '9';
	return wordish(a) == wordish(b);
}

static const char *const spaces[] = {"", " ", "\n", "\n    ", "\t", "  ", " \n\t "};
static const char *const comments[] = {
	"/* c */", "/* ) ( ' \" ; */", "-- a comment ) (\n", "/**/", "--\n",
	"/* multi\n   line */", "-- 'quoted' \"x\" [y]\n",
};

/* The gap before a token: the original's, or another as the kinds allow. */
static void put_gap(rw *w, const char *g, size_t n)
{
	retort_buf gap;
	int has_comment = 0;
	size_t i;

	retort_buf_init(&gap);
	retort_buf_put(&gap, w->pending.ptr ? w->pending.ptr : "", w->pending.len);
	retort_buf_put(&gap, g, n);
	retort_buf_clear(&w->pending);
	for (i = 0; i + 1 < gap.len; i++)
		if ((gap.ptr[i] == '-' && gap.ptr[i + 1] == '-') ||
		    (gap.ptr[i] == '/' && gap.ptr[i + 1] == '*'))
			has_comment = 1;
	if (has_comment && roll(w, RW_COMMENT, 50)) {
		retort_buf_clear(&gap);
		retort_buf_puts(&gap, " ");
		mark_applied(w, RW_COMMENT);
	} else if (!has_comment && roll(w, RW_SPACE, 30)) {
		const char *s = spaces[gen_rng_below(&w->r, sizeof(spaces) / sizeof(spaces[0]))];
		if (strlen(s) != gap.len || memcmp(s, gap.ptr ? gap.ptr : "", gap.len) != 0)
			mark_applied(w, RW_SPACE);
		retort_buf_clear(&gap);
		retort_buf_puts(&gap, s);
	}
	if (!w->no_comment && roll(w, RW_COMMENT, 6)) {
		retort_buf_puts(&gap, " ");
		retort_buf_puts(&gap, comments[gen_rng_below(&w->r, sizeof(comments) / sizeof(comments[0]))]);
		retort_buf_puts(&gap, " ");
		mark_applied(w, RW_COMMENT);
	}
	if (gap.len)
		retort_buf_put(&w->out, gap.ptr, gap.len);
	retort_buf_release(&gap);
}

/* Token text, with a space before it where it would join the last one. */
static void put_text(rw *w, const char *s, size_t n)
{
	if (n && w->out.len && need_space((unsigned char)w->out.ptr[w->out.len - 1],
		(unsigned char)s[0], w->last_number))
		retort_buf_putc(&w->out, ' ');
	retort_buf_put(&w->out, s, n);
	w->last_number = 0;
}

/* A token the rewrite adds ("(", ")"). */
static void put_synth(rw *w, const char *s)
{
	put_gap(w, "", 0);
	put_text(w, s, strlen(s));
}

/* Keep a left-out token's gap for the next one. */
static void skip_tok(rw *w, const tk *k)
{
	retort_buf_put(&w->pending, k->gap, k->ngap);
	if (!k->ngap)
		retort_buf_putc(&w->pending, ' ');
}

static void put_case(rw *w, const sqltok *t)
{
	char *s = retort_xstrndup(t->z, t->n);
	size_t i;

	if (roll(w, RW_CASE, 50)) {
		uint32_t mode = gen_rng_below(&w->r, 3);
		for (i = 0; i < t->n; i++) {
			char c = s[i];
			int up = mode == 0 || (mode == 2 && i == 0);
			if (up && c >= 'a' && c <= 'z')
				s[i] = (char)(c - 'a' + 'A');
			else if (!up && c >= 'A' && c <= 'Z')
				s[i] = (char)(c - 'A' + 'a');
		}
		if (memcmp(s, t->z, t->n) != 0)
			mark_applied(w, RW_CASE);
	}
	put_text(w, s, t->n);
	free(s);
}

/* The quoting style of a name token, as gen_quote_ident numbers them. */
static int quote_style(const sqltok *t)
{
	if (t->type == TK_WORD)
		return 3;
	return t->z[0] == '[' ? 1 : t->z[0] == '`' ? 2 : 0;
}

/* Letters A-Z and a-z of `s` in upper case, lower case or as they come. */
static int recase(rw *w, char *s)
{
	uint32_t mode = gen_rng_below(&w->r, 3);
	int changed = 0;

	for (; *s; s++) {
		char c = *s;
		if (mode == 0 && c >= 'a' && c <= 'z')
			*s = (char)(c - 'a' + 'A');
		else if (mode == 1 && c >= 'A' && c <= 'Z')
			*s = (char)(c - 'A' + 'a');
		else if (mode == 2 && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) &&
			 gen_rng_chance(&w->r, 50))
			*s = (char)(c ^ 0x20);
		changed |= *s != c;
	}
	return changed;
}

static void put_ident(rw *w, const tk *k, int after_new)
{
	rw_kind kind = after_new ? RW_NEW_X : RW_QUOTE;
	int requote = roll(w, kind, 50), cased = 0;
	char *name, *q;

	name = retort_sqltok_name(&k->t);
	if (!name)
		abort();
	if ((k->flags & F_REF) && roll(w, RW_NAME_CASE, 30) && recase(w, name)) {
		mark_applied(w, RW_NAME_CASE);
		cased = 1;
	}
	if (!requote && !cased) {
		put_text(w, k->t.z, k->t.n);
		free(name);
		return;
	}
	/* a name in a new case keeps its style unless the quoting changes too */
	q = gen_quote_ident(name, requote ? (int)gen_rng_below(&w->r, 4) : quote_style(&k->t));
	if (requote && (strlen(q) != k->t.n || memcmp(q, k->t.z, k->t.n) != 0))
		mark_applied(w, kind);
	put_text(w, q, strlen(q));
	free(q);
	free(name);
}

/* An integer literal spelled another way: 16, 0x10, 0X10, 016. */
static void put_int(rw *w, const sqltok *t)
{
	char *s = retort_xstrndup(t->z, t->n), out[40];
	unsigned long long v;
	int hex = t->n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');

	v = strtoull(hex ? s + 2 : s, NULL, hex ? 16 : 10);
	free(s);
	if (v >= (1ULL << 53) || !roll(w, RW_NUM_INT, 50)) {
		put_text(w, t->z, t->n);
		return;
	}
	switch (gen_rng_below(&w->r, 4)) {
	case 0: snprintf(out, sizeof(out), "%llu", v); break;
	case 1: snprintf(out, sizeof(out), "0x%llx", v); break;
	case 2: snprintf(out, sizeof(out), "0X%llX", v); break;
	default: snprintf(out, sizeof(out), "0%llu", v); break;
	}
	if (strlen(out) != t->n || memcmp(out, t->z, t->n) != 0)
		mark_applied(w, RW_NUM_INT);
	put_text(w, out, strlen(out));
}

/*
** A real literal spelled another way with the same decimal value, so the
** same double: the digits D and exponent E of D * 10^E, then 1.5, 1.50,
** 15e-1, 150E-2, 0.15e1. Always with a point or an exponent: still real.
*/
static void put_real(rw *w, const sqltok *t)
{
	char digits[64], out[160];
	size_t nd = 0, i, zeros;
	long e = 0, frac = 0;
	int in_frac = 0;
	const char *z = t->z, *end = t->z + t->n;

	if (!roll(w, RW_NUM_REAL, 50) || t->n >= sizeof(digits)) {
		put_text(w, t->z, t->n);
		return;
	}
	for (; z < end && *z != 'e' && *z != 'E'; z++) {
		if (*z == '.') {
			in_frac = 1;
			continue;
		}
		if (nd || *z != '0')
			digits[nd++] = *z;
		frac += in_frac;
	}
	if (z < end)
		e = strtol(z + 1, NULL, 10);
	e -= frac;
	while (nd > 1 && digits[nd - 1] == '0') {
		nd--;
		e++;
	}
	if (!nd)
		digits[nd++] = '0';
	digits[nd] = '\0';
	zeros = gen_rng_below(&w->r, 3);
	switch (gen_rng_below(&w->r, 3)) {
	case 0: { /* D000e(E-3) */
		char z0[4] = "000";
		z0[zeros] = '\0';
		snprintf(out, sizeof(out), "%s%s%c%ld", digits, z0, gen_rng_chance(&w->r, 50) ? 'e' : 'E',
			e - (long)zeros);
		break;
	}
	case 1: /* 0.De(E+len), the exponent's sign written when it is + too */
		snprintf(out, sizeof(out), "0.%s%c%s%ld", digits, gen_rng_chance(&w->r, 50) ? 'e' : 'E',
			e + (long)nd >= 0 && gen_rng_chance(&w->r, 50) ? "+" : "", e + (long)nd);
		break;
	default: { /* plain, with a point and `zeros` more zeros after it */
		retort_buf b = RETORT_BUF_INIT;
		if (e >= 0) {
			retort_buf_puts(&b, digits);
			for (i = 0; i < (size_t)e; i++)
				retort_buf_putc(&b, '0');
			retort_buf_puts(&b, ".0");
		} else if ((long)nd > -e) {
			retort_buf_put(&b, digits, (size_t)((long)nd + e));
			retort_buf_putc(&b, '.');
			retort_buf_puts(&b, digits + (long)nd + e);
		} else {
			retort_buf_puts(&b, "0.");
			for (i = 0; i < (size_t)(-e - (long)nd); i++)
				retort_buf_putc(&b, '0');
			retort_buf_puts(&b, digits);
		}
		for (i = 0; i < zeros; i++)
			retort_buf_putc(&b, '0');
		snprintf(out, sizeof(out), "%s", b.ptr);
		retort_buf_release(&b);
		break;
	}
	}
	if (strlen(out) != t->n || memcmp(out, t->z, t->n) != 0)
		mark_applied(w, RW_NUM_REAL);
	put_text(w, out, strlen(out));
}

static int is_real(const sqltok *t)
{
	if (t->n > 1 && t->z[0] == '0' && (t->z[1] == 'x' || t->z[1] == 'X'))
		return 0;
	return memchr(t->z, '.', t->n) || memchr(t->z, 'e', t->n) || memchr(t->z, 'E', t->n);
}

/* Token `i` of `p`, as the kinds allow. */
static void emit_tok(rw *w, parse *p, size_t i)
{
	const tk *k = &p->t[i];
	const sqltok *t = &k->t;

	put_gap(w, k->gap, k->ngap);
	if (k->flags & F_VERBATIM) {
		put_text(w, t->z, t->n);
	} else if (t->type == TK_WORD && ((k->flags & (F_FUNC | F_KW)) || tok_is_keyword(t) ||
		   word_is(t, "NEW") || word_is(t, "OLD"))) {
		put_case(w, t);
	} else if (t->type == TK_WORD || t->type == TK_QUOTED) {
		put_ident(w, k, i >= 2 && op_is(&p->t[i - 1].t, ".") &&
			(word_is(&p->t[i - 2].t, "NEW") || word_is(&p->t[i - 2].t, "OLD")));
	} else if (t->type == TK_NUMBER && (k->flags & F_NUM)) {
		if (is_real(t))
			put_real(w, t);
		else
			put_int(w, t);
	} else if ((op_is(t, "=") || op_is(t, "==")) && roll(w, RW_EQ, 50)) {
		const char *o = gen_rng_chance(&w->r, 50) ? "=" : "==";
		if (!op_is(t, o))
			mark_applied(w, RW_EQ);
		put_text(w, o, strlen(o));
	} else if ((op_is(t, "<>") || op_is(t, "!=")) && roll(w, RW_NE, 50)) {
		const char *o = gen_rng_chance(&w->r, 50) ? "<>" : "!=";
		if (!op_is(t, o))
			mark_applied(w, RW_NE);
		put_text(w, o, strlen(o));
	} else {
		put_text(w, t->z, t->n);
	}
	w->last_number = t->type == TK_NUMBER;
}

/* A literal that a DEFAULT may hold without parentheses. */
static int bare_default(const parse *p, const node *n)
{
	if (n->kind == K_LIT)
		return 1;
	return n->kind == K_OP && n->n == 2 && n->v[0].tok >= 0 &&
		(op_is(&p->t[n->v[0].tok].t, "-") || op_is(&p->t[n->v[0].tok].t, "+")) &&
		n->v[1].kid->kind == K_LIT && p->t[n->v[1].kid->v[0].tok].t.type == TK_NUMBER;
}

/*
** An expression in a slot that needs precedence `slot` to go without
** parentheses; `top` when it is a whole expression of the piece.
*/
static void emit_node(rw *w, parse *p, const node *n, int slot, int top)
{
	rw_kind k = top ? RW_PAREN_WHOLE : n->prec == P_PRIMARY ? RW_PAREN_OPERAND : RW_PAREN_SUB;
	int wrap = !w->no_paren && roll(w, k, top ? 40 : 15);
	size_t i;

	if (wrap) {
		mark_applied(w, k);
		put_synth(w, "(");
		slot = P_ANY;
	}
	if (n->kind == K_GROUP && !w->no_paren && n->v[1].kid->prec >= slot &&
	    roll(w, RW_PAREN_DROP, 40)) {
		/* the kid holds together in this slot: its parentheses go */
		mark_applied(w, RW_PAREN_DROP);
		skip_tok(w, &p->t[n->v[0].tok]);
		emit_node(w, p, n->v[1].kid, slot, 0);
		skip_tok(w, &p->t[n->v[2].tok]);
	} else {
		for (i = 0; i < n->n; i++) {
			if (n->v[i].tok >= 0)
				emit_tok(w, p, (size_t)n->v[i].tok);
			else
				emit_node(w, p, n->v[i].kid, n->v[i].slot, 0);
		}
	}
	if (wrap)
		put_synth(w, ")");
}

/* A DEFAULT: DEFAULT x and DEFAULT (x) are one default, but no other
** parentheses may go in unless the whole is in them. */
static void emit_default(rw *w, parse *p, const node *n)
{
	if (n->kind == K_GROUP) {
		if (bare_default(p, n->v[1].kid) && roll(w, RW_PAREN_DROP, 40)) {
			mark_applied(w, RW_PAREN_DROP);
			skip_tok(w, &p->t[n->v[0].tok]);
			w->no_paren = 1;
			emit_node(w, p, n->v[1].kid, P_ANY, 0);
			w->no_paren = 0;
			skip_tok(w, &p->t[n->v[2].tok]);
			return;
		}
		emit_tok(w, p, (size_t)n->v[0].tok);
		emit_node(w, p, n->v[1].kid, P_ANY, 1);
		emit_tok(w, p, (size_t)n->v[2].tok);
		return;
	}
	if (roll(w, RW_PAREN_WHOLE, 40)) {
		mark_applied(w, RW_PAREN_WHOLE);
		put_synth(w, "(");
		emit_node(w, p, n, P_ANY, 0);
		put_synth(w, ")");
		return;
	}
	w->no_paren = 1;
	emit_node(w, p, n, P_ANY, 0);
	w->no_paren = 0;
}

/* One piece of kind `kind`, its text `z` (NUL-terminated). */
static int emit_piece(rw *w, char kind, const char *z)
{
	parse p;
	trig_info ti;
	node *seq;
	const char *trail;
	size_t ntrail, i;
	int add_fer = 0;

	memset(&p, 0, sizeof(p));
	tokenize(z, &p.t, &p.n, &trail, &ntrail);
	if (kind == GEN_PIECE_VERBATIM) {
		put_text(w, z, strlen(z));
		free(p.t);
		return 0;
	}
	if (kind == GEN_PIECE_NAME) {
		for (i = 0; i < p.n; i++)
			emit_tok(w, &p, i);
		put_gap(w, trail, ntrail);
		free(p.t);
		return 0;
	}
	seq = parse_piece(&p, kind, &ti);
	if (!seq) {
		free_nodes(&p);
		free(p.t);
		return -1;
	}
	if (kind == GEN_PIECE_TRIGGER && ti.for_at < 0 && ti.insert_at >= 0 &&
	    roll(w, RW_FOR_EACH_ROW, 50))
		add_fer = 1;
	for (i = 0; i < seq->n; i++) {
		const part *pt = &seq->v[i];
		if (pt->tok < 0) {
			if (kind == GEN_PIECE_DEFAULT)
				emit_default(w, &p, pt->kid);
			else
				emit_node(w, &p, pt->kid, P_ANY, 1);
			continue;
		}
		if (pt->tok == ti.for_at && roll(w, RW_FOR_EACH_ROW, 50)) {
			/* FOR EACH ROW is what a trigger is without it */
			mark_applied(w, RW_FOR_EACH_ROW);
			skip_tok(w, &p.t[pt->tok]);
			skip_tok(w, &p.t[pt->tok + 1]);
			skip_tok(w, &p.t[pt->tok + 2]);
			i += 2;
			continue;
		}
		if (add_fer && pt->tok == ti.insert_at) {
			static const char *const words[] = {"FOR", "EACH", "ROW"};
			size_t j;
			mark_applied(w, RW_FOR_EACH_ROW);
			for (j = 0; j < 3; j++) {
				sqltok t;
				t.type = TK_WORD;
				t.z = words[j];
				t.n = strlen(words[j]);
				put_gap(w, " ", 1);
				put_case(w, &t);
			}
		}
		emit_tok(w, &p, (size_t)pt->tok);
	}
	put_gap(w, trail, ntrail);
	free_nodes(&p);
	free(p.t);
	return 0;
}

/* The skeleton's text from `z` to `end`: keywords, punctuation, gaps. */
static void emit_skeleton(rw *w, const char *z, const char *end)
{
	char *s = retort_xstrndup(z, (size_t)(end - z));
	parse p;
	const char *trail;
	size_t ntrail, i;

	memset(&p, 0, sizeof(p));
	tokenize(s, &p.t, &p.n, &trail, &ntrail);
	for (i = 0; i < p.n; i++) {
		/* SQLite reads GENERATED ALWAYS as words of the column's type,
		** then cuts them off the type with the spaces before them: a
		** comment before either word would stay in the declared type */
		w->no_comment = word_is(&p.t[i].t, "GENERATED") || word_is(&p.t[i].t, "ALWAYS");
		p.t[i].flags |= F_KW;
		emit_tok(w, &p, i);
		w->no_comment = 0;
	}
	put_gap(w, trail, ntrail);
	free(p.t);
	free(s);
}

char *rw_rewrite(const char *marked, uint64_t seed, unsigned on, unsigned *applied, char **err)
{
	rw w;
	const char *z = marked;

	memset(&w, 0, sizeof(w));
	gen_rng_seed(&w.r, seed ^ 0xE7037ED1A0B428DBULL);
	w.on = on;
	w.applied = applied;
	retort_buf_init(&w.out);
	retort_buf_init(&w.pending);
	*err = NULL;
	while (*z) {
		const char *open = strchr(z, GEN_MARK_OPEN), *close;
		char *text;
		if (!open) {
			emit_skeleton(&w, z, z + strlen(z));
			break;
		}
		emit_skeleton(&w, z, open);
		close = strchr(open, GEN_MARK_CLOSE);
		if (!close)
			abort();
		text = retort_xstrndup(open + 2, (size_t)(close - open - 2));
		if (emit_piece(&w, open[1], text) < 0) {
			retort_buf e = RETORT_BUF_INIT;
			retort_buf_printf(&e, "a piece of kind '%c' does not parse: %s", open[1], text);
			*err = detach(&e);
			free(text);
			retort_buf_release(&w.out);
			retort_buf_release(&w.pending);
			return NULL;
		}
		free(text);
		z = close + 1;
	}
	retort_buf_release(&w.pending);
	return detach(&w.out);
}

/* ---- the one meaningful change ---------------------------------------- */

typedef struct site {
	size_t start, end;   /* in the marked text */
	char *repl;
	char *what;
	size_t statement;
	char piece;
} site;

typedef struct sites {
	site *v;
	size_t n, cap;
	/* the piece being read */
	const char *text;    /* its copy, which the tokens point into */
	size_t base;         /* where it starts in the marked text */
	size_t statement;
	char piece;
} sites;

static void add_site(sites *s, const char *from, const char *to, const char *repl,
	const char *what)
{
	site *x;
	retort_buf b = RETORT_BUF_INIT;

	GROW(s->v, s->n, s->cap);
	x = &s->v[s->n++];
	x->start = s->base + (size_t)(from - s->text);
	x->end = s->base + (size_t)(to - s->text);
	x->repl = retort_xstrndup(repl, strlen(repl));
	retort_buf_printf(&b, "%s '%.*s' -> '%s'", what, (int)(to - from), from, repl);
	x->what = detach(&b);
	x->statement = s->statement;
	x->piece = s->piece;
}

/* An operator's opposite: another operator of SQLite, another meaning. */
static const char *other_operator(const char *op)
{
	static const char *const pairs[][2] = {
		{"<", "<="}, {"<=", "<"}, {">", ">="}, {">=", ">"}, {"=", "<>"}, {"==", "!="},
		{"<>", "="}, {"!=", "=="}, {"+", "-"}, {"-", "+"}, {"*", "/"}, {"/", "*"},
		{"%", "*"}, {"||", "+"}, {"and", "OR"}, {"or", "AND"}, {"like", "GLOB"},
		{"glob", "LIKE"}, {"is", "IS NOT"}, {"is not", "IS"}, {"in", "NOT IN"},
		{"not in", "IN"}, {"between", "NOT BETWEEN"}, {"not between", "BETWEEN"},
		{"not like", "LIKE"}, {"not glob", "GLOB"},
	};
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		if (sqlite3_stricmp(op, pairs[i][0]) == 0)
			return pairs[i][1];
	return NULL;
}

/* The operator's words with single spaces: "IS  NOT" reads "IS NOT". */
static char *op_text(const parse *p, const node *n)
{
	retort_buf b = RETORT_BUF_INIT;
	long i;

	for (i = n->op; i < n->op + n->nop; i++) {
		if (i > n->op)
			retort_buf_putc(&b, ' ');
		retort_buf_put(&b, p->t[i].t.z, p->t[i].t.n);
	}
	return detach(&b);
}

typedef struct name_ref {
	const node *n;
	char *key;  /* its names, unquoted, lower case, joined with '.' */
} name_ref;

static void collect(sites *s, const parse *p, const node *n, name_ref **names, size_t *nn,
	size_t *capn)
{
	size_t i;

	if (n->kind == K_LIT && p->t[n->v[0].tok].t.type != TK_WORD &&
	    p->t[n->v[0].tok].t.type != TK_BLOB) {
		const sqltok *t = &p->t[n->v[0].tok].t;
		char repl[80];
		if (t->type == TK_STRING && t->n < sizeof(repl) - 2) {
			snprintf(repl, sizeof(repl), "%.*sz'", (int)t->n - 1, t->z);
			add_site(s, t->z, t->z + t->n, repl, "string literal");
		} else if (t->type == TK_NUMBER && is_real(t) && t->n < sizeof(repl) - 2) {
			size_t m = strcspn(t->z, "eE");
			if (m > t->n)
				m = t->n;
			snprintf(repl, sizeof(repl), "%.*s1%.*s", (int)m, t->z, (int)(t->n - m), t->z + m);
			add_site(s, t->z, t->z + t->n, repl, "real literal");
		} else if (t->type == TK_NUMBER) {
			char *d = retort_xstrndup(t->z, t->n);
			int hex = t->n > 2 && d[0] == '0' && (d[1] == 'x' || d[1] == 'X');
			unsigned long long v = strtoull(hex ? d + 2 : d, NULL, hex ? 16 : 10);
			free(d);
			snprintf(repl, sizeof(repl), "%llu", v + 1);
			add_site(s, t->z, t->z + t->n, repl, "integer literal");
		}
	}
	if (n->kind == K_OP && n->nop && n->prec == P_COLLATE) {
		static const char *const colls[] = {"NOCASE", "RTRIM", "BINARY"};
		const sqltok *t = &p->t[n->op + 1].t;
		size_t k;
		for (k = 0; k < 3; k++)
			if (!word_is(t, colls[k])) {
				add_site(s, t->z, t->z + t->n, colls[k], "collation");
				break;
			}
	} else if (n->kind == K_OP && n->nop && n->prec != P_NOT) {
		char *op = op_text(p, n);
		const char *to = other_operator(op);
		const sqltok *a = &p->t[n->op].t, *b = &p->t[n->op + n->nop - 1].t;
		if (to)
			add_site(s, a->z, b->z + b->n, to, "operator");
		free(op);
	}
	if (n->kind == K_NAME) {
		retort_buf b = RETORT_BUF_INIT;
		for (i = 0; i < n->n; i++) {
			char *nm = retort_sqltok_name(&p->t[n->v[i].tok].t), *c;
			for (c = nm; *c; c++)
				if (*c >= 'A' && *c <= 'Z')
					*c = (char)(*c - 'A' + 'a');
			retort_buf_puts(&b, nm);
			free(nm);
		}
		GROW(*names, *nn, *capn);
		(*names)[*nn].n = n;
		(*names)[(*nn)++].key = detach(&b);
	}
	for (i = 0; i < n->n; i++)
		if (n->v[i].tok < 0)
			collect(s, p, n->v[i].kid, names, nn, capn);
}

/* Sites of one piece: literals, operators, collations, and a name put in
** the place of another name of the same statement. */
static void piece_sites(sites *s, char kind, const char *text, gen_rng *r)
{
	parse p;
	trig_info ti;
	node *seq;
	const char *trail;
	size_t ntrail, i, j, nn = 0, capn = 0;
	name_ref *names = NULL;

	memset(&p, 0, sizeof(p));
	tokenize(text, &p.t, &p.n, &trail, &ntrail);
	seq = parse_piece(&p, kind, &ti);
	if (seq)
		collect(s, &p, seq, &names, &nn, &capn);
	for (i = 0; i < nn && nn > 1; i++) {
		/* one other name for each, drawn from the seed */
		size_t start = gen_rng_below(r, (uint32_t)nn);
		for (j = 0; j < nn; j++) {
			const name_ref *a = &names[i], *b = &names[(start + j) % nn];
			const sqltok *af = &p.t[a->n->v[0].tok].t, *al = &p.t[a->n->v[a->n->n - 1].tok].t;
			const sqltok *bf = &p.t[b->n->v[0].tok].t, *bl = &p.t[b->n->v[b->n->n - 1].tok].t;
			char *repl;
			if (a->n->scope != b->n->scope || strcmp(a->key, b->key) == 0)
				continue;
			repl = retort_xstrndup(bf->z, (size_t)(bl->z + bl->n - bf->z));
			add_site(s, af->z, al->z + al->n, repl, "name");
			free(repl);
			break;
		}
	}
	for (i = 0; i < nn; i++)
		free(names[i].key);
	free(names);
	free_nodes(&p);
	free(p.t);
}

static size_t count_statements(const char *z, const char *end)
{
	char *s = retort_xstrndup(z, (size_t)(end - z));
	const char *q = s;
	size_t n = 0;

	for (;;) {
		sqltok t = retort_sqltok_at(q);
		if (t.type == TK_EOF)
			break;
		n += t.type == TK_SEMI;
		q = t.z + t.n;
	}
	free(s);
	return n;
}

char *rw_change_marked(const char *marked, uint64_t seed, rw_change *ch)
{
	sites s;
	gen_rng r;
	const char *z = marked;
	char *out = NULL;
	size_t i;

	memset(&s, 0, sizeof(s));
	memset(ch, 0, sizeof(*ch));
	gen_rng_seed(&r, seed ^ 0x8EBC6AF09C88C6E3ULL);
	while (*z) {
		const char *open = strchr(z, GEN_MARK_OPEN), *close;
		char *text;
		if (!open)
			break;
		s.statement += count_statements(z, open);
		close = strchr(open, GEN_MARK_CLOSE);
		if (!close)
			abort();
		if (open[1] != GEN_PIECE_NAME && open[1] != GEN_PIECE_VERBATIM) {
			text = retort_xstrndup(open + 2, (size_t)(close - open - 2));
			s.text = text;
			s.base = (size_t)(open + 2 - marked);
			s.piece = open[1];
			piece_sites(&s, open[1], text, &r);
			free(text);
		}
		z = close + 1;
	}
	if (s.n) {
		const site *x = &s.v[gen_rng_below(&r, (uint32_t)s.n)];
		retort_buf b = RETORT_BUF_INIT;
		retort_buf_put(&b, marked, x->start);
		retort_buf_puts(&b, x->repl);
		retort_buf_puts(&b, marked + x->end);
		out = detach(&b);
		ch->statement = x->statement;
		ch->piece = x->piece;
		ch->what = retort_xstrndup(x->what, strlen(x->what));
	}
	for (i = 0; i < s.n; i++) {
		free(s.v[i].repl);
		free(s.v[i].what);
	}
	free(s.v);
	return out;
}
