/*
** test_renames.c: the `-- renames:` value of lib/renames.c: written and read
** back exactly for any name (quotes, commas, arrows, line breaks, the empty
** name), hand-written forms read, malformed ones refused at the right byte,
** and what a chain of revisions leaves done (retort_done_renames_fold).
**
** Test organisation: round trips over a table of odd names; then fixed
** texts with their expected reading; then folds, each a small chain.
*/
#include "harness.h"

#include "renames.h"

/* `r` as written, then read back: the same renames, and a line retort_buf_comment
** writes as it is (nothing escaped). */
static void check_round_trip(const done_renames *r)
{
	retort_buf b = RETORT_BUF_INIT, line = RETORT_BUF_INIT;
	done_renames back;
	size_t i, bad_at;

	retort_done_renames_format(&b, r);
	CHECK(!retort_buf_oom(&b));
	retort_buf_comment(&line, "%s", b.ptr);
	CHECK_INT(line.len, b.len + 4);
	CHECK_INT(retort_done_renames_parse(&back, b.ptr, &bad_at), 0);
	CHECK_INT(back.n, r->n);
	for (i = 0; i < back.n && i < r->n; i++) {
		CHECK(!back.v[i].table == !r->v[i].table);
		if (r->v[i].table)
			CHECK_STR(back.v[i].table, r->v[i].table);
		CHECK_STR(back.v[i].from, r->v[i].from);
		CHECK_STR(back.v[i].to, r->v[i].to);
	}
	retort_done_renames_release(&back);
	retort_buf_release(&b);
	retort_buf_release(&line);
}

static void check_parse(const char *text, const char *want)
{
	done_renames r;
	retort_buf b = RETORT_BUF_INIT;
	size_t bad_at;

	CHECK_INT(retort_done_renames_parse(&r, text, &bad_at), 0);
	retort_done_renames_format(&b, &r);
	CHECK_STR(b.ptr, want);
	retort_done_renames_release(&r);
	retort_buf_release(&b);
}

static void check_bad(const char *text, size_t want_at)
{
	done_renames r;
	size_t bad_at = 999;

	CHECK_INT(retort_done_renames_parse(&r, text, &bad_at), 1);
	CHECK_INT(bad_at, want_at);
	CHECK_INT(r.n, 0);
}

/* Fold the revisions (each a renames value) in order; then ask. */
static void fold(done_renames *acc, const char *const *revs, size_t n)
{
	size_t i, bad_at;

	memset(acc, 0, sizeof(*acc));
	for (i = 0; i < n; i++) {
		done_renames r;
		CHECK_INT(retort_done_renames_parse(&r, revs[i], &bad_at), 0);
		CHECK_INT(retort_done_renames_fold(acc, &r), 0);
		retort_done_renames_release(&r);
	}
}

static void test_round_trip(void)
{
	static const char *const names[] = {
		"plain", "with \"quotes\"", "a, b -> c.d", "line\nbreak", "tab\there", "",
		"caf\xc3\xa9", "x'00'", "[bracket]", "`tick`", "-- comment", "\u202ebidi",
	};
	size_t i, j, n = sizeof(names) / sizeof(names[0]);
	done_renames r = { NULL, 0, 0 };

	for (i = 0; i < n; i++) {
		j = (i + 1) % n;
		CHECK_INT(retort_done_renames_push(&r, NULL, names[i], names[j]), 0);
		CHECK_INT(retort_done_renames_push(&r, names[j], names[i], names[(i + 5) % n]), 0);
	}
	check_round_trip(&r);
	retort_done_renames_release(&r);
	check_round_trip(&r);
}

static void test_parse(void)
{
	check_parse(NULL, "");
	check_parse("", "");
	check_parse("pet -> animal, animal.nme->name",
		"\"pet\" -> \"animal\", \"animal\".\"nme\" -> \"name\"");
	check_parse("[a b].`c` -> 'd'", "\"a b\".\"c\" -> \"d\"");
	check_parse("x'610a62' -> \"\"\"\"", "x'610a62' -> \"\"\"\"");
	check_bad("pet", 3);
	check_bad("pet ->", 6);
	check_bad("a -> b,", 7);
	check_bad("a -> b c -> d", 7);
	check_bad("a.b.c -> d", 3);
	check_bad("a -> x'0'", 5);
	check_bad("a -> x'00'", 5);
	check_bad("1 -> b", 0);
}

static void test_chains(void)
{
	done_renames acc;

	/* a swap in one revision: both done */
	{
		static const char *const chain[] = { "\"t\".\"a\" -> \"b\", \"t\".\"b\" -> \"a\"" };
		fold(&acc, chain, 1);
		CHECK(retort_done_renames_has(&acc, "t", "a", "b"));
		CHECK(retort_done_renames_has(&acc, "T", "B", "A"));
		CHECK(!retort_done_renames_has(&acc, NULL, "a", "b"));
		retort_done_renames_release(&acc);
	}
	/* renamed, then back: the first is no longer done; again: done again */
	{
		static const char *const chain[] = { "t.a -> b", "t.b -> a", "t.a -> b" };
		fold(&acc, chain, 2);
		CHECK(!retort_done_renames_has(&acc, "t", "a", "b"));
		CHECK(retort_done_renames_has(&acc, "t", "b", "a"));
		retort_done_renames_release(&acc);
		fold(&acc, chain, 3);
		CHECK(retort_done_renames_has(&acc, "t", "a", "b"));
		CHECK(!retort_done_renames_has(&acc, "t", "b", "a"));
		retort_done_renames_release(&acc);
	}
	/* a column renamed, then its table: the column's rename follows the
	** table; a table renamed on is no longer done under its first name */
	{
		static const char *const chain[] = { "t.a -> b", "t -> u", "u -> v" };
		fold(&acc, chain, 3);
		CHECK(retort_done_renames_has(&acc, "v", "a", "b"));
		CHECK(!retort_done_renames_has(&acc, "t", "a", "b"));
		CHECK(!retort_done_renames_has(&acc, NULL, "t", "u"));
		CHECK(retort_done_renames_has(&acc, NULL, "u", "v"));
		retort_done_renames_release(&acc);
	}
	/* tables swapped: each one's columns go with it */
	{
		static const char *const chain[] = { "cat.x -> y, dog.p -> q", "cat -> dog, dog -> cat" };
		fold(&acc, chain, 2);
		CHECK(retort_done_renames_has(&acc, "dog", "x", "y"));
		CHECK(retort_done_renames_has(&acc, "cat", "p", "q"));
		CHECK(retort_done_renames_has(&acc, NULL, "cat", "dog"));
		CHECK(retort_done_renames_has(&acc, NULL, "dog", "cat"));
		retort_done_renames_release(&acc);
	}
}

static const harness_case cases[] = {
	HARNESS_CASE(test_round_trip),
	HARNESS_CASE(test_parse),
	HARNESS_CASE(test_chains),
};

HARNESS_MAIN(cases)
