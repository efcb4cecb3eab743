/*
** test_git.c: retort's questions to git, on real repositories made here
** with libgit2: author and commit (configured user, $GIT_AUTHOR_*, no commit
** yet, detached HEAD, a subfolder, outside git), models at a ref, the commit
** of each revision file, diverged revisions against another branch, and a
** revision file found on another branch.
*/
#include "harness.h"
#include "retort.h"
#include "gitinfo.h"
#include "revision.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[256];

static void make_dir(const char *path)
{
	if (mkdir(path, 0755) != 0) {
		perror(path);
		exit(1);
	}
}

static void must(int rc, const char *what)
{
	if (rc < 0) {
		const git_error *e = git_error_last();
		fprintf(stderr, "%s: %s\n", what, e ? e->message : "failed");
		exit(1);
	}
}

/* Stage everything and commit it on HEAD; returns the commit's id. */
static git_oid commit_all(git_repository *repo, const char *message)
{
	git_index *index;
	git_oid tree_id, id, parent_id;
	git_tree *tree;
	git_signature *sig;
	git_commit *parent = NULL;
	const git_commit *parents[1];
	int n_parents = 0;

	must(git_repository_index(&index, repo), "index");
	must(git_index_add_all(index, NULL, 0, NULL, NULL), "add");
	must(git_index_write(index), "write index");
	must(git_index_write_tree(&tree_id, index), "write tree");
	must(git_tree_lookup(&tree, repo, &tree_id), "tree");
	must(git_signature_now(&sig, "Jane Dev", "jane@example.com"), "signature");
	if (git_reference_name_to_id(&parent_id, repo, "HEAD") == 0) {
		must(git_commit_lookup(&parent, repo, &parent_id), "parent");
		parents[n_parents++] = parent;
	}
	must(git_commit_create(&id, repo, "HEAD", sig, sig, NULL, message, tree, n_parents, parents),
		"commit");
	git_commit_free(parent);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(index);
	return id;
}

/* Switch the work tree to `branch`, as `git checkout --force` would. */
static void checkout(git_repository *repo, const char *branch)
{
	git_checkout_options opts;

	must(git_checkout_options_init(&opts, GIT_CHECKOUT_OPTIONS_VERSION), "checkout options");
	opts.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_REMOVE_UNTRACKED;
	must(git_repository_set_head(repo, branch), branch);
	must(git_checkout_head(repo, &opts), "checkout");
}

static git_repository *new_repo(const char *dir)
{
	git_repository *repo;
	git_config *cfg;

	must(git_repository_init(&repo, dir, 0), "init");
	must(git_repository_config(&cfg, repo), "config");
	must(git_config_set_string(cfg, "user.name", "Jane Dev"), "user.name");
	must(git_config_set_string(cfg, "user.email", "jane@example.com"), "user.email");
	git_config_free(cfg);
	return repo;
}

static char *revision(const char *id, const char *parent, const char *up)
{
	static char text[1024];

	snprintf(text, sizeof(text), "-- retort revision: %s\n-- parent: %s\n-- message: m\n"
		"-- created: 2026-11-24T10:00:00Z\n\n-- retort:upgrade\n%s\n\n-- retort:downgrade\n", id,
		parent, up);
	return text;
}

static void test_identity(void)
{
	char dir[300], sub[320], *author = NULL, *commit = NULL, hex[GIT_OID_HEXSZ + 1];
	git_repository *repo;
	git_oid head;

	snprintf(dir, sizeof(dir), "%s/ident", root);
	make_dir(dir);
	/* outside git (the temporary root is not in a repository) */
	CHECK_INT(retort_git_identity(&author, &commit, dir, NULL), 0);
	CHECK(author == NULL && commit == NULL);

	repo = new_repo(dir);
	/* no commit yet: the author is known, the commit is not */
	CHECK_INT(retort_git_identity(&author, &commit, dir, NULL), 0);
	CHECK_STR(author, "Jane Dev <jane@example.com>");
	CHECK(commit == NULL);
	free(author);

	harness_write_file(dir, "a.txt", "a\n");
	head = commit_all(repo, "first");
	git_oid_tostr(hex, sizeof(hex), &head);
	snprintf(sub, sizeof(sub), "%s/deep", dir);
	make_dir(sub);
	CHECK_INT(retort_git_identity(&author, &commit, sub, NULL), 0);
	CHECK_STR(commit, hex);
	free(author);
	free(commit);

	/* detached HEAD, and the environment's author first, as git commit does */
	must(git_repository_set_head_detached(repo, &head), "detach");
	setenv("GIT_AUTHOR_NAME", "Env Author", 1);
	setenv("GIT_AUTHOR_EMAIL", "env@example.com", 1);
	CHECK_INT(retort_git_identity(&author, &commit, sub, NULL), 0);
	CHECK_STR(author, "Env Author <env@example.com>");
	CHECK_STR(commit, hex);
	unsetenv("GIT_AUTHOR_NAME");
	unsetenv("GIT_AUTHOR_EMAIL");
	free(author);
	free(commit);
	git_repository_free(repo);
}

/* models at HEAD~1 and HEAD, from git's objects, whatever the work tree has */
static void test_models_at_ref(void)
{
	char dir[300], path[400];
	git_repository *repo;
	retort_config *cfg = NULL;
	retort_schema *old = NULL, *now = NULL;
	retort_error *err = NULL;

	snprintf(dir, sizeof(dir), "%s/models", root);
	make_dir(dir);
	repo = new_repo(dir);
	harness_write_file(dir, "retort.yaml", "database: sqlite:///data.db\n");
	snprintf(path, sizeof(path), "%s/models", dir);
	make_dir(path);
	harness_write_file(path, "a.yaml", "tables:\n  user:\n    columns:\n      id: {type: INTEGER, primary_key: true}\n");
	commit_all(repo, "user");
	harness_write_file(path, "b.yml", "tables:\n  pet:\n    columns:\n      id: {type: INTEGER, primary_key: true}\n");
	commit_all(repo, "pet");
	/* the work tree moves on; git:HEAD must not see it */
	harness_write_file(path, "c.yaml", "tables:\n  toy:\n    columns:\n      id: {type: INTEGER}\n");

	snprintf(path, sizeof(path), "%s/retort.yaml", dir);
	CHECK_INT(retort_config_find(&cfg, path, NULL, NULL), 0);
	CHECK_INT(retort_models_load_git(&old, "HEAD~1", cfg, NULL), 0);
	CHECK_INT(retort_models_load_git(&now, "HEAD", cfg, NULL), 0);
	CHECK_INT(old ? retort_schema_table_count(old) : 0, 1);
	CHECK_INT(now ? retort_schema_table_count(now) : 0, 2);
	CHECK_INT(retort_models_load_git(&(retort_schema *){ NULL }, "no-such-ref", cfg, &err),
		RETORT_ENOTFOUND);
	CHECK(err && strstr(err->message, "no-such-ref"));
	retort_error_free(err);
	err = NULL;

	/* a model error at a ref names ref:path and the line */
	snprintf(path, sizeof(path), "%s/models", dir);
	harness_write_file(path, "a.yaml", "tables:\n  user:\n    columns:\n      id: {type: INTEGER, primray_key: true}\n");
	commit_all(repo, "typo");
	CHECK_INT(retort_models_load_git(&(retort_schema *){ NULL }, "HEAD", cfg, &err), RETORT_EINVALID);
	CHECK(err && err->path && strcmp(err->path, "HEAD:models/a.yaml") == 0);
	CHECK_INT(err ? err->line : 0, 4);
	retort_error_free(err);
	retort_schema_free(old);
	retort_schema_free(now);
	retort_config_free(cfg);
	git_repository_free(repo);
}

/*
** main: base <- r1; branch "feature" adds r2 on r1, main adds r3 on r1 (a
** divergence); a clean branch "linear" adds r4 on r3.
*/
static void test_branches(void)
{
	char dir[300], revdir[320], *report = NULL, *where = NULL, **commits = NULL;
	git_repository *repo;
	git_commit *c;
	git_reference *branch;
	git_oid first, on_main, id;
	retort_revisions *revs = NULL;
	retort_error *err = NULL;

	snprintf(dir, sizeof(dir), "%s/branches", root);
	make_dir(dir);
	repo = new_repo(dir);
	snprintf(revdir, sizeof(revdir), "%s/revisions", dir);
	make_dir(revdir);
	harness_write_file(revdir, "111111111111_base.sql", revision("111111111111", "none", "CREATE TABLE a(x);"));
	first = commit_all(repo, "base");
	must(git_commit_lookup(&c, repo, &first), "lookup");
	must(git_branch_create(&branch, repo, "feature", c, 0), "branch");
	git_reference_free(branch);
	git_commit_free(c);

	harness_write_file(revdir, "333333333333_main.sql", revision("333333333333", "111111111111", "CREATE TABLE c(x);"));
	on_main = commit_all(repo, "main adds r3");

	/* feature: r2 on r1, committed on the feature branch */
	checkout(repo, "refs/heads/feature");
	harness_write_file(revdir, "222222222222_feature.sql", revision("222222222222", "111111111111", "CREATE TABLE b(x);"));
	id = commit_all(repo, "feature adds r2");

	CHECK_INT(retort_revisions_load(&revs, revdir, NULL), 0);
	if (!revs)
		return;
	/* each revision's file was last touched by the commit that added it */
	CHECK_INT(retort_gitinfo_revision_commits(&commits, revs, NULL), 0);
	if (commits) {
		char hex[GIT_OID_HEXSZ + 1];
		const retort_revision *r2 = retort_revisions_get(revs, "222222222222");
		git_oid_tostr(hex, sizeof(hex), &id);
		CHECK_STR(commits[r2->index], hex);
		git_oid_tostr(hex, sizeof(hex), &first);
		CHECK_STR(commits[retort_revisions_get(revs, "111111111111")->index], hex);
		retort_strings_free(commits, retort_revisions_count(revs));
	}
	/* an edit not yet committed: the file's commit is unknown */
	harness_write_file(revdir, "222222222222_feature.sql", revision("222222222222", "111111111111", "CREATE TABLE b(x, y);"));
	retort_revisions_free(revs);
	CHECK_INT(retort_revisions_load(&revs, revdir, NULL), 0);
	CHECK_INT(retort_gitinfo_revision_commits(&commits, revs, NULL), 0);
	if (commits) {
		CHECK(commits[retort_revisions_get(revs, "222222222222")->index] == NULL);
		CHECK(commits[retort_revisions_get(revs, "111111111111")->index] != NULL);
		retort_strings_free(commits, retort_revisions_count(revs));
	}

	CHECK_INT(retort_git_check_base(&report, revs, "master", &err), RETORT_EMISMATCH);
	CHECK(report && strstr(report, "222222222222") && strstr(report, "333333333333"));
	free(report);
	report = NULL;

	/* r3 is on master only: git says where */
	CHECK_INT(retort_git_find_revision(&where, revs, "333333333333", NULL), 0);
	CHECK(where && strstr(where, "master") && strstr(where, "333333333333_main.sql"));
	free(where);
	CHECK_INT(retort_git_find_revision(&where, revs, "999999999999", NULL), 0);
	CHECK(where == NULL);
	retort_revisions_free(revs);

	/* a clean pair: back on master, r4 on r3 in a new branch */
	checkout(repo, "refs/heads/master");
	(void)on_main;
	harness_write_file(revdir, "444444444444_linear.sql", revision("444444444444", "333333333333", "CREATE TABLE d(x);"));
	commit_all(repo, "r4 on r3");
	CHECK_INT(retort_revisions_load(&revs, revdir, NULL), 0);
	CHECK_INT(retort_git_check_base(&report, revs, "master~1", &err), 0);
	CHECK(report == NULL);
	retort_revisions_free(revs);
	retort_error_free(err);
	git_repository_free(repo);
}

static const harness_case cases[] = {
	HARNESS_CASE(test_identity),
	HARNESS_CASE(test_models_at_ref),
	HARNESS_CASE(test_branches),
};

int main(int argc, char **argv)
{
	int rc = harness_args(argc, argv, HARNESS_CASES(cases));

	if (rc >= 0)
		return rc;
	snprintf(root, sizeof(root), "/tmp/retort-test-git-XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	/* the user's own git configuration must not leak in */
	setenv("HOME", root, 1);
	setenv("XDG_CONFIG_HOME", root, 1);
	unsetenv("GIT_AUTHOR_NAME");
	unsetenv("GIT_AUTHOR_EMAIL");
	git_libgit2_init();
	harness_run(HARNESS_CASES(cases));
	git_libgit2_shutdown();
	rc = harness_done();
	harness_rmdir(root);
	return rc;
}
