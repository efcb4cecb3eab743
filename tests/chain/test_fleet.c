/*
** test_fleet.c: retort_fleet_run(), the library's fan-out over a database
** per tenant (issue 19): 40 files given out of order with one listed twice,
** a corrupt one and a URL retort does not take; three workers. The results
** come back sorted and once per file, the callback sees them in that order,
** the failures stay as they were and do not stop the others, a rerun finds
** the rest at head, max_failures skips what was not started, and the fleet
** goes back down to base. Run under TSan or ASan it also shows the workers
** share nothing they write.
*/
#include "harness.h"
#include "retort.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N_TENANTS 40
#define CORRUPT "this is not a SQLite database, not at all\n"

static char root[256], revisions[512];
static char *names[N_TENANTS + 3];
static size_t n_names;

typedef struct told {
	size_t next;   /* the index the callback expects next */
	int in_order;
} told;

static void on_result(void *ctx, size_t index, const retort_fleet_result *r)
{
	told *t = ctx;

	(void)r;
	if (index != t->next)
		t->in_order = 0;
	t->next++;
}

/* Does the file at `path` hold exactly `text`? */
static int same_text(const char *path, const char *text)
{
	char got[200] = "";
	FILE *f = fopen(path, "rb");
	size_t len = f ? fread(got, 1, sizeof(got) - 1, f) : 0;

	if (f)
		fclose(f);
	return len == strlen(text) && memcmp(got, text, len) == 0;
}

static char *add_name(const char *fmt, int i)
{
	char path[400];

	snprintf(path, sizeof(path), fmt, root, i);
	names[n_names] = strdup(path);
	return names[n_names++];
}

/* Run `op` on every name; returns the number of results with `status`. */
static size_t run(retort_fleet_result **res, size_t *n, const retort_revisions *revs,
	retort_fleet_op op, const char *target, size_t max_failures, int jobs,
	retort_fleet_status status)
{
	retort_fleet_options o = RETORT_FLEET_OPTIONS_INIT;
	told t = { 0, 1 };
	size_t i, k = 0;

	o.op = op;
	o.target = target;
	o.jobs = jobs;
	o.max_failures = max_failures;
	o.on_result = on_result;
	o.ctx = &t;
	CHECK_INT(retort_fleet_run(res, n, (const char *const *)names, n_names, revs, &o, NULL), 0);
	CHECK_INT(t.next, *n);
	CHECK(t.in_order);
	for (i = 0; i < *n; i++) {
		if (i)
			CHECK(strcmp((*res)[i - 1].path, (*res)[i].path) < 0);
		k += (*res)[i].status == status;
	}
	return k;
}

/* The read hook: each database's path in its own slot, and in another
** whether the call was as promised (the harness's counters are not for
** worker threads: main checks the slots); the one named `fail` fails with
** what the library says of a revision it lacks. */
typedef struct reads {
	char *path[N_TENANTS + 3];
	int as_promised[N_TENANTS + 3];
	const retort_revisions *revs;
	const char *fail;
} reads;

static int on_read(void *ctx, size_t index, retort_db *db, const retort_fleet_result *r,
	retort_error **err)
{
	reads *x = ctx;
	const retort_revision **out = NULL;
	size_t n = 0;
	int rc = 0;

	if (index >= N_TENANTS + 3)
		return -1;
	x->as_promised[index] = db != NULL && r->after_known && !x->path[index];
	x->path[index] = strdup(r->path);
	if (strstr(r->path, x->fail))
		rc = retort_revisions_resolve(&out, &n, x->revs, "ffffffffffff", NULL, 0, err);
	free(out);
	return rc;
}

/* The repository's own revisions, loaded by main, for every case. */
static retort_revisions *pet_chain;
static char *corrupt;

/* Bring every tenant to head, whatever a case before left (alone: from
** nothing), for a case that starts there. */
static void upgrade_all(void)
{
	retort_fleet_result *res = NULL;
	size_t n = 0;

	run(&res, &n, pet_chain, RETORT_FLEET_UPGRADE, NULL, 0, 3, RETORT_FLEET_DONE);
	retort_fleet_results_free(res, n);
}

static void test_upgrade(void)
{
	retort_fleet_result *res = NULL;
	size_t n = 0;

	CHECK_INT(run(&res, &n, pet_chain, RETORT_FLEET_UPGRADE, NULL, 0, 3, RETORT_FLEET_DONE),
		N_TENANTS);
	CHECK_INT(n, N_TENANTS + 2);
	CHECK_STR(res[0].path, corrupt);
	CHECK_INT(res[0].status, RETORT_FLEET_FAILED);
	CHECK_INT(res[0].code, RETORT_EINVALID);
	CHECK(res[0].error && strstr(res[0].error->message, "not a SQLite database"));
	CHECK_INT(res[n - 1].status, RETORT_FLEET_FAILED);
	CHECK(res[n - 1].error && strstr(res[n - 1].error->message, "postgresql"));
	CHECK(res[1].before_known && res[1].n_before == 0);
	CHECK(res[1].after_known && res[1].n_after == 1 && res[1].steps >= 2);
	CHECK_INT(harness_query_int(res[1].path, "SELECT count(*) FROM pragma_table_info('pet') "
		"WHERE name = 'owner_id'"), 1);
	retort_fleet_results_free(res, n);
	CHECK(same_text(corrupt, CORRUPT));

	/* a rerun does only what is left: nothing */
	CHECK_INT(run(&res, &n, pet_chain, RETORT_FLEET_UPGRADE, "head", 0, 2,
		RETORT_FLEET_AT_TARGET), N_TENANTS);
	retort_fleet_results_free(res, n);

	CHECK_INT(run(&res, &n, pet_chain, RETORT_FLEET_CURRENT, NULL, 0, 0, RETORT_FLEET_DONE),
		N_TENANTS);
	CHECK(res[1].n_before == 1 && res[1].n_after == 1);
	retort_fleet_results_free(res, n);
}

/* a read hook: called on each database that opens, with its own index,
** from several threads; its failure fails that database only */
static void test_read_hook(void)
{
	retort_fleet_options o = RETORT_FLEET_OPTIONS_INIT;
	reads x = { { NULL }, { 0 }, pet_chain, "tenant-03.db" };
	retort_fleet_result *res = NULL;
	size_t n = 0, i;

	upgrade_all();
	o.op = RETORT_FLEET_CURRENT;
	o.jobs = 3;
	o.read = on_read;
	o.ctx = &x;
	CHECK_INT(retort_fleet_run(&res, &n, (const char *const *)names, n_names, pet_chain, &o,
		NULL), 0);
	CHECK(!x.path[0] && !x.path[n - 1]);
	for (i = 1; i + 1 < n; i++) {
		CHECK(x.path[i] && strcmp(x.path[i], res[i].path) == 0);
		CHECK(x.as_promised[i]);
		CHECK_INT(res[i].status, strstr(res[i].path, "tenant-03.db") ?
			RETORT_FLEET_FAILED : RETORT_FLEET_DONE);
	}
	for (i = 0; i < N_TENANTS + 3; i++)
		free(x.path[i]);
	for (i = 0; i < n && !strstr(res[i].path, "tenant-03.db"); i++)
		;
	CHECK(i < n && res[i].code == RETORT_ENOTFOUND && res[i].error);
	retort_fleet_results_free(res, n);
}

/* one worker, one failure allowed: the corrupt file sorts first, so
** nothing else is started (the bad URL failed before the run) */
static void test_max_failures(void)
{
	retort_fleet_result *res = NULL;
	size_t n = 0;

	upgrade_all();
	CHECK_INT(run(&res, &n, pet_chain, RETORT_FLEET_DOWNGRADE, "base", 1, 1,
		RETORT_FLEET_SKIPPED), N_TENANTS);
	CHECK_INT(harness_query_int(res[1].path, "SELECT count(*) FROM retort_version"), 1);
	retort_fleet_results_free(res, n);
}

static void test_downgrade(void)
{
	retort_fleet_result *res = NULL;
	size_t n = 0, i;

	upgrade_all();
	CHECK_INT(run(&res, &n, pet_chain, RETORT_FLEET_DOWNGRADE, "base", 0, 4, RETORT_FLEET_DONE),
		N_TENANTS);
	for (i = 1; i + 1 < n; i++)
		CHECK_INT(harness_query_int(res[i].path, "SELECT count(*) FROM retort_version"), 0);
	retort_fleet_results_free(res, n);
}

static const harness_case cases[] = {
	HARNESS_CASE(test_upgrade),
	HARNESS_CASE(test_read_hook),
	HARNESS_CASE(test_max_failures),
	HARNESS_CASE(test_downgrade),
};

int main(int argc, char **argv)
{
	size_t i;
	int rc = harness_args(argc, argv, HARNESS_CASES(cases));

	if (rc >= 0)
		return rc;
	if (harness_chain_setup(revisions, sizeof(revisions), root, sizeof(root), "fleet") != 0)
		return 1;
	if (retort_revisions_load(&pet_chain, revisions, NULL) != 0) {
		fprintf(stderr, "cannot load %s\n", revisions);
		return 1;
	}
	/* given newest first: the results must still come sorted */
	for (i = N_TENANTS; i-- > 0;)
		add_name("%s/tenant-%02d.db", (int)i);
	add_name("sqlite:///%s/tenant-%02d.db", 7);
	corrupt = add_name("%s/a-corrupt-%d.db", 0);
	harness_write_file(root, "a-corrupt-0.db", CORRUPT);
	add_name("postgresql://host/db%d", 0);

	harness_run(HARNESS_CASES(cases));

	for (i = 0; i < n_names; i++)
		free(names[i]);
	retort_revisions_free(pet_chain);
	rc = harness_done();
	harness_rmdir(root);
	return rc;
}
