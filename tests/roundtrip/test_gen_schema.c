/*
** test_gen_schema.c: the schema generator itself, judged by SQLite alone:
** every generated schema and every mutation of one is accepted by SQLite
** (views, triggers and foreign keys included), and a seed always gives the
** same SQL.
**
**   test_gen_schema                    check seeds 1..RETORT_GEN_COUNT (1000)
**   test_gen_schema --case seeds       the same (harness.h: its one case)
**   test_gen_schema SEED [MUTATION]    print the SQL of one seed (after one
**                                      mutation, by number or name)
*/
#include "gen_schema.h"
#include "sqlcheck.h"
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long env_count(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v || !*v)
		return dflt;
	n = strtoul(v, &end, 10);
	return *end ? dflt : n;
}

static int print_one(const char *seed_arg, const char *mutation)
{
	unsigned long long seed = strtoull(seed_arg, NULL, 10);
	gen_schema s;
	char *sql, *what = NULL;

	gen_schema_generate(&s, seed, NULL);
	if (mutation) {
		int m;
		for (m = 0; m < GEN_MUT_COUNT; m++)
			if (strcmp(mutation, gen_mutation_name((gen_mutation)m)) == 0)
				break;
		if (m == GEN_MUT_COUNT)
			m = (int)strtol(mutation, NULL, 10);
		if (!gen_schema_mutate(&s, (gen_mutation)m, seed, &what))
			fprintf(stderr, "mutation %s does not apply\n", mutation);
		else
			printf("-- mutation: %s\n", what);
	}
	sql = gen_schema_to_sql(&s);
	fputs(sql, stdout);
	free(sql);
	free(what);
	gen_schema_release(&s);
	return 0;
}

/* How much of each kind the run produced, to show it covers them. */
typedef struct tally {
	unsigned long tables, strict, without_rowid, virtual_tables, columns, generated;
	unsigned long fks, checks, uniques, indexes, partial, views, triggers, mutations;
} tally;

static void count(tally *t, const gen_schema *s)
{
	size_t i, j;

	for (i = 0; i < s->ntables; i++) {
		const gen_table *x = &s->tables[i];
		t->tables++;
		t->strict += x->strict;
		t->without_rowid += x->without_rowid;
		t->virtual_tables += x->virtual_using != NULL;
		t->columns += x->ncols;
		t->fks += x->nfks;
		t->checks += x->nchecks;
		t->uniques += x->nuniques;
		for (j = 0; j < x->ncols; j++) {
			t->generated += x->cols[j].generated != GEN_GENERATED_NONE;
			t->fks += x->cols[j].fk != NULL;
			t->checks += x->cols[j].check != NULL;
			t->uniques += x->cols[j].unique;
		}
	}
	t->indexes += s->nindexes;
	for (i = 0; i < s->nindexes; i++)
		t->partial += s->indexes[i].where != NULL;
	t->views += s->nviews;
	t->triggers += s->ntriggers;
}

static void check_seed(uint64_t seed, tally *t)
{
	gen_schema s, again;
	char *sql, *sql2, *err = NULL;
	int m;

	gen_schema_generate(&s, seed, NULL);
	gen_schema_generate(&again, seed, NULL);
	sql = gen_schema_to_sql(&s);
	sql2 = gen_schema_to_sql(&again);
	CHECK_STR(sql, sql2);
	if (sqlcheck_schema(sql, &err) < 0) {
		harness_failed++;
		fprintf(stderr, "seed %llu: SQLite rejects the generated schema: %s\n%s\n",
			(unsigned long long)seed, err, sql);
	} else {
		harness_passed++;
	}
	free(err);
	count(t, &s);
	for (m = 0; m < GEN_MUT_COUNT; m++) {
		gen_schema b;
		char *bsql, *what = NULL;

		gen_schema_generate(&b, seed, NULL);
		if (gen_schema_mutate(&b, (gen_mutation)m, seed + (uint64_t)m, &what)) {
			t->mutations++;
			bsql = gen_schema_to_sql(&b);
			err = NULL;
			if (strcmp(bsql, sql) == 0) {
				harness_failed++;
				fprintf(stderr, "seed %llu: mutation %s (%s) left the SQL as it was\n",
					(unsigned long long)seed, gen_mutation_name((gen_mutation)m), what);
			} else if (sqlcheck_schema(bsql, &err) < 0) {
				harness_failed++;
				fprintf(stderr, "seed %llu: mutation %s (%s): SQLite rejects it: %s\n%s\n",
					(unsigned long long)seed, gen_mutation_name((gen_mutation)m), what,
					err, bsql);
			} else {
				harness_passed++;
			}
			free(err);
			free(bsql);
		}
		free(what);
		gen_schema_release(&b);
	}
	free(sql);
	free(sql2);
	gen_schema_release(&s);
	gen_schema_release(&again);
}

/* Seeds 1..RETORT_GEN_COUNT (1000). */
static void test_seeds(void)
{
	unsigned long n, i;
	tally t;

	memset(&t, 0, sizeof(t));
	n = env_count("RETORT_GEN_COUNT", 1000);
	for (i = 1; i <= n; i++)
		check_seed(i, &t);
	printf("%lu seeds: %lu tables (%lu STRICT, %lu WITHOUT ROWID, %lu virtual), "
		"%lu columns (%lu generated), %lu foreign keys, %lu checks, %lu uniques, "
		"%lu indexes (%lu partial), %lu views, %lu triggers, %lu mutations\n",
		n, t.tables, t.strict, t.without_rowid, t.virtual_tables, t.columns, t.generated,
		t.fks, t.checks, t.uniques, t.indexes, t.partial, t.views, t.triggers, t.mutations);
	/* a generator that stopped producing a kind would make the round trip
	** prove nothing about it */
	if (n >= 200) {
		CHECK(t.strict > 0 && t.without_rowid > 0 && t.virtual_tables > 0);
		CHECK(t.generated > 0 && t.fks > 0 && t.checks > 0 && t.uniques > 0);
		CHECK(t.partial > 0 && t.views > 0 && t.triggers > 0);
	}
}

static const harness_case cases[] = {
	HARNESS_CASE(test_seeds),
};

int main(int argc, char **argv)
{
	int rc;

	/* a seed, not an option: print its SQL */
	if (argc > 1 && argv[1][0] != '-')
		return print_one(argv[1], argc > 2 ? argv[2] : NULL);
	rc = harness_args(argc, argv, HARNESS_CASES(cases));
	if (rc >= 0)
		return rc;
	harness_run(HARNESS_CASES(cases));
	return harness_done();
}
