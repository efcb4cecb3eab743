/*
** git.c: what retort asks of the git repository a project lives in, through
** libgit2 (the only file that includes <git2.h>): who is writing a revision
** and on which commit, the models as committed at a ref, the commit that
** last touched each revision file, revisions that diverged from another
** branch, and where a revision file missing here can be found.
**
** Outside a repository every question has the answer "unknown" (NULL, or
** nothing found), never an error: git is a help, not a requirement.
*/
/* realpath() is XSI */
#define _XOPEN_SOURCE 700

#include "build.h"
#include "buf.h"
#include "error.h"
#include "model.h"
#include "revision.h"

#include <git2.h>
#include <limits.h>
#include <pthread.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

static int git_fail(retort_error **err, const char *what)
{
	const git_error *e = git_error_last();

	return error_set(err, RETORT_ERROR, "git: %s: %s", what, e && e->message ? e->message : "failed");
}

static pthread_once_t git_once = PTHREAD_ONCE_INIT;

static void git_start(void)
{
	git_libgit2_init();
}

/* Is there a .git in `dir` or a parent (or a $GIT_DIR)? Looked at before
** libgit2 is started, which costs a parse of the system's CA bundle. */
static int near_git(const char *dir)
{
	char path[PATH_MAX];
	size_t len;

	if (getenv("GIT_DIR"))
		return 1;
	if (!realpath(dir ? dir : ".", path))
		return 0;
	for (;;) {
		len = strlen(path);
		if (len + 6 >= sizeof(path))
			return 0;
		memcpy(path + len, len > 1 ? "/.git" : ".git", len > 1 ? 6 : 5);
		if (access(path, F_OK) == 0)
			return 1;
		path[len] = '\0';
		if (len <= 1)
			return 0;
		*strrchr(path, '/') = '\0';
		if (!*path)
			memcpy(path, "/", 2);
	}
}

/*
** Open the repository holding `dir` (searching upwards); *repo is NULL
** outside one. libgit2 is started once per process and left running: shut
** down by one thread while another still uses it, it would free that
** thread's state from under it.
*/
static int open_repo(git_repository **repo, const char *dir, retort_error **err)
{
	int rc;

	*repo = NULL;
	if (!near_git(dir))
		return 0;
	pthread_once(&git_once, git_start);
	rc = git_repository_open_ext(repo, dir ? dir : ".", 0, NULL);

	if (rc == GIT_ENOTFOUND) {
		*repo = NULL;
		return 0;
	}
	return rc < 0 ? git_fail(err, "cannot open the repository") : 0;
}

static char *oid_hex(const git_oid *oid)
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), oid);
	return xstrdup(hex);
}

/* "Name <email>" as `git commit` would write it: $GIT_AUTHOR_NAME and
** $GIT_AUTHOR_EMAIL first, then user.name and user.email. */
static char *author_of(git_repository *repo)
{
	const char *name = getenv("GIT_AUTHOR_NAME"), *email = getenv("GIT_AUTHOR_EMAIL");
	git_signature *sig = NULL;
	retort_buf b = RETORT_BUF_INIT;

	if ((!name || !email) && git_signature_default(&sig, repo) == 0) {
		name = name ? name : sig->name;
		email = email ? email : sig->email;
	}
	if (name && email)
		buf_printf(&b, "%s <%s>", name, email);
	git_signature_free(sig);
	return b.len ? buf_detach(&b) : NULL;
}

int retort_git_identity(char **author, char **commit, const char *dir, retort_error **err)
{
	git_repository *repo = NULL;
	git_oid head;
	int rc;

	*author = NULL;
	*commit = NULL;
	rc = open_repo(&repo, dir, err);
	if (!rc && repo) {
		*author = author_of(repo);
		/* no commit yet (an unborn branch): the revision says nothing */
		if (git_reference_name_to_id(&head, repo, "HEAD") == 0)
			*commit = oid_hex(&head);
	}
	git_repository_free(repo);
	return rc;
}

/* `path` relative to the repository's work tree, or NULL when it is not
** inside it. The path need not exist (the models may be gone from the work
** tree and only in history), so only its existing folder is resolved. */
static char *repo_relative(git_repository *repo, const char *path)
{
	const char *workdir = git_repository_workdir(repo);
	char resolved[PATH_MAX], *dir = xstrdup(path), *slash, *rel = NULL;
	retort_buf full = RETORT_BUF_INIT;
	size_t wlen;

	if (!workdir || !dir)
		goto done;
	while ((slash = strrchr(dir, '/')) && slash[1] == '\0' && slash > dir)
		*slash = '\0';
	slash = strrchr(dir, '/');
	if (realpath(dir, resolved)) {
		buf_puts(&full, resolved);
	} else {
		if (slash)
			*slash = '\0';
		if (!realpath(slash ? (*dir ? dir : "/") : ".", resolved))
			goto done;
		buf_printf(&full, "%s/%s", resolved, slash ? slash + 1 : dir);
	}
	wlen = strlen(workdir);
	if (strncmp(full.ptr, workdir, wlen) == 0)
		rel = xstrdup(full.ptr + wlen);
	else if (full.len + 1 == wlen && strncmp(full.ptr, workdir, full.len) == 0)
		rel = xstrdup("");
done:
	free(dir);
	buf_release(&full);
	return rel;
}

/* `ref` (anything git understands: HEAD~1, origin/main, a tag) peeled to a
** commit or a tree. */
static int peel_ref(git_object **out, git_repository *repo, const char *ref, git_object_t type,
	retort_error **err)
{
	git_object *obj = NULL;
	int rc = git_revparse_single(&obj, repo, ref);

	if (rc == 0)
		rc = git_object_peel(out, obj, type);
	git_object_free(obj);
	if (rc < 0) {
		const git_error *e = git_error_last();
		return error_set(err, RETORT_ENOTFOUND, "git: no %s '%s' here: %s",
			type == GIT_OBJECT_COMMIT ? "commit" : "ref", ref,
			e && e->message ? e->message : "not found");
	}
	return 0;
}

static int has_yaml_suffix(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

/* Read one blob as a model file named `shown` in errors. */
static int read_model_blob(schema *raw, git_repository *repo, const git_oid *id,
	const char *shown, retort_error **err)
{
	git_blob *blob = NULL;
	int rc;

	if (git_blob_lookup(&blob, repo, id) < 0)
		return git_fail(err, shown);
	rc = model_read_text(raw, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
		shown, err);
	git_blob_free(blob);
	return rc;
}

int retort_models_load_git(retort_schema **out, const char *ref, const retort_config *cfg,
	retort_error **err)
{
	git_repository *repo = NULL;
	git_tree *tree = NULL, *folder = NULL;
	git_tree_entry *entry = NULL;
	schema *raw = NULL;
	char *rel = NULL;
	retort_buf shown = RETORT_BUF_INIT;
	size_t i;
	int rc;

	*out = NULL;
	rc = open_repo(&repo, retort_config_dir(cfg), err);
	if (!rc && !repo)
		rc = error_set(err, RETORT_ENOTFOUND, "git:%s: the project is not in a git repository", ref);
	if (!rc && !(rel = repo_relative(repo, retort_config_models(cfg))))
		rc = error_set(err, RETORT_ENOTFOUND, "git:%s: the models (%s) are outside the "
			"repository's work tree", ref, retort_config_models(cfg));
	if (!rc)
		rc = peel_ref((git_object **)&tree, repo, ref, GIT_OBJECT_TREE, err);
	if (!rc && git_tree_entry_bypath(&entry, tree, rel) < 0)
		rc = error_set(err, RETORT_ENOTFOUND, "git:%s: there is no %s at that commit", ref, rel);
	if (!rc && !(raw = schema_new()))
		rc = error_oom(err);
	if (!rc && git_tree_entry_type(entry) == GIT_OBJECT_BLOB) {
		buf_printf(&shown, "%s:%s", ref, rel);
		rc = read_model_blob(raw, repo, git_tree_entry_id(entry), shown.ptr, err);
	} else if (!rc) {
		/* a folder's entries come sorted by name, as a directory's are read */
		if (git_tree_lookup(&folder, repo, git_tree_entry_id(entry)) < 0)
			rc = git_fail(err, rel);
		for (i = 0; !rc && i < git_tree_entrycount(folder); i++) {
			const git_tree_entry *e = git_tree_entry_byindex(folder, i);
			if (git_tree_entry_type(e) != GIT_OBJECT_BLOB || !has_yaml_suffix(git_tree_entry_name(e)))
				continue;
			buf_clear(&shown);
			buf_printf(&shown, "%s:%s%s%s", ref, rel, *rel ? "/" : "", git_tree_entry_name(e));
			rc = read_model_blob(raw, repo, git_tree_entry_id(e), shown.ptr, err);
		}
	}
	if (!rc)
		rc = build_models(out, raw, cfg, err);
	retort_schema_free(raw);
	buf_release(&shown);
	free(rel);
	git_tree_entry_free(entry);
	git_tree_free(folder);
	git_tree_free(tree);
	git_repository_free(repo);
	return rc;
}

/* The revisions folder's tree at `commit`, or NULL when it has none. */
static git_tree *folder_at(git_repository *repo, const git_commit *commit, const char *rel)
{
	git_tree *root = NULL, *folder = NULL;
	git_tree_entry *entry = NULL;

	if (git_commit_tree(&root, commit) < 0)
		return NULL;
	if (!*rel)
		return root;
	if (git_tree_entry_bypath(&entry, root, rel) == 0 &&
	    git_tree_entry_type(entry) == GIT_OBJECT_TREE)
		git_tree_lookup(&folder, repo, git_tree_entry_id(entry));
	git_tree_entry_free(entry);
	git_tree_free(root);
	return folder;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
** Walk history from HEAD, newest first: the first commit whose revisions
** folder differs from its first parent's at a file's entry is the last one
** that touched that file. Only files that are in HEAD as they are in the
** work tree are looked for, so untracked or edited files never make the
** walk go through the whole history.
*/
int git_revision_commits(char ***out, const retort_revisions *revs, retort_error **err)
{
	git_repository *repo = NULL;
	git_revwalk *walk = NULL;
	git_commit *head = NULL;
	git_tree *head_folder = NULL;
	git_oid id;
	char **commits = calloc(revs->n ? revs->n : 1, sizeof(*commits)), *rel = NULL;
	unsigned char *wanted = calloc(revs->n ? revs->n : 1, 1);
	size_t left = 0, i;
	int rc;

	*out = NULL;
	if (!commits || !wanted) {
		free(commits);
		free(wanted);
		return error_oom(err);
	}
	rc = open_repo(&repo, revs->dir, err);
	if (rc || !repo || !(rel = repo_relative(repo, revs->dir)) ||
	    peel_ref((git_object **)&head, repo, "HEAD", GIT_OBJECT_COMMIT, NULL) ||
	    !(head_folder = folder_at(repo, head, rel)))
		goto done;
	for (i = 0; i < revs->n; i++) {
		const git_tree_entry *e = git_tree_entry_byname(head_folder, base_name(revs->revs[i]->path));
		git_oid file;
		wanted[i] = e && git_odb_hashfile(&file, revs->revs[i]->path, GIT_OBJECT_BLOB) == 0 &&
			git_oid_equal(&file, git_tree_entry_id(e));
		left += wanted[i];
	}
	if (!left || git_revwalk_new(&walk, repo) < 0 || git_revwalk_push_head(walk) < 0)
		goto done;
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	while (left > 0 && git_revwalk_next(&id, walk) == 0) {
		git_commit *c = NULL, *parent = NULL;
		git_tree *now = NULL, *before = NULL;
		if (git_commit_lookup(&c, repo, &id) < 0)
			break;
		now = folder_at(repo, c, rel);
		if (git_commit_parentcount(c) > 0 && git_commit_parent(&parent, c, 0) == 0)
			before = folder_at(repo, parent, rel);
		for (i = 0; now && i < revs->n; i++) {
			const char *name = base_name(revs->revs[i]->path);
			const git_tree_entry *e, *old;
			if (!wanted[i] || commits[i] || !(e = git_tree_entry_byname(now, name)))
				continue;
			old = before ? git_tree_entry_byname(before, name) : NULL;
			if (old && git_oid_equal(git_tree_entry_id(old), git_tree_entry_id(e)))
				continue;
			if (!(commits[i] = oid_hex(&id)))
				rc = error_oom(err);
			left--;
		}
		git_tree_free(now);
		git_tree_free(before);
		git_commit_free(parent);
		git_commit_free(c);
	}
done:
	git_revwalk_free(walk);
	git_tree_free(head_folder);
	git_commit_free(head);
	git_repository_free(repo);
	free(rel);
	free(wanted);
	if (rc) {
		retort_strings_free(commits, revs->n);
		return rc;
	}
	*out = commits;
	return 0;
}

/* A revision file added since the merge base, as the other branch has it. */
typedef struct added_rev {
	retort_revision *rev;
	int ours;
} added_rev;

static void free_added(added_rev *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!a[i].ours)
			revfile_free(a[i].rev);
	free(a);
}

/* Does `folder` (NULL: none) hold a file named for revision `id`? */
static const git_tree_entry *file_for(const git_tree *folder, const char *id)
{
	size_t i, n = folder ? git_tree_entrycount(folder) : 0;

	for (i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(folder, i);
		if (strncmp(git_tree_entry_name(e), id, 12) == 0)
			return e;
	}
	return NULL;
}

/* The revisions the other branch added: files of `theirs` not in `base`. */
static int theirs_added(added_rev **list, size_t *n, size_t *cap, git_repository *repo,
	const git_tree *theirs, const git_tree *base, const char *ref, const char *rel,
	retort_error **err)
{
	size_t i, count = theirs ? git_tree_entrycount(theirs) : 0;
	int rc = 0;

	for (i = 0; i < count && !rc; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(theirs, i);
		const char *name = git_tree_entry_name(e);
		size_t len = strlen(name);
		retort_buf shown = RETORT_BUF_INIT;
		git_blob *blob = NULL;
		added_rev *slot;
		if (len < 5 || strcmp(name + len - 4, ".sql") != 0 || git_tree_entry_type(e) != GIT_OBJECT_BLOB)
			continue;
		if (base && git_tree_entry_byname(base, name))
			continue;
		if (git_blob_lookup(&blob, repo, git_tree_entry_id(e)) < 0)
			return git_fail(err, name);
		buf_printf(&shown, "%s:%s%s%s", ref, rel, *rel ? "/" : "", name);
		if (!(slot = ARRAY_PUSH(*list, *n, *cap)))
			rc = error_oom(err);
		else if ((rc = revfile_parse(&slot->rev, shown.ptr, git_blob_rawcontent(blob),
				(size_t)git_blob_rawsize(blob), err)) != 0)
			(*n)--;
		else
			slot->ours = 0;
		git_blob_free(blob);
		buf_release(&shown);
	}
	return rc;
}

static int share_parent(const retort_revision *a, const retort_revision *b, const char **parent)
{
	size_t i, j;

	for (i = 0; i < a->n_parents; i++)
		for (j = 0; j < b->n_parents; j++)
			if (strcmp(a->parent_ids[i], b->parent_ids[j]) == 0) {
				*parent = a->parent_ids[i];
				return 1;
			}
	if (!a->n_parents && !b->n_parents) {
		*parent = "none";
		return 1;
	}
	return 0;
}

int retort_git_check_base(char **report, const retort_revisions *revs, const char *base_ref,
	retort_error **err)
{
	git_repository *repo = NULL;
	git_commit *head = NULL, *other = NULL, *base = NULL;
	git_tree *base_folder = NULL, *their_folder = NULL;
	git_oid base_id;
	added_rev *added = NULL;
	size_t n = 0, cap = 0, i, j;
	retort_buf out = RETORT_BUF_INIT;
	char *rel = NULL;
	int rc;

	*report = NULL;
	rc = open_repo(&repo, revs->dir, err);
	if (!rc && !repo)
		rc = error_set(err, RETORT_ENOTFOUND, "check --base: the project is not in a git repository");
	if (!rc && !(rel = repo_relative(repo, revs->dir)))
		rc = error_set(err, RETORT_ENOTFOUND, "check --base: %s is outside the repository's work tree",
			revs->dir);
	if (!rc)
		rc = peel_ref((git_object **)&head, repo, "HEAD", GIT_OBJECT_COMMIT, err);
	if (!rc)
		rc = peel_ref((git_object **)&other, repo, base_ref, GIT_OBJECT_COMMIT, err);
	if (!rc && git_merge_base(&base_id, repo, git_commit_id(head), git_commit_id(other)) < 0)
		rc = error_set(err, RETORT_ENOTFOUND, "check --base: HEAD and %s have no common history",
			base_ref);
	if (!rc && git_commit_lookup(&base, repo, &base_id) < 0)
		rc = git_fail(err, "merge base");
	if (!rc) {
		base_folder = folder_at(repo, base, rel);
		their_folder = folder_at(repo, other, rel);
		/* ours: the revisions of the work tree that the merge base lacks */
		for (i = 0; i < revs->n && !rc; i++) {
			added_rev *slot;
			if (file_for(base_folder, revs->revs[i]->id))
				continue;
			if (!(slot = ARRAY_PUSH(added, n, cap)))
				rc = error_oom(err);
			else {
				slot->rev = revs->revs[i];
				slot->ours = 1;
			}
		}
	}
	if (!rc)
		rc = theirs_added(&added, &n, &cap, repo, their_folder, base_folder, base_ref, rel, err);
	for (i = 0; i < n && !rc; i++) {
		for (j = 0; j < n; j++) {
			const char *parent;
			if (!added[i].ours || added[j].ours || strcmp(added[i].rev->id, added[j].rev->id) == 0 ||
			    !share_parent(added[i].rev, added[j].rev, &parent))
				continue;
			buf_printf(&out, "revision %s (%s, this branch) and revision %s (%s, on %s) both "
				"follow %s: re-parent %s onto the head of %s's chain (its '-- parent:' line), "
				"or the two will be heads side by side\n", added[i].rev->id,
				added[i].rev->path, added[j].rev->id, added[j].rev->path, base_ref, parent,
				added[i].rev->id, base_ref);
		}
	}
	if (!rc && out.len) {
		if (!(*report = buf_detach(&out)))
			rc = error_oom(err);
		else
			rc = RETORT_EMISMATCH;
	}
	buf_release(&out);
	free_added(added, n);
	git_tree_free(base_folder);
	git_tree_free(their_folder);
	git_commit_free(base);
	git_commit_free(head);
	git_commit_free(other);
	git_repository_free(repo);
	free(rel);
	return rc;
}

int retort_git_find_revision(char **where, const retort_revisions *revs, const char *id,
	retort_error **err)
{
	git_repository *repo = NULL;
	git_branch_iterator *it = NULL;
	git_reference *ref = NULL;
	git_branch_t type;
	char *rel = NULL;
	int rc;

	*where = NULL;
	rc = open_repo(&repo, revs->dir, err);
	if (rc || !repo || !(rel = repo_relative(repo, revs->dir)) ||
	    git_branch_iterator_new(&it, repo, GIT_BRANCH_ALL) < 0)
		goto done;
	while (!*where && git_branch_next(&ref, &type, it) == 0) {
		git_commit *tip = NULL;
		git_tree *folder = NULL;
		const git_tree_entry *e;
		const char *name = NULL;
		if (git_reference_peel((git_object **)&tip, ref, GIT_OBJECT_COMMIT) == 0 &&
		    (folder = folder_at(repo, tip, rel)) && (e = file_for(folder, id)) &&
		    git_branch_name(&name, ref) == 0) {
			retort_buf b = RETORT_BUF_INIT;
			char hex[GIT_OID_HEXSZ + 1];
			git_oid_tostr(hex, sizeof(hex), git_commit_id(tip));
			buf_printf(&b, "branch %s (commit %.12s) has %s%s%s", name, hex, rel,
				*rel ? "/" : "", git_tree_entry_name(e));
			*where = buf_detach(&b);
		}
		git_tree_free(folder);
		git_commit_free(tip);
		git_reference_free(ref);
	}
done:
	git_branch_iterator_free(it);
	git_repository_free(repo);
	free(rel);
	return rc;
}
