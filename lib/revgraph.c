/*
** revgraph.c: a revisions folder as a graph. Loading checks what makes a
** chain usable (every parent there, no id twice, no cycle) and orders the
** revisions parents-first; the rest answers the engine's questions (what is
** applied, what runs next, which revisions are heads) and resolves TARGETs.
** A new revision is placed here (its parents there, an id not taken) and
** written by revfile.c.
*/
#include "revision.h"
#include "buf.h"
#include "error.h"
#include "fileio.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

void retort_revisions_free(retort_revisions *revs)
{
	size_t i;

	if (!revs)
		return;
	for (i = 0; i < revs->n; i++)
		retort_revfile_free(revs->by_id[i]);
	retort_revcache_free(revs->cache);
	free(revs->revs);
	free(revs->by_id);
	free(revs->heads);
	free(revs->dir);
	free(revs);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int by_id(const void *a, const void *b)
{
	const retort_revision *x = *(retort_revision *const *)a, *y = *(retort_revision *const *)b;

	return strcmp(x->id, y->id);
}

/* The order among revisions that are ready at the same time. */
static int by_created(const void *a, const void *b)
{
	const retort_revision *x = *(retort_revision *const *)a, *y = *(retort_revision *const *)b;
	int c = strcmp(x->created, y->created);

	return c ? c : strcmp(x->id, y->id);
}

/* The *.sql files of `dir`, sorted, so that errors come in a stable order. */
static int list_files(char ***out, size_t *n, const char *dir, retort_error **err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (!d)
		return retort_error_set(err, errno == ENOENT ? RETORT_ENOTFOUND : RETORT_ERROR,
			"cannot open the revisions folder %s: %s", dir, strerror(errno));
	while (!rc && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char **slot;
		if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0)
			continue;
		slot = ARRAY_PUSH(*out, *n, cap);
		if (!slot || !(*slot = retort_xstrdup(e->d_name)))
			rc = retort_error_oom(err);
	}
	closedir(d);
	if (!rc && *n)
		qsort(*out, *n, sizeof(**out), by_name);
	return rc;
}

const retort_revision *retort_revisions_get(const retort_revisions *revs, const char *id)
{
	size_t lo = 0, hi = revs->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(revs->by_id[mid]->id, id);
		if (c == 0)
			return revs->by_id[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int link_parents(retort_revisions *revs, retort_error **err)
{
	size_t i, j, *cap = calloc(revs->n ? revs->n : 1, sizeof(*cap));
	const retort_revision **slot;

	if (!cap)
		return retort_error_oom(err);
	for (i = 0; i < revs->n; i++) {
		retort_revision *r = revs->by_id[i];
		r->index = i; /* by_id position until the topological sort */
		if (i > 0 && strcmp(revs->by_id[i - 1]->id, r->id) == 0) {
			src_loc loc = { r->path, 1, 1 };
			free(cap);
			return retort_error_at(err, RETORT_EINVALID, &loc, NULL,
				"revision %s is also in %s: ids must be unique", r->id,
				revs->by_id[i - 1]->path);
		}
	}
	for (i = 0; i < revs->n; i++) {
		retort_revision *r = revs->by_id[i];
		r->parents = calloc(r->n_parents ? r->n_parents : 1, sizeof(*r->parents));
		if (!r->parents) {
			free(cap);
			return retort_error_oom(err);
		}
		for (j = 0; j < r->n_parents; j++) {
			retort_revision *p = (retort_revision *)retort_revisions_get(revs, r->parent_ids[j]);
			if (!p) {
				src_loc loc = { r->path, r->parent_line, 1 };
				free(cap);
				return retort_error_at(err, RETORT_EINVALID, &loc, NULL,
					"parent %s is not in %s: no revision file has that id",
					r->parent_ids[j], revs->dir);
			}
			r->parents[j] = p;
			slot = ARRAY_PUSH(p->children, p->n_children, cap[p->index]);
			if (!slot) {
				free(cap);
				return retort_error_oom(err);
			}
			*slot = r;
		}
	}
	free(cap);
	return 0;
}

/* Name the cycle a revision left over by the sort is part of. */
static int report_cycle(const retort_revisions *revs, const unsigned char *placed,
	retort_error **err)
{
	const retort_revision *start = NULL, *r;
	retort_buf path = RETORT_BUF_INIT;
	unsigned char *seen = calloc(revs->n, 1);
	size_t i;
	int rc;

	if (!seen)
		return retort_error_oom(err);
	for (i = 0; i < revs->n && !start; i++)
		if (!placed[i])
			start = revs->by_id[i];
	/* walk unplaced parents until a revision repeats: that one is on the cycle */
	for (r = start; !seen[r->index];) {
		seen[r->index] = 1;
		for (i = 0; i < r->n_parents && placed[r->parents[i]->index]; i++)
			;
		r = r->parents[i];
	}
	start = r;
	do {
		retort_buf_printf(&path, "%s -> ", r->id);
		for (i = 0; i < r->n_parents && placed[r->parents[i]->index]; i++)
			;
		r = r->parents[i];
	} while (r != start);
	retort_buf_puts(&path, start->id);
	{
		src_loc loc = { start->path, start->parent_line, 1 };
		rc = retort_error_at(err, RETORT_EINVALID, &loc, NULL,
			"the parents form a cycle (%s): a chain must start at a base", path.ptr);
	}
	retort_buf_release(&path);
	free(seen);
	return rc;
}

/*
** Kahn's sort, taking among the revisions that are ready the one created
** first (then the lowest id), so that the order is the same on every machine.
*/
static int sort_topologically(retort_revisions *revs, retort_error **err)
{
	retort_revision **ready = malloc((revs->n ? revs->n : 1) * sizeof(*ready));
	size_t *missing = calloc(revs->n ? revs->n : 1, sizeof(*missing));
	unsigned char *placed = calloc(revs->n ? revs->n : 1, 1);
	size_t i, j, n_ready = 0, n_done = 0;
	int rc = 0;

	revs->revs = malloc((revs->n ? revs->n : 1) * sizeof(*revs->revs));
	if (!ready || !missing || !placed || !revs->revs) {
		rc = retort_error_oom(err);
		goto done;
	}
	for (i = 0; i < revs->n; i++) {
		missing[i] = revs->by_id[i]->n_parents;
		if (!missing[i])
			ready[n_ready++] = revs->by_id[i];
	}
	while (n_ready > 0) {
		size_t best = 0;
		retort_revision *r;
		for (j = 1; j < n_ready; j++)
			if (by_created(&ready[j], &ready[best]) < 0)
				best = j;
		r = ready[best];
		ready[best] = ready[--n_ready];
		placed[r->index] = 1;
		revs->revs[n_done++] = r;
		for (j = 0; j < r->n_children; j++) {
			const retort_revision *c = r->children[j];
			size_t k, times = 0;
			/* a merge may name the same parent twice */
			for (k = 0; k < c->n_parents; k++)
				times += c->parents[k] == r;
			if (times && (missing[c->index] -= times) == 0)
				ready[n_ready++] = (retort_revision *)c;
		}
	}
	if (n_done < revs->n) {
		rc = report_cycle(revs, placed, err);
		goto done;
	}
	for (i = 0; i < revs->n; i++)
		revs->revs[i]->index = i;
done:
	free(ready);
	free(missing);
	free(placed);
	return rc;
}

static int find_heads(retort_revisions *revs, retort_error **err)
{
	size_t i;

	revs->heads = calloc(revs->n ? revs->n : 1, sizeof(*revs->heads));
	if (!revs->heads)
		return retort_error_oom(err);
	for (i = 0; i < revs->n; i++)
		if (revs->revs[i]->n_children == 0)
			revs->heads[revs->n_heads++] = revs->revs[i];
	return 0;
}

/* One file of the folder: from the cache when it is unchanged, else parsed. */
static int load_file(retort_revision **out, revcache *cache, int dir_fd, const char *dir,
	const char *name, retort_error **err)
{
	char *path = retort_path_join(dir, name), *text = NULL;
	struct stat st;
	int have_stat, rc;
	size_t len = 0;

	*out = NULL;
	if (!path)
		return retort_error_oom(err);
	have_stat = dir_fd >= 0 && fstatat(dir_fd, name, &st, 0) == 0;
	if (have_stat && (*out = retort_revcache_get(cache, name, path, &st))) {
		rc = 0;
	} else {
		rc = retort_read_text_file(path, &text, &len, err);
		if (!rc)
			rc = retort_revfile_parse(out, path, text, len, err);
		free(text);
	}
	free(path);
	if (!rc && have_stat && retort_revcache_put(cache, &st, *out, !(*out)->from_cache)) {
		retort_revfile_free(*out);
		*out = NULL;
		rc = retort_error_oom(err);
	}
	return rc;
}

int retort_revisions_load(retort_revisions **out, const char *dir, retort_error **err)
{
	retort_revisions *revs = calloc(1, sizeof(*revs));
	char **names = NULL;
	size_t n_names = 0, i, cap = 0;
	revcache *cache = NULL;
	int rc, dir_fd = -1;

	*out = NULL;
	if (!revs || !(revs->dir = retort_xstrdup(dir))) {
		free(revs);
		return retort_error_oom(err);
	}
	rc = list_files(&names, &n_names, dir, err);
	if (!rc) {
		cache = retort_revcache_open(dir);
		dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	for (i = 0; i < n_names && !rc; i++) {
		retort_revision *rev = NULL, **slot;
		rc = load_file(&rev, cache, dir_fd, dir, names[i], err);
		if (!rc && !(slot = ARRAY_PUSH(revs->by_id, revs->n, cap))) {
			retort_revfile_free(rev);
			rc = retort_error_oom(err);
		} else if (!rc) {
			*slot = rev;
		}
	}
	if (dir_fd >= 0)
		close(dir_fd);
	for (i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
	if (!rc) {
		if (revs->n) /* qsort() wants a real array, even of nothing */
			qsort(revs->by_id, revs->n, sizeof(*revs->by_id), by_id);
		rc = link_parents(revs, err);
	}
	if (!rc)
		rc = sort_topologically(revs, err);
	if (!rc)
		rc = find_heads(revs, err);
	if (!rc)
		retort_revcache_save(cache, dir);
	revs->cache = cache; /* what the revisions read from it point into */
	if (rc) {
		retort_revisions_free(revs);
		return rc;
	}
	*out = revs;
	return 0;
}

static int random_id(char out[REVISION_ID_LEN + 1], retort_error **err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char bytes[REVISION_ID_LEN / 2];
	size_t i;

	if (getrandom(bytes, sizeof(bytes), 0) != (ssize_t)sizeof(bytes))
		return retort_error_set(err, RETORT_ERROR, "cannot get random bytes for a revision id: %s",
			strerror(errno));
	for (i = 0; i < sizeof(bytes); i++) {
		out[2 * i] = hex[bytes[i] >> 4];
		out[2 * i + 1] = hex[bytes[i] & 15];
	}
	out[REVISION_ID_LEN] = '\0';
	return 0;
}

/* The folder's part of writing a revision: its parents there, an id it
** does not have; revfile.c writes the file. */
int retort_revision_write(char **id_out, char **path_out, const retort_revisions *revs,
	const retort_revision_spec *spec, retort_error **err)
{
	char id[REVISION_ID_LEN + 1], *path = NULL;
	size_t i;
	int rc = 0, tries = 0;

	if (id_out)
		*id_out = NULL;
	if (path_out)
		*path_out = NULL;
	for (i = 0; i < spec->parent_count; i++)
		if (!retort_revisions_get(revs, spec->parents[i]))
			return retort_error_set(err, RETORT_ENOTFOUND, "parent %s is not in %s",
				spec->parents[i], revs->dir);
	do {
		rc = random_id(id, err);
	} while (!rc && retort_revisions_get(revs, id) && ++tries < 16);
	if (!rc)
		rc = retort_revfile_write(&path, revs->dir, id, spec, err);
	if (!rc && id_out && !(*id_out = retort_xstrdup(id)))
		rc = retort_error_oom(err);
	if (!rc && path_out) {
		*path_out = path;
		path = NULL;
	}
	free(path);
	return rc;
}

const char *retort_revisions_dir(const retort_revisions *revs) { return revs->dir; }
size_t retort_revisions_count(const retort_revisions *revs) { return revs->n; }
size_t retort_revisions_head_count(const retort_revisions *revs) { return revs->n_heads; }

const retort_revision *retort_revisions_at(const retort_revisions *revs, size_t i)
{
	return i < revs->n ? revs->revs[i] : NULL;
}

const retort_revision *retort_revisions_head(const retort_revisions *revs, size_t i)
{
	return i < revs->n_heads ? revs->heads[i] : NULL;
}

size_t retort_revision_parent_count(const retort_revision *rev) { return rev->n_parents; }
size_t retort_revision_child_count(const retort_revision *rev) { return rev->n_children; }

const retort_revision *retort_revision_parent(const retort_revision *rev, size_t i)
{
	return i < rev->n_parents ? rev->parents[i] : NULL;
}

const retort_revision *retort_revision_child(const retort_revision *rev, size_t i)
{
	return i < rev->n_children ? rev->children[i] : NULL;
}

/* ------------------------------------------------------------------ */
/* Questions of the apply engine                                        */
/* ------------------------------------------------------------------ */

void retort_revgraph_close_ancestors(const retort_revisions *revs, unsigned char *set,
	const retort_revision *const *targets, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		set[targets[i]->index] = 1;
	/* children come after their parents: one backward pass closes the set */
	for (i = revs->n; i-- > 0;)
		if (set[i])
			for (j = 0; j < revs->revs[i]->n_parents; j++)
				set[revs->revs[i]->parents[j]->index] = 1;
}

/* Mark `targets` and all their descendants in `set`: one forward pass. */
static void close_descendants(const retort_revisions *revs, unsigned char *set,
	const retort_revision *const *targets, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		set[targets[i]->index] = 1;
	for (i = 0; i < revs->n; i++)
		if (set[i])
			for (j = 0; j < revs->revs[i]->n_children; j++)
				set[revs->revs[i]->children[j]->index] = 1;
}

int retort_revisions_closure(unsigned char **out, const retort_revisions *revs,
	const retort_revision *const *set, size_t n, int ancestors, retort_error **err)
{
	*out = calloc(revs->n ? revs->n : 1, 1);
	if (!*out)
		return retort_error_oom(err);
	if (ancestors)
		retort_revgraph_close_ancestors(revs, *out, set, n);
	else
		close_descendants(revs, *out, set, n);
	return 0;
}

int retort_revgraph_applied(unsigned char **out, const retort_revisions *revs,
	const char *const *ids, size_t n, retort_error **err)
{
	unsigned char *set = calloc(revs->n ? revs->n : 1, 1);
	size_t i;

	*out = NULL;
	if (!set)
		return retort_error_oom(err);
	for (i = 0; i < n; i++) {
		const retort_revision *r = retort_revisions_get(revs, ids[i]);
		if (!r) {
			free(set);
			return retort_error_set(err, RETORT_ENOTFOUND,
				"the database is at revision %s, which is not in %s: it was applied "
				"from a revision file this folder does not have (another branch, or "
				"a deleted file)", ids[i], revs->dir);
		}
		retort_revgraph_close_ancestors(revs, set, &r, 1);
	}
	*out = set;
	return 0;
}

int retort_revgraph_scope(unsigned char **out, const retort_revisions *revs,
	const retort_revision *const *targets, size_t n_targets, retort_direction dir,
	retort_error **err)
{
	size_t i;
	int rc;

	/* downgrade: the strict descendants of the targets; all of them for base */
	if (dir == RETORT_DOWNGRADE && n_targets == 0) {
		*out = malloc(revs->n ? revs->n : 1);
		if (!*out)
			return retort_error_oom(err);
		memset(*out, 1, revs->n);
		return 0;
	}
	rc = retort_revisions_closure(out, revs, targets, n_targets, dir == RETORT_UPGRADE, err);
	for (i = 0; !rc && dir == RETORT_DOWNGRADE && i < n_targets; i++)
		(*out)[targets[i]->index] = 0;
	return rc;
}

const retort_revision *retort_revgraph_next(const retort_revisions *revs,
	const unsigned char *applied, const unsigned char *scope, retort_direction dir)
{
	size_t i;

	if (dir == RETORT_UPGRADE) {
		for (i = 0; i < revs->n; i++)
			if (scope[i] && !applied[i])
				return revs->revs[i];
	} else {
		for (i = revs->n; i-- > 0;)
			if (scope[i] && applied[i])
				return revs->revs[i];
	}
	return NULL;
}

size_t retort_revgraph_heads_of(const retort_revisions *revs, const unsigned char *applied,
	const retort_revision **out)
{
	size_t i, j, n = 0;

	for (i = 0; i < revs->n; i++) {
		const retort_revision *r = revs->revs[i];
		int head = applied[i];
		for (j = 0; j < r->n_children && head; j++)
			if (applied[r->children[j]->index])
				head = 0;
		if (head)
			out[n++] = r;
	}
	return n;
}

/* "TARGET (id)", or the id alone when that is what was written. */
static void describe_target(retort_buf *b, const char *target, const retort_revision *r)
{
	if (!r)
		retort_buf_puts(b, "base");
	else if (strcmp(target, r->id) == 0)
		retort_buf_puts(b, r->id);
	else
		retort_buf_printf(b, "%s (%s)", target, r->id);
}

int retort_revgraph_check_way(const retort_revisions *revs, const unsigned char *applied,
	const retort_revision *const *heads, size_t n_heads,
	const retort_revision *const *targets, size_t n_targets, const char *target,
	retort_direction dir, retort_error **err)
{
	retort_buf msg = RETORT_BUF_INIT;
	unsigned char *ancestors = NULL;
	const retort_revision *wrong = NULL;
	const char *is = NULL, *so = NULL;
	size_t i, j;
	int rc = 0, behind = dir == RETORT_UPGRADE && n_targets == 0 && n_heads > 0;

	/* upgrade: an applied revision that is not a head has an applied child */
	for (i = 0; dir == RETORT_UPGRADE && i < n_targets && !behind; i++) {
		for (j = 0; j < n_heads && heads[j] != targets[i]; j++)
			;
		if (applied[targets[i]->index] && j == n_heads) {
			wrong = targets[i];
			behind = 1;
		}
	}
	if (behind) {
		is = "is behind the database's revision ";
		so = ": did you mean downgrade?";
	}
	for (i = 0; dir == RETORT_DOWNGRADE && i < n_targets && !wrong; i++)
		if (!applied[targets[i]->index])
			wrong = targets[i];
	if (dir == RETORT_DOWNGRADE && wrong) {
		/* ahead when every head of the database leads to it */
		if (!(ancestors = calloc(revs->n, 1)))
			return retort_error_oom(err);
		retort_revgraph_close_ancestors(revs, ancestors, &wrong, 1);
		for (j = 0; j < n_heads && ancestors[heads[j]->index]; j++)
			;
		is = j == n_heads ? "is ahead of the database's revision " :
			"is not applied: it is on another branch than the database's revision ";
		so = j == n_heads ? ": did you mean upgrade?" : ", so there is nothing to downgrade to";
		free(ancestors);
	}
	if (!is)
		return 0;
	describe_target(&msg, target, wrong);
	retort_buf_printf(&msg, " %s", is);
	for (i = 0; i < n_heads; i++)
		retort_buf_printf(&msg, "%s%s", i ? ", " : "", heads[i]->id);
	if (!n_heads)
		retort_buf_puts(&msg, "base");
	retort_buf_puts(&msg, so);
	rc = retort_buf_oom(&msg) ? retort_error_oom(err) : retort_error_set(err, RETORT_EINVALID, "%s", msg.ptr);
	retort_buf_release(&msg);
	return rc;
}

/* ------------------------------------------------------------------ */
/* TARGETs                                                              */
/* ------------------------------------------------------------------ */

/* Up to `max` ids, "a, b, c", and ", ..." after them. */
static void list_ids(retort_buf *b, const retort_revision *const *revs, size_t n)
{
	size_t i, max = 8;

	for (i = 0; i < n && i < max; i++)
		retort_buf_printf(b, "%s%s%s%s%s", i ? ", " : "", revs[i]->id,
			*revs[i]->message ? " (" : "", revs[i]->message, *revs[i]->message ? ")" : "");
	if (n > max)
		retort_buf_printf(b, " and %zu more", n - max);
}

static int set_result(const retort_revision ***out, size_t *count,
	const retort_revision *const *revs, size_t n, retort_error **err)
{
	*out = malloc((n ? n : 1) * sizeof(**out));
	if (!*out)
		return retort_error_oom(err);
	if (n)
		memcpy(*out, revs, n * sizeof(**out));
	*count = n;
	return 0;
}

static int ambiguous(retort_error **err, const char *what, const retort_revision *const *revs,
	size_t n)
{
	retort_buf b = RETORT_BUF_INIT;
	int rc;

	list_ids(&b, revs, n);
	rc = retort_error_set(err, RETORT_EAMBIGUOUS, "%s: %s", what, b.ptr);
	retort_buf_release(&b);
	return rc;
}

/* Every revision whose id starts with `prefix`. */
static int match_prefix(const retort_revision ***out, size_t *count,
	const retort_revisions *revs, const char *prefix, retort_error **err)
{
	size_t len = strlen(prefix), lo = 0, hi = revs->n, first, i;

	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)prefix[i]) || isupper((unsigned char)prefix[i]))
			return retort_error_set(err, RETORT_EINVALID, "'%s' is not a TARGET: expected head, "
				"heads, base, current, a revision id or its prefix, +N, -N, REV+N or REV-N",
				prefix);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strncmp(revs->by_id[mid]->id, prefix, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (first = lo; lo < revs->n && strncmp(revs->by_id[lo]->id, prefix, len) == 0; lo++)
		;
	if (lo == first)
		return retort_error_set(err, RETORT_ENOTFOUND, "no revision %s in %s", prefix, revs->dir);
	return set_result(out, count, (const retort_revision *const *)revs->by_id + first,
		lo - first, err);
}

static int resolve_named(const retort_revision ***out, size_t *count,
	const retort_revisions *revs, const char *name, const char *const *current,
	size_t n_current, retort_error **err)
{
	size_t i;
	int rc;

	if (strcmp(name, "base") == 0)
		return set_result(out, count, NULL, 0, err);
	if (strcmp(name, "heads") == 0)
		return set_result(out, count, revs->heads, revs->n_heads, err);
	if (strcmp(name, "head") == 0) {
		if (revs->n_heads > 1)
			return ambiguous(err, "'head' is ambiguous: the chain has several heads "
				"(merge them with 'retort merge', or name one)", revs->heads, revs->n_heads);
		if (revs->n_heads == 0)
			return retort_error_set(err, RETORT_ENOTFOUND, "there are no revisions in %s yet",
				revs->dir);
		return set_result(out, count, revs->heads, 1, err);
	}
	if (strcmp(name, "current") == 0) {
		*out = malloc((n_current ? n_current : 1) * sizeof(**out));
		*count = 0;
		if (!*out)
			return retort_error_oom(err);
		for (i = 0; i < n_current; i++) {
			const retort_revision *r = retort_revisions_get(revs, current[i]);
			if (!r) {
				free(*out);
				*out = NULL;
				return retort_error_set(err, RETORT_ENOTFOUND, "the database is at revision %s, "
					"which is not in %s", current[i], revs->dir);
			}
			(*out)[(*count)++] = r;
		}
		return 0;
	}
	rc = match_prefix(out, count, revs, name, err);
	if (!rc && *count > 1) {
		char what[64];
		snprintf(what, sizeof(what), "'%s' matches several revisions", name);
		rc = ambiguous(err, what, *out, *count);
	}
	return rc;
}

/* Move `steps` along the only child (up) or the only parent (down). */
static int walk(const retort_revision **at, const retort_revisions *revs, long steps,
	const char *target, retort_error **err)
{
	long i;

	for (i = 0; i < labs(steps); i++) {
		const retort_revision *r = *at;
		if (steps > 0) {
			/* from base, up means onto the first revision */
			size_t n_next = r ? r->n_children : 0, n_bases = 0, k;
			const retort_revision *const *next = r ? r->children : NULL;
			const retort_revision *bases[2];
			if (!r) {
				for (k = 0; k < revs->n && n_bases < 2; k++)
					if (revs->revs[k]->n_parents == 0)
						bases[n_bases++] = revs->revs[k];
				n_next = n_bases;
				next = bases;
			}
			if (n_next == 0)
				return retort_error_set(err, RETORT_ENOTFOUND, "%s: %s is a head, %ld step%s "
					"short", target, r ? r->id : "base", labs(steps) - i,
					labs(steps) - i == 1 ? "" : "s");
			if (n_next > 1)
				return ambiguous(err, "a relative TARGET cannot choose a branch; "
					"several revisions follow", next, n_next);
			*at = next[0];
		} else {
			if (!r)
				return retort_error_set(err, RETORT_ENOTFOUND, "%s: steps past base", target);
			if (r->n_parents > 1)
				return ambiguous(err, "a relative TARGET cannot go back through a merge; "
					"its parents are", r->parents, r->n_parents);
			*at = r->n_parents ? r->parents[0] : NULL;
		}
	}
	return 0;
}

int retort_revisions_resolve(const retort_revision ***out, size_t *count,
	const retort_revisions *revs, const char *target, const char *const *current,
	size_t n_current, retort_error **err)
{
	const char *sign = NULL, *p;
	const retort_revision **anchor = NULL, *at;
	size_t n_anchor = 0;
	long steps = 0;
	char *name, *end;
	int rc;

	*out = NULL;
	*count = 0;
	for (p = target; *p; p++)
		if (*p == '+' || *p == '-')
			sign = p;
	if (sign) {
		errno = 0;
		steps = strtol(sign + 1, &end, 10);
		if (*end || end == sign + 1 || errno || !isdigit((unsigned char)sign[1]))
			return retort_error_set(err, RETORT_EINVALID, "'%s' is not a TARGET: after + or - "
				"comes a number of steps", target);
		if (*sign == '-')
			steps = -steps;
	}
	name = sign ? retort_xstrndup(target, (size_t)(sign - target)) : retort_xstrdup(target);
	if (!name)
		return retort_error_oom(err);
	if (!*name && !sign) {
		free(name);
		return retort_error_set(err, RETORT_EINVALID, "an empty TARGET");
	}
	rc = resolve_named(&anchor, &n_anchor, revs, *name ? name : "current", current,
		n_current, err);
	free(name);
	if (rc) {
		free(anchor);
		return rc;
	}
	if (!sign) {
		*out = anchor;
		*count = n_anchor;
		return 0;
	}
	if (n_anchor > 1) {
		rc = ambiguous(err, "a relative TARGET needs one starting revision, not several",
			anchor, n_anchor);
		free(anchor);
		return rc;
	}
	at = n_anchor ? anchor[0] : NULL;
	free(anchor);
	rc = walk(&at, revs, steps, target, err);
	if (rc)
		return rc;
	return set_result(out, count, at ? &at : NULL, at ? 1 : 0, err);
}
