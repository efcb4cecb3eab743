/*
** test_revgraph.c: the questions the apply engine asks of the revision graph
** (lib/revgraph.c), on a folder with a branch and a merge:
**
**     a - b - c - e        e merges c and d
**          \     /
**           - d -
**
** the topological order, the applied set from the version table's ids, the
** heads of a set, what a run may touch (scope), what runs next, and the
** refusal of a TARGET that goes the other way, with its exact message.
*/
#include "harness.h"
#include "buf.h"
#include "revision.h"

#include <unistd.h>

#define A "a00000000001"
#define B "b00000000002"
#define C "c00000000003"
#define D "d00000000004"
#define E "e00000000005"

static char root[256];
static retort_revisions *revs;

static void write_rev(const char *id, const char *parents, int minute)
{
	char name[64], text[1024];

	snprintf(name, sizeof(name), "%s_rev.sql", id);
	snprintf(text, sizeof(text), "-- retort revision: %s\n-- parent: %s\n-- message: %s\n"
		"-- created: 2026-11-20T10:%02d:00Z\n\n-- retort:upgrade\nSELECT 1;\n\n"
		"-- retort:downgrade\nSELECT 2;\n", id, parents, id, minute);
	harness_write_file(root, name, text);
}

static const retort_revision *rev(const char *id)
{
	return retort_revisions_get(revs, id);
}

/* A set of revs->n flags as the ids it holds, by one letter each. */
static char *letters(const unsigned char *set)
{
	retort_buf b = RETORT_BUF_INIT;
	size_t i;

	for (i = 0; i < revs->n; i++)
		if (set[i])
			retort_buf_putc(&b, revs->revs[i]->id[0]);
	return retort_buf_detach(&b);
}

static void check_set(const unsigned char *set, const char *want)
{
	char *got = letters(set);

	CHECK_STR(got, want);
	free(got);
}

/* The applied set of a version table holding `ids`. */
static unsigned char *applied_of(const char *const *ids, size_t n)
{
	unsigned char *set = NULL;

	CHECK_INT(retort_revgraph_applied(&set, revs, ids, n, NULL), 0);
	return set;
}

static void test_order(void)
{
	size_t i;
	char order[8] = "";

	CHECK_INT(revs->n, 5);
	for (i = 0; i < revs->n && i < 7; i++) {
		order[i] = revs->revs[i]->id[0];
		CHECK_INT(revs->revs[i]->index, i);
	}
	CHECK_STR(order, "abcde");
	CHECK_INT(revs->n_heads, 1);
	CHECK(revs->n_heads == 1 && revs->heads[0] == rev(E));
	CHECK_INT(rev(B)->n_children, 2);
	CHECK_INT(rev(E)->n_parents, 2);
	CHECK(rev(E)->parents[0] == rev(C) && rev(E)->parents[1] == rev(D));
}

static void test_applied(void)
{
	static const char *const one[] = { C }, *const two[] = { D, C }, *const bad[] = { A,
		"ffffffffffff" };
	unsigned char *set;
	retort_error *err = NULL;

	set = applied_of(one, 1);
	check_set(set, "abc");
	free(set);
	set = applied_of(two, 2);
	check_set(set, "abcd");
	free(set);
	set = applied_of(NULL, 0);
	check_set(set, "");
	free(set);

	set = (unsigned char *)"unset";
	CHECK_INT(retort_revgraph_applied(&set, revs, bad, 2, &err), RETORT_ENOTFOUND);
	CHECK(set == NULL);
	CHECK(err && strstr(err->message, "the database is at revision ffffffffffff, which is "
		"not in ") && strstr(err->message, root));
	retort_error_free(err);
}

static void test_heads(void)
{
	static const char *const c[] = { C }, *const cd[] = { C, D }, *const e[] = { E };
	const retort_revision *heads[5];
	unsigned char *set;

	set = applied_of(c, 1);
	CHECK_INT(retort_revgraph_heads_of(revs, set, heads), 1);
	CHECK(heads[0] == rev(C));
	free(set);
	set = applied_of(cd, 2);
	CHECK_INT(retort_revgraph_heads_of(revs, set, heads), 2);
	CHECK(heads[0] == rev(C) && heads[1] == rev(D));
	free(set);
	set = applied_of(e, 1);
	CHECK_INT(retort_revgraph_heads_of(revs, set, heads), 1);
	CHECK(heads[0] == rev(E));
	free(set);
	set = applied_of(NULL, 0);
	CHECK_INT(retort_revgraph_heads_of(revs, set, heads), 0);
	free(set);
}

static void check_scope(const char *target, retort_direction dir, const char *want)
{
	const retort_revision *t = target ? rev(target) : NULL;
	unsigned char *scope = NULL;

	CHECK_INT(retort_revgraph_scope(&scope, revs, &t, target ? 1 : 0, dir, NULL), 0);
	if (scope)
		check_set(scope, want);
	free(scope);
}

static void test_scope(void)
{
	check_scope(D, RETORT_UPGRADE, "abd");
	check_scope(E, RETORT_UPGRADE, "abcde");
	check_scope(A, RETORT_UPGRADE, "a");
	check_scope(B, RETORT_DOWNGRADE, "cde");
	check_scope(D, RETORT_DOWNGRADE, "e");
	check_scope(E, RETORT_DOWNGRADE, "");
	check_scope(NULL, RETORT_DOWNGRADE, "abcde");
}

/* The revisions a run from `ids` to `target` takes, one letter each, as
** the engine steps: next, mark, next again. */
static void check_run(const char *const *ids, size_t n, const char *target,
	retort_direction dir, const char *want)
{
	const retort_revision *t = target ? rev(target) : NULL, *r;
	unsigned char *applied = applied_of(ids, n), *scope = NULL;
	char got[8] = "";
	size_t k = 0;

	CHECK_INT(retort_revgraph_scope(&scope, revs, &t, target ? 1 : 0, dir, NULL), 0);
	while (applied && scope && k < 7 && (r = retort_revgraph_next(revs, applied, scope, dir))) {
		got[k++] = r->id[0];
		applied[r->index] = dir == RETORT_UPGRADE;
	}
	CHECK_STR(got, want);
	free(applied);
	free(scope);
}

static void test_next(void)
{
	static const char *const b[] = { B }, *const c[] = { C }, *const e[] = { E },
		*const cd[] = { C, D };

	check_run(NULL, 0, E, RETORT_UPGRADE, "abcde");
	check_run(c, 1, E, RETORT_UPGRADE, "de");
	/* another branch: only what it lacks */
	check_run(c, 1, D, RETORT_UPGRADE, "d");
	check_run(e, 1, E, RETORT_UPGRADE, "");
	check_run(e, 1, B, RETORT_DOWNGRADE, "edc");
	check_run(cd, 2, NULL, RETORT_DOWNGRADE, "dcba");
	check_run(b, 1, NULL, RETORT_DOWNGRADE, "ba");
	check_run(NULL, 0, NULL, RETORT_DOWNGRADE, "");
}

/* retort_revgraph_check_way() from a database at `ids`, toward `target` as written
** (`id` the revision it names, NULL: base): 0, or its message. */
static void check_way(const char *const *ids, size_t n, const char *target, const char *id,
	retort_direction dir, const char *want)
{
	const retort_revision *heads[5], *t = id ? rev(id) : NULL;
	unsigned char *applied = applied_of(ids, n);
	retort_error *err = NULL;
	size_t n_heads;
	int rc;

	if (!applied)
		return;
	n_heads = retort_revgraph_heads_of(revs, applied, heads);
	rc = retort_revgraph_check_way(revs, applied, heads, n_heads, &t, id ? 1 : 0, target, dir, &err);
	if (want) {
		CHECK_INT(rc, RETORT_EINVALID);
		CHECK_STR(err ? err->message : NULL, want);
	} else {
		CHECK_INT(rc, 0);
	}
	retort_error_free(err);
	free(applied);
}

static void test_check_way(void)
{
	static const char *const c[] = { C }, *const cd[] = { C, D }, *const e[] = { E };

	check_way(c, 1, "head", E, RETORT_UPGRADE, NULL);
	check_way(c, 1, D, D, RETORT_UPGRADE, NULL);
	check_way(c, 1, C, C, RETORT_UPGRADE, NULL);
	check_way(c, 1, "b0000", B, RETORT_UPGRADE,
		"b0000 (" B ") is behind the database's revision " C ": did you mean downgrade?");
	check_way(cd, 2, "base", NULL, RETORT_UPGRADE,
		"base is behind the database's revision " C ", " D ": did you mean downgrade?");
	check_way(NULL, 0, "base", NULL, RETORT_UPGRADE, NULL);
	check_way(e, 1, B, B, RETORT_DOWNGRADE, NULL);
	check_way(c, 1, "base", NULL, RETORT_DOWNGRADE, NULL);
	check_way(cd, 2, "head", E, RETORT_DOWNGRADE,
		"head (" E ") is ahead of the database's revision " C ", " D
		": did you mean upgrade?");
	check_way(c, 1, D, D, RETORT_DOWNGRADE,
		D " is not applied: it is on another branch than the database's revision " C
		", so there is nothing to downgrade to");
	check_way(NULL, 0, A, A, RETORT_DOWNGRADE,
		A " is ahead of the database's revision base: did you mean upgrade?");
}

static const harness_case cases[] = {
	HARNESS_CASE(test_order),
	HARNESS_CASE(test_applied),
	HARNESS_CASE(test_heads),
	HARNESS_CASE(test_scope),
	HARNESS_CASE(test_next),
	HARNESS_CASE(test_check_way),
};

int main(int argc, char **argv)
{
	retort_error *err = NULL;
	int rc = harness_args(argc, argv, HARNESS_CASES(cases));

	if (rc >= 0)
		return rc;
	snprintf(root, sizeof(root), "/tmp/retort-test-revgraph-XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	/* written out of order: the graph, not the file names, orders them */
	write_rev(E, C ", " D, 5);
	write_rev(D, B, 4);
	write_rev(C, B, 3);
	write_rev(B, A, 2);
	write_rev(A, "none", 1);
	if (retort_revisions_load(&revs, root, &err) != 0) {
		fprintf(stderr, "cannot load %s: %s\n", root, err ? err->message : "?");
		return 1;
	}
	harness_run(HARNESS_CASES(cases));
	retort_revisions_free(revs);
	rc = harness_done();
	harness_rmdir(root);
	return rc;
}
