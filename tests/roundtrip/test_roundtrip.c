/*
** test_roundtrip.c: `inspect` round trip over randomly generated schemas.
**
** For seeds 1..RETORT_ROUNDTRIP_COUNT (default 400), or the one seed
** RETORT_ROUNDTRIP_SEED: the checks of roundtrip.h on the seed's SQL; that
** retort reads as many tables, indexes, views and triggers as the generator
** wrote; and that the comparison is not vacuous: every mutation that
** gen_schema_mutate() can make to the schema is seen as a difference.
**
** A failure names its seed. Reproduce one with
**   RETORT_ROUNDTRIP_SEED=N ./test_roundtrip      (full SQL and YAML)
**   ./test_gen_schema N                           (the SQL alone)
*/
#include "gen_schema.h"
#include "roundtrip.h"
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Show the SQL and YAML of only this many failures; name the rest. */
#define DETAILED_FAILURES 3

/* Retort must read what the generator wrote: a reader that dropped objects
** would pass the round trip on a smaller schema. */
static int check_counts(uint64_t seed, const gen_schema *s, const retort_schema *a)
{
	size_t t = retort_schema_table_count(a), v = retort_schema_view_count(a);
	size_t tr = retort_schema_trigger_count(a), ix = retort_schema_index_count(a);

	if (t == s->ntables && v == s->nviews && tr == s->ntriggers && ix == s->nindexes)
		return 0;
	fprintf(stderr, "seed %llu: retort read %zu tables, %zu views, %zu triggers, "
		"%zu indexes; the SQL has %zu, %zu, %zu, %zu\n", (unsigned long long)seed,
		t, v, tr, ix, s->ntables, s->nviews, s->ntriggers, s->nindexes);
	return -1;
}

typedef struct mut_stats {
	unsigned long applied[GEN_MUT_COUNT];
	unsigned long missed[GEN_MUT_COUNT];
} mut_stats;

/*
** Each mutation of the seed's schema must compare unequal to the original,
** both ways round; and the original must equal itself read a second time.
*/
static void check_mutations(uint64_t seed, const char *sql, const retort_schema *a,
	mut_stats *ms, int detail)
{
	retort_schema *again = NULL;
	retort_error *err = NULL;
	char *why = NULL;
	int m, eq = 0;

	if (retort_schema_from_sql(&again, sql, "again.sql", NULL, &err) != 0) {
		CHECK(!"reading the same SQL twice");
		rt_print_error("retort_schema_from_sql", err);
		retort_error_free(err);
		return;
	}
	if (retort_schema_equal(&eq, &why, a, again, NULL) != 0 || !eq) {
		harness_failed++;
		fprintf(stderr, "seed %llu: the same SQL read twice compares unequal: %s\n",
			(unsigned long long)seed, why ? why : "(no reason)");
	} else {
		harness_passed++;
	}
	free(why);
	why = NULL;
	retort_schema_free(again);

	for (m = 0; m < GEN_MUT_COUNT; m++) {
		gen_schema s;
		retort_schema *b = NULL;
		char *bsql = NULL, *what = NULL, *why2 = NULL;
		int eq1, eq2;

		gen_schema_generate(&s, seed, NULL);
		if (!gen_schema_mutate(&s, (gen_mutation)m, seed + (uint64_t)m, &what)) {
			gen_schema_release(&s);
			continue;
		}
		ms->applied[m]++;
		bsql = gen_schema_to_sql(&s);
		if (retort_schema_from_sql(&b, bsql, "mutated.sql", NULL, &err) != 0) {
			harness_failed++;
			fprintf(stderr, "seed %llu: mutation %s (%s): reading it failed\n",
				(unsigned long long)seed, gen_mutation_name((gen_mutation)m), what);
			rt_print_error("retort_schema_from_sql", err);
			retort_error_free(err);
			err = NULL;
		} else {
			/* a failed comparison counts as unseen */
			if (retort_schema_equal(&eq1, &why, a, b, NULL) != 0)
				eq1 = -1;
			if (retort_schema_equal(&eq2, &why2, b, a, NULL) != 0)
				eq2 = -1;
			if (eq1 != 0 || eq2 != 0) {
				ms->missed[m]++;
				harness_failed++;
				fprintf(stderr, "seed %llu: mutation %s (%s) is not seen: "
					"retort_schema_equal = %d / %d\n", (unsigned long long)seed,
					gen_mutation_name((gen_mutation)m), what, eq1, eq2);
				if (detail)
					rt_print_numbered("mutated SQL", bsql);
			} else {
				harness_passed++;
			}
		}
		free(why);
		free(why2);
		why = NULL;
		retort_schema_free(b);
		free(bsql);
		free(what);
		gen_schema_release(&s);
	}
}

/* The seeds the environment asks for (400 by default). */
static void test_seeds(void)
{
	unsigned long count, first, last, seed;
	int seed_given;
	rt_stats st;
	mut_stats ms;
	int m;

	memset(&st, 0, sizeof(st));
	memset(&ms, 0, sizeof(ms));
	count = harness_env_number("RETORT_ROUNDTRIP_COUNT", 400, NULL);
	first = harness_env_number("RETORT_ROUNDTRIP_SEED", 1, &seed_given);
	last = seed_given ? first : count;

	for (seed = first; seed <= last; seed++) {
		gen_schema s;
		retort_schema *a = NULL;
		char *sql, label[64];
		int detail = seed_given || st.failures < DETAILED_FAILURES;

		snprintf(label, sizeof(label), "seed %lu", seed);
		gen_schema_generate(&s, seed, NULL);
		sql = gen_schema_to_sql(&s);
		if (rt_check(label, sql, detail, &st, &a, NULL) != 0) {
			harness_failed++;
		} else {
			harness_passed++;
			if (check_counts(seed, &s, a) == 0)
				harness_passed++;
			else
				harness_failed++;
			check_mutations(seed, sql, a, &ms, detail);
		}
		retort_schema_free(a);
		free(sql);
		gen_schema_release(&s);
	}

	printf("round trip: %lu schemas, %lu failed; checked %lu tables, %lu indexes, "
		"%lu views, %lu triggers\n", st.schemas, st.failures, st.tables, st.indexes,
		st.views, st.triggers);
	printf("mutations seen as differences:");
	for (m = 0; m < GEN_MUT_COUNT; m++)
		printf(" %s %lu/%lu", gen_mutation_name((gen_mutation)m),
			ms.applied[m] - ms.missed[m], ms.applied[m]);
	printf("\n");
	/* a run that checked nothing of a kind proves nothing about it */
	if (!seed_given && last >= 100) {
		CHECK(st.tables > 0 && st.indexes > 0 && st.views > 0 && st.triggers > 0);
		for (m = 0; m < GEN_MUT_COUNT; m++)
			CHECK(ms.applied[m] > 0);
	}
	if (st.failures)
		fprintf(stderr, "reproduce a failure with RETORT_ROUNDTRIP_SEED=N (prints its "
			"SQL and YAML), or print its SQL with test_gen_schema N\n");
}

static const harness_case cases[] = {
	HARNESS_CASE(test_seeds),
};

HARNESS_MAIN(cases)
