/*
** revision.h: revision files and the revision graph inside the library.
** revfile.c reads and writes one file; revgraph.c loads a folder into a
** graph and answers the questions the apply engine asks of it, with the set
** of applied revisions held as one flag per revision (indexed by `index`).
*/
#ifndef RETORT_REVISION_H
#define RETORT_REVISION_H

#include "retort.h"

typedef struct revcache revcache;

typedef struct rev_statement {
	char *sql;   /* the statement's text, ending in ';' */
	int line;    /* the line of its first token in the file */
} rev_statement;

typedef struct rev_section {
	char *text;            /* as written, between its marker and the next one */
	int line;              /* the marker's line */
	char sha256[65];       /* over the normalised text (see retort.h) */
	rev_statement *stmts;
	size_t n_stmts;
} rev_section;

struct retort_revision {
	char id[13];
	char **parent_ids;
	size_t n_parents;
	int parent_line;               /* the `-- parent:` line, for errors */
	const retort_revision **parents;  /* resolved by the graph */
	const retort_revision **children;
	size_t n_children;
	char *message, *created, *author, *commit; /* author, commit may be NULL */
	char *renames;                 /* the `-- renames:` value (renames.h), or NULL */
	char *path;
	rev_section section[2];        /* [RETORT_UPGRADE], [RETORT_DOWNGRADE] */
	size_t index;                  /* position in topological order */
	/* Read from the cache: the strings, all but `path`, point into its
	** mapping (retort_revisions.cache) and are not freed one by one. */
	int from_cache;
};

struct retort_revisions {
	char *dir;
	retort_revision **revs;   /* topological order */
	size_t n;
	retort_revision **by_id;  /* sorted by id, for lookup by id and prefix */
	const retort_revision **heads;
	size_t n_heads;
	revcache *cache;          /* what revisions read from the cache point into */
};

/* revfile.c */

/* The length of a revision id: 12 lower-case hex digits. */
#define REVISION_ID_LEN 12

/* Parse one revision file's text; `path` names it in errors. */
int retort_revfile_parse(retort_revision **out, const char *path, const char *text,
	size_t len, retort_error **err);
void retort_revfile_free(retort_revision *rev);
/* Is s[0..len) a revision id: 12 lower-case hex digits? */
int retort_revfile_is_id(const char *s, size_t len);
/* SHA-256 of a section's text after normalising it (see retort.h). */
void retort_revfile_section_hash(char out[65], const char *text);
/*
** Write revision `id` of `spec` as a new file of `folder` (never over one),
** checked to read back as written: the writing half of
** retort_revision_write(), which checks `spec` against the folder's graph.
** `*path_out`: the new file's path; free() it.
*/
int retort_revfile_write(char **path_out, const char *folder, const char *id,
	const retort_revision_spec *spec, retort_error **err);

/* revcache.c: parsed revision files kept between runs (see revcache.c). */
struct stat;
/* The cache of the folder `dir`: empty when it has none or one that cannot
** be used; NULL only when out of memory (then the folder is read as usual). */
revcache *retort_revcache_open(const char *dir);
/* The revision once parsed from the file `name` (found at `path`), when `st`
** shows the file unchanged since; NULL when it must be parsed again. Its
** strings point into `c`, which must outlive it. */
retort_revision *retort_revcache_get(revcache *c, const char *name, const char *path,
	const struct stat *st);
/* Note that `rev` came from its file with `st` (`parsed` when just parsed),
** for retort_revcache_save(): call it for the files in name order; `rev` must live
** until then. -1 when out of memory. */
int retort_revcache_put(revcache *c, const struct stat *st, const retort_revision *rev, int parsed);
/* Write the cache of the folder `dir` when this run saw other files than it
** held (best effort). */
void retort_revcache_save(revcache *c, const char *dir);
void retort_revcache_free(revcache *c);

/* sha256.c: 64 lower-case hex digits and a NUL into `out`. */
void retort_sha256_hex(char out[65], const void *data, size_t len);

/* revgraph.c */

/*
** The applied set of a database whose version table holds `ids`: each of
** them and all their ancestors, as `revs->n` flags (free() it). An id the
** folder does not have is RETORT_ENOTFOUND, with a message that says so.
*/
int retort_revgraph_applied(unsigned char **out, const retort_revisions *revs,
	const char *const *ids, size_t n, retort_error **err);

/* replay.c: a sealed in-memory database holding the schema the upgrade
** sections of the `applied` revisions (revs->n flags) give, replayed in
** order; close it with sqlite3_close(). */
int retort_replay_applied(sqlite3 **out, const retort_revisions *revs, const unsigned char *applied,
	retort_error **err);

/* Mark `targets` and all their ancestors in `set` (revs->n flags). */
void retort_revgraph_close_ancestors(const retort_revisions *revs, unsigned char *set,
	const retort_revision *const *targets, size_t n);

/*
** What a run toward `targets` (count 0: base) may touch, as revs->n flags
** (free() it), worked out once per run. Upgrade: the targets and all their
** ancestors. Downgrade: the strict descendants of the targets (every
** revision for base).
*/
int retort_revgraph_scope(unsigned char **out, const retort_revisions *revs,
	const retort_revision *const *targets, size_t n_targets, retort_direction dir,
	retort_error **err);

/*
** The next revision to run within `scope`, or NULL when there is none.
** Upgrade: the first, in topological order, not yet applied (its parents
** are). Downgrade: the last applied one, which never has an applied child.
*/
const retort_revision *retort_revgraph_next(const retort_revisions *revs,
	const unsigned char *applied, const unsigned char *scope, retort_direction dir);

/* The heads of an applied set, in topological order, into `out` (room for
** revs->n); returns how many. */
size_t retort_revgraph_heads_of(const retort_revisions *revs, const unsigned char *applied,
	const retort_revision **out);

/*
** Refuse a TARGET that goes the other way (RETORT_EINVALID, naming `target`
** as the user wrote it): an upgrade to a revision that is applied but not
** one of the database's `heads`, or to base once anything is applied
** ("behind: did you mean downgrade?"); a downgrade to a revision that is not
** applied ("ahead: did you mean upgrade?", or on another branch). An
** upgrade to a revision on another branch applies that branch.
*/
int retort_revgraph_check_way(const retort_revisions *revs, const unsigned char *applied,
	const retort_revision *const *heads, size_t n_heads,
	const retort_revision *const *targets, size_t n_targets, const char *target,
	retort_direction dir, retort_error **err);

#endif
