/*
** gitinfo.c: what retort asks of the git repository a project lives in, through
** libgit2 (the only file that includes <git2.h>): who is writing a revision
** and on which commit, the models as committed at a ref, the commit that
** last touched each revision file, revisions that diverged from another
** branch, and where a revision file missing here can be found.
**
** Outside a repository, or when libgit2 cannot be loaded, the questions
** that only help (who and which commit, each file's commit, where a missing
** revision is) have the answer "unknown" (NULL, or nothing found), never an
** error; `git:REF` and `check --base`, which cannot work without git, say
** why they cannot.
*/
/* realpath() is XSI */
#define _XOPEN_SOURCE 700

#include "build.h"
#include "buf.h"
#include "error.h"
#include "gitinfo.h"
#include "model.h"
#include "revision.h"

#include <dlfcn.h>
#include <git2.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

/*
** libgit2 is loaded with dlopen() when a project is first found in a git
** repository, not linked: it and the fifteen libraries it pulls in (krb5,
** mbedtls, libssh2, openssl...) would cost every retort process ~2 ms at
** start-up, and most never ask git anything. Each function used is listed once here
** and called as sym_<name>, typed by its prototype in <git2.h> so that the
** compiler checks every call.
*/
#define GIT_FUNCTIONS(X) \
	X(git_blob_free) \
	X(git_blob_lookup) \
	X(git_blob_rawcontent) \
	X(git_blob_rawsize) \
	X(git_branch_iterator_free) \
	X(git_branch_iterator_new) \
	X(git_branch_name) \
	X(git_branch_next) \
	X(git_commit_free) \
	X(git_commit_id) \
	X(git_commit_lookup) \
	X(git_commit_parent) \
	X(git_commit_parentcount) \
	X(git_commit_tree) \
	X(git_error_last) \
	X(git_libgit2_init) \
	X(git_merge_base) \
	X(git_object_free) \
	X(git_object_peel) \
	X(git_odb_hashfile) \
	X(git_oid_equal) \
	X(git_oid_tostr) \
	X(git_reference_free) \
	X(git_reference_name_to_id) \
	X(git_reference_peel) \
	X(git_repository_free) \
	X(git_repository_open_ext) \
	X(git_repository_workdir) \
	X(git_revparse_single) \
	X(git_revwalk_free) \
	X(git_revwalk_new) \
	X(git_revwalk_next) \
	X(git_revwalk_push_head) \
	X(git_revwalk_sorting) \
	X(git_signature_default) \
	X(git_signature_free) \
	X(git_tree_entry_byindex) \
	X(git_tree_entry_byname) \
	X(git_tree_entry_bypath) \
	X(git_tree_entry_free) \
	X(git_tree_entry_id) \
	X(git_tree_entry_name) \
	X(git_tree_entry_type) \
	X(git_tree_entrycount) \
	X(git_tree_free) \
	X(git_tree_lookup)

#define GIT_POINTER(fn) static __typeof__(fn) *sym_##fn;
GIT_FUNCTIONS(GIT_POINTER)
#undef GIT_POINTER

#if LIBGIT2_VER_MAJOR < 1
#error "retort needs libgit2 1.0 or later (its library is named libgit2.so.MAJOR.MINOR)"
#endif
/* The ABI the headers describe: a library of another version is not one
** these prototypes fit, so only this one is loaded. */
#define GIT_SONAME "libgit2.so." LIBGIT2_SOVERSION

static pthread_once_t git_once = PTHREAD_ONCE_INIT;
static int git_loaded;
/* why libgit2 could not be loaded (dlerror()'s text, which the next dl call
** would overwrite) */
static char git_load_error[256];

/*
** Load and start libgit2, once per process, and leave it running: shut down
** by one thread while another still uses it, it would free that thread's
** state from under it. Never unloaded either: its thread-local data and
** exit handlers point into it.
*/
static void git_start(void)
{
	void *lib = dlopen(GIT_SONAME, RTLD_NOW | RTLD_LOCAL);
	int ok = lib != NULL;

#define GIT_LOAD(fn) ok = ok && (sym_##fn = (__typeof__(sym_##fn))dlsym(lib, #fn)) != NULL;
	GIT_FUNCTIONS(GIT_LOAD)
#undef GIT_LOAD
	if (!ok) {
		const char *why = dlerror();
		snprintf(git_load_error, sizeof(git_load_error), "%s", why ? why : "failed");
		return;
	}
	sym_git_libgit2_init();
	git_loaded = 1;
}

static int git_fail(retort_error **err, const char *what)
{
	const git_error *e = sym_git_error_last();

	return retort_error_set(err, RETORT_ERROR, "git: %s: %s", what, e && e->message ? e->message : "failed");
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
** Open the repository holding `dir` (searching upwards). Outside one, or
** when libgit2 cannot be loaded, *repo is NULL and the answer is 0 when git
** is only a help (`need` NULL), else an error saying why, after `need` (the
** feature that needs git). libgit2 is called, its frees too, only once
** *repo is set: without a repository it may not be loaded.
*/
static int open_repo(git_repository **repo, const char *dir, const char *need, retort_error **err)
{
	int rc = GIT_ENOTFOUND;

	*repo = NULL;
	if (near_git(dir)) {
		pthread_once(&git_once, git_start);
		if (!git_loaded)
			return need ? retort_error_set(err, RETORT_ENOTFOUND, "%s: cannot load libgit2: %s", need,
				git_load_error) : 0;
		rc = sym_git_repository_open_ext(repo, dir ? dir : ".", 0, NULL);
	}
	if (rc == GIT_ENOTFOUND) {
		*repo = NULL;
		return need ? retort_error_set(err, RETORT_ENOTFOUND, "%s: the project is not in a git repository",
			need) : 0;
	}
	return rc < 0 ? git_fail(err, "cannot open the repository") : 0;
}

static char *oid_hex(const git_oid *oid)
{
	char hex[GIT_OID_HEXSZ + 1];

	sym_git_oid_tostr(hex, sizeof(hex), oid);
	return retort_xstrdup(hex);
}

/* "Name <email>" as `git commit` would write it: $GIT_AUTHOR_NAME and
** $GIT_AUTHOR_EMAIL first, then user.name and user.email. */
static char *author_of(git_repository *repo)
{
	const char *name = getenv("GIT_AUTHOR_NAME"), *email = getenv("GIT_AUTHOR_EMAIL");
	git_signature *sig = NULL;
	retort_buf b = RETORT_BUF_INIT;

	if ((!name || !email) && sym_git_signature_default(&sig, repo) == 0) {
		name = name ? name : sig->name;
		email = email ? email : sig->email;
	}
	if (name && email)
		retort_buf_printf(&b, "%s <%s>", name, email);
	sym_git_signature_free(sig);
	return b.len ? retort_buf_detach(&b) : NULL;
}

int retort_git_identity(char **author_out, char **commit_out, const char *dir,
	retort_error **err)
{
	git_repository *repo = NULL;
	git_oid head;
	int rc;

	*author_out = NULL;
	*commit_out = NULL;
	rc = open_repo(&repo, dir, NULL, err);
	if (!repo)
		return rc;
	*author_out = author_of(repo);
	/* no commit yet (an unborn branch): the revision says nothing */
	if (sym_git_reference_name_to_id(&head, repo, "HEAD") == 0)
		*commit_out = oid_hex(&head);
	sym_git_repository_free(repo);
	return 0;
}

/* `path` relative to the repository's work tree, or NULL when it is not
** inside it. The path need not exist (the models may be gone from the work
** tree and only in history), so only its existing folder is resolved. */
static char *repo_relative(git_repository *repo, const char *path)
{
	const char *workdir = sym_git_repository_workdir(repo);
	char resolved[PATH_MAX], *dir = retort_xstrdup(path), *slash, *rel = NULL;
	retort_buf full = RETORT_BUF_INIT;
	size_t wlen;

	if (!workdir || !dir)
		goto done;
	while ((slash = strrchr(dir, '/')) && slash[1] == '\0' && slash > dir)
		*slash = '\0';
	slash = strrchr(dir, '/');
	if (realpath(dir, resolved)) {
		retort_buf_puts(&full, resolved);
	} else {
		if (slash)
			*slash = '\0';
		if (!realpath(slash ? (*dir ? dir : "/") : ".", resolved))
			goto done;
		retort_buf_printf(&full, "%s/%s", resolved, slash ? slash + 1 : dir);
	}
	wlen = strlen(workdir);
	if (strncmp(full.ptr, workdir, wlen) == 0)
		rel = retort_xstrdup(full.ptr + wlen);
	else if (full.len + 1 == wlen && strncmp(full.ptr, workdir, full.len) == 0)
		rel = retort_xstrdup("");
done:
	free(dir);
	retort_buf_release(&full);
	return rel;
}

/* `ref` (anything git understands: HEAD~1, origin/main, a tag) peeled to a
** commit or a tree. */
static int peel_ref(git_object **out, git_repository *repo, const char *ref, git_object_t type,
	retort_error **err)
{
	git_object *obj = NULL;
	int rc = sym_git_revparse_single(&obj, repo, ref);

	if (rc == 0)
		rc = sym_git_object_peel(out, obj, type);
	sym_git_object_free(obj);
	if (rc < 0) {
		const git_error *e = sym_git_error_last();
		return retort_error_set(err, RETORT_ENOTFOUND, "git: no %s '%s' here: %s",
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

	if (sym_git_blob_lookup(&blob, repo, id) < 0)
		return git_fail(err, shown);
	rc = retort_model_read_text(raw, sym_git_blob_rawcontent(blob), (size_t)sym_git_blob_rawsize(blob),
		shown, err);
	sym_git_blob_free(blob);
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
	retort_buf_printf(&shown, "git:%s", ref);
	rc = open_repo(&repo, retort_config_dir(cfg), shown.ptr, err);
	if (rc) {
		retort_buf_release(&shown);
		return rc;
	}
	retort_buf_clear(&shown);
	if (!(rel = repo_relative(repo, retort_config_models(cfg))))
		rc = retort_error_set(err, RETORT_ENOTFOUND, "git:%s: the models (%s) are outside the "
			"repository's work tree", ref, retort_config_models(cfg));
	if (!rc)
		rc = peel_ref((git_object **)&tree, repo, ref, GIT_OBJECT_TREE, err);
	if (!rc && sym_git_tree_entry_bypath(&entry, tree, rel) < 0)
		rc = retort_error_set(err, RETORT_ENOTFOUND, "git:%s: there is no %s at that commit", ref, rel);
	if (!rc && !(raw = retort_schema_new()))
		rc = retort_error_oom(err);
	if (!rc && sym_git_tree_entry_type(entry) == GIT_OBJECT_BLOB) {
		retort_buf_printf(&shown, "%s:%s", ref, rel);
		rc = read_model_blob(raw, repo, sym_git_tree_entry_id(entry), shown.ptr, err);
	} else if (!rc) {
		/* a folder's entries come sorted by name, as a directory's are read */
		if (sym_git_tree_lookup(&folder, repo, sym_git_tree_entry_id(entry)) < 0)
			rc = git_fail(err, rel);
		for (i = 0; !rc && i < sym_git_tree_entrycount(folder); i++) {
			const git_tree_entry *e = sym_git_tree_entry_byindex(folder, i);
			if (sym_git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
			    !has_yaml_suffix(sym_git_tree_entry_name(e)))
				continue;
			retort_buf_clear(&shown);
			retort_buf_printf(&shown, "%s:%s%s%s", ref, rel, *rel ? "/" : "", sym_git_tree_entry_name(e));
			rc = read_model_blob(raw, repo, sym_git_tree_entry_id(e), shown.ptr, err);
		}
	}
	if (!rc)
		rc = retort_build_models(out, raw, cfg, err);
	retort_schema_free(raw);
	retort_buf_release(&shown);
	free(rel);
	sym_git_tree_entry_free(entry);
	sym_git_tree_free(folder);
	sym_git_tree_free(tree);
	sym_git_repository_free(repo);
	return rc;
}

/* The revisions folder's tree at `commit`, or NULL when it has none. */
static git_tree *folder_at(git_repository *repo, const git_commit *commit, const char *rel)
{
	git_tree *root = NULL, *folder = NULL;
	git_tree_entry *entry = NULL;

	if (sym_git_commit_tree(&root, commit) < 0)
		return NULL;
	if (!*rel)
		return root;
	if (sym_git_tree_entry_bypath(&entry, root, rel) == 0 &&
	    sym_git_tree_entry_type(entry) == GIT_OBJECT_TREE)
		sym_git_tree_lookup(&folder, repo, sym_git_tree_entry_id(entry));
	sym_git_tree_entry_free(entry);
	sym_git_tree_free(root);
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
static int walk_commits(char **commits, git_repository *repo, const retort_revisions *revs,
	retort_error **err)
{
	git_revwalk *walk = NULL;
	git_commit *head = NULL;
	git_tree *head_folder = NULL;
	git_oid id;
	char *rel = NULL;
	unsigned char *wanted = calloc(revs->n ? revs->n : 1, 1);
	size_t left = 0, i;
	int rc = 0;

	if (!wanted)
		return retort_error_oom(err);
	if (!(rel = repo_relative(repo, revs->dir)) ||
	    peel_ref((git_object **)&head, repo, "HEAD", GIT_OBJECT_COMMIT, NULL) ||
	    !(head_folder = folder_at(repo, head, rel)))
		goto done;
	for (i = 0; i < revs->n; i++) {
		const git_tree_entry *e = sym_git_tree_entry_byname(head_folder,
			base_name(revs->revs[i]->path));
		git_oid file;
		wanted[i] = e && sym_git_odb_hashfile(&file, revs->revs[i]->path, GIT_OBJECT_BLOB) == 0 &&
			sym_git_oid_equal(&file, sym_git_tree_entry_id(e));
		left += wanted[i];
	}
	if (!left || sym_git_revwalk_new(&walk, repo) < 0 || sym_git_revwalk_push_head(walk) < 0)
		goto done;
	sym_git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	while (left > 0 && sym_git_revwalk_next(&id, walk) == 0) {
		git_commit *c = NULL, *parent = NULL;
		git_tree *now = NULL, *before = NULL;
		if (sym_git_commit_lookup(&c, repo, &id) < 0)
			break;
		now = folder_at(repo, c, rel);
		if (sym_git_commit_parentcount(c) > 0 && sym_git_commit_parent(&parent, c, 0) == 0)
			before = folder_at(repo, parent, rel);
		for (i = 0; now && i < revs->n; i++) {
			const char *name = base_name(revs->revs[i]->path);
			const git_tree_entry *e, *old;
			if (!wanted[i] || commits[i] || !(e = sym_git_tree_entry_byname(now, name)))
				continue;
			old = before ? sym_git_tree_entry_byname(before, name) : NULL;
			if (old && sym_git_oid_equal(sym_git_tree_entry_id(old), sym_git_tree_entry_id(e)))
				continue;
			if (!(commits[i] = oid_hex(&id)))
				rc = retort_error_oom(err);
			left--;
		}
		sym_git_tree_free(now);
		sym_git_tree_free(before);
		sym_git_commit_free(parent);
		sym_git_commit_free(c);
	}
done:
	sym_git_revwalk_free(walk);
	sym_git_tree_free(head_folder);
	sym_git_commit_free(head);
	free(rel);
	free(wanted);
	return rc;
}

int retort_gitinfo_revision_commits(char ***out, const retort_revisions *revs,
	retort_error **err)
{
	git_repository *repo = NULL;
	char **commits = calloc(revs->n ? revs->n : 1, sizeof(*commits));
	int rc;

	*out = NULL;
	if (!commits)
		return retort_error_oom(err);
	rc = open_repo(&repo, revs->dir, NULL, err);
	if (repo) {
		rc = walk_commits(commits, repo, revs, err);
		sym_git_repository_free(repo);
	}
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
			retort_revfile_free(a[i].rev);
	free(a);
}

/* Does `folder` (NULL: none) hold a file named for revision `id`? */
static const git_tree_entry *file_for(const git_tree *folder, const char *id)
{
	size_t i, n = folder ? sym_git_tree_entrycount(folder) : 0;

	for (i = 0; i < n; i++) {
		const git_tree_entry *e = sym_git_tree_entry_byindex(folder, i);
		if (strncmp(sym_git_tree_entry_name(e), id, 12) == 0)
			return e;
	}
	return NULL;
}

/* The revisions the other branch added: files of `theirs` not in `base`. */
static int theirs_added(added_rev **list, size_t *n, size_t *cap, git_repository *repo,
	const git_tree *theirs, const git_tree *base, const char *ref, const char *rel,
	retort_error **err)
{
	size_t i, count = theirs ? sym_git_tree_entrycount(theirs) : 0;
	int rc = 0;

	for (i = 0; i < count && !rc; i++) {
		const git_tree_entry *e = sym_git_tree_entry_byindex(theirs, i);
		const char *name = sym_git_tree_entry_name(e);
		size_t len = strlen(name);
		retort_buf shown = RETORT_BUF_INIT;
		git_blob *blob = NULL;
		added_rev *slot;
		if (len < 5 || strcmp(name + len - 4, ".sql") != 0 ||
		    sym_git_tree_entry_type(e) != GIT_OBJECT_BLOB)
			continue;
		if (base && sym_git_tree_entry_byname(base, name))
			continue;
		if (sym_git_blob_lookup(&blob, repo, sym_git_tree_entry_id(e)) < 0)
			return git_fail(err, name);
		retort_buf_printf(&shown, "%s:%s%s%s", ref, rel, *rel ? "/" : "", name);
		if (!(slot = ARRAY_PUSH(*list, *n, *cap)))
			rc = retort_error_oom(err);
		else if ((rc = retort_revfile_parse(&slot->rev, shown.ptr, sym_git_blob_rawcontent(blob),
				(size_t)sym_git_blob_rawsize(blob), err)) != 0)
			(*n)--;
		else
			slot->ours = 0;
		sym_git_blob_free(blob);
		retort_buf_release(&shown);
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
	rc = open_repo(&repo, revs->dir, "check --base", err);
	if (rc)
		return rc;
	if (!(rel = repo_relative(repo, revs->dir)))
		rc = retort_error_set(err, RETORT_ENOTFOUND, "check --base: %s is outside the repository's work tree",
			revs->dir);
	if (!rc)
		rc = peel_ref((git_object **)&head, repo, "HEAD", GIT_OBJECT_COMMIT, err);
	if (!rc)
		rc = peel_ref((git_object **)&other, repo, base_ref, GIT_OBJECT_COMMIT, err);
	if (!rc && sym_git_merge_base(&base_id, repo, sym_git_commit_id(head),
			sym_git_commit_id(other)) < 0)
		rc = retort_error_set(err, RETORT_ENOTFOUND, "check --base: HEAD and %s have no common history",
			base_ref);
	if (!rc && sym_git_commit_lookup(&base, repo, &base_id) < 0)
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
				rc = retort_error_oom(err);
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
			retort_buf_printf(&out, "revision %s (%s, this branch) and revision %s (%s, on %s) both "
				"follow %s: re-parent %s onto the head of %s's chain (its '-- parent:' line), "
				"or the two will be heads side by side\n", added[i].rev->id,
				added[i].rev->path, added[j].rev->id, added[j].rev->path, base_ref, parent,
				added[i].rev->id, base_ref);
		}
	}
	if (!rc && out.len) {
		if (!(*report = retort_buf_detach(&out)))
			rc = retort_error_oom(err);
		else
			rc = RETORT_EMISMATCH;
	}
	retort_buf_release(&out);
	free_added(added, n);
	sym_git_tree_free(base_folder);
	sym_git_tree_free(their_folder);
	sym_git_commit_free(base);
	sym_git_commit_free(head);
	sym_git_commit_free(other);
	sym_git_repository_free(repo);
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
	rc = open_repo(&repo, revs->dir, NULL, err);
	if (!repo)
		return rc;
	if (!(rel = repo_relative(repo, revs->dir)) ||
	    sym_git_branch_iterator_new(&it, repo, GIT_BRANCH_ALL) < 0)
		goto done;
	while (!*where && sym_git_branch_next(&ref, &type, it) == 0) {
		git_commit *tip = NULL;
		git_tree *folder = NULL;
		const git_tree_entry *e;
		const char *name = NULL;
		if (sym_git_reference_peel((git_object **)&tip, ref, GIT_OBJECT_COMMIT) == 0 &&
		    (folder = folder_at(repo, tip, rel)) && (e = file_for(folder, id)) &&
		    sym_git_branch_name(&name, ref) == 0) {
			retort_buf b = RETORT_BUF_INIT;
			char hex[GIT_OID_HEXSZ + 1];
			sym_git_oid_tostr(hex, sizeof(hex), sym_git_commit_id(tip));
			retort_buf_printf(&b, "branch %s (commit %.12s) has %s%s%s", name, hex, rel,
				*rel ? "/" : "", sym_git_tree_entry_name(e));
			*where = retort_buf_detach(&b);
		}
		sym_git_tree_free(folder);
		sym_git_commit_free(tip);
		sym_git_reference_free(ref);
	}
done:
	sym_git_branch_iterator_free(it);
	sym_git_repository_free(repo);
	free(rel);
	return rc;
}
