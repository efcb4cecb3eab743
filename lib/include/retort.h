/*
** retort.h: the public interface of libretort, a schema migration library for
** SQLite. This header is the contract: what it does not declare is internal.
**
** Conventions (after libgit2 and SQLite):
**   - Calls that can fail return 0 on success or a negative RETORT_E* code,
**     take their results through out-parameters (first, named `out`, or
**     `NAME_out` when there are several) and report failures through an
**     optional `retort_error **err` (last; may be NULL).
**   - A yes/no answer is an int 0 or 1: through an out-parameter when the
**     call can fail, else as the value of a predicate that cannot.
**   - Every options struct begins with `unsigned int version`, which its
**     RETORT_*_OPTIONS_INIT macro fills; the library refuses a struct of
**     another version (RETORT_EINVALID) rather than misread it. Start from
**     the macro and set the members you need by name.
**   - Whatever is returned through an out-parameter belongs to the caller and
**     is released with the matching *_free() (plain strings with free()).
**     Every *_free() accepts NULL.
**   - Getters return values borrowed from their parent object; they stay valid
**     until the parent is freed.
**   - The library never prints, never exits and keeps no global state, so it
**     can be used any number of times, from several threads on distinct
**     objects, in one process.
*/
#ifndef RETORT_H
#define RETORT_H

#include <stddef.h>
#include <sqlite3.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define RETORT_EXTERN(type) extern __attribute__((visibility("default"))) type
#else
#define RETORT_EXTERN(type) extern type
#endif

#define RETORT_VERSION "0.1.0"

/** Result codes. 0 is success; every failure is negative. */
typedef enum retort_code {
	RETORT_OK = 0,
	RETORT_ERROR = -1,     /**< generic failure (out of memory, I/O) */
	RETORT_EINVALID = -2,  /**< bad input: model, config, URL, revision file */
	RETORT_ENOTFOUND = -3, /**< a file, object or revision does not exist */
	RETORT_EAMBIGUOUS = -4,/**< a prefix or name matches several things */
	RETORT_EEXISTS = -5,   /**< refusing to overwrite something */
	RETORT_EDB = -6,       /**< SQLite reported an error */
	RETORT_EBUSY = -7,     /**< the database stayed locked */
	RETORT_EMISMATCH = -8, /**< a check found a difference (verify, changed files) */
	RETORT_ECANCELLED = -9 /**< the run was cancelled (retort_cancel_request) */
} retort_code;

/**
** A failure, as a value. `path`, `line` and `column` point at the source of
** the fault when it came from a file (1-based; 0 when unknown). `source_line`
** holds the text of that line (without its newline) so that a caller can show
** it with a caret under `column`; NULL when unknown.
*/
typedef struct retort_error {
	int code;
	char *message;
	char *path;
	int line;
	int column;
	char *source_line;
} retort_error;

/** Release an error and everything it holds. Accepts NULL. */
RETORT_EXTERN(void) retort_error_free(retort_error *err);

/** The library's version string, e.g. "0.1.0". */
RETORT_EXTERN(const char *) retort_version(void);

/* ------------------------------------------------------------------ */
/* Configuration (retort.yaml)                                          */
/* ------------------------------------------------------------------ */

typedef struct retort_config retort_config;

/**
** Find and load the project's configuration.
**
** @param[out] out    the configuration; free with retort_config_free()
** @param path        an explicit config file (the CLI's -c), or NULL to look
**                    for retort.yaml in `start_dir` and then in each parent
** @param start_dir   where the search starts; NULL for the working directory
** @return 0, RETORT_ENOTFOUND when no config file exists, RETORT_EINVALID for
**         a malformed one (with file:line:column in `err`)
**
** A config found in `start_dir` keeps a short path ("retort.yaml" when
** `start_dir` is NULL); one found in a parent is named by absolute path.
** The `database` URL is checked here, so a bad one is reported at its line.
*/
RETORT_EXTERN(int) retort_config_find(retort_config **out, const char *path,
	const char *start_dir, retort_error **err);

/**
** A configuration with every default and no file behind it, rooted at `dir`
** (NULL: the working directory). Used where no project exists yet.
*/
RETORT_EXTERN(int) retort_config_default(retort_config **out, const char *dir,
	retort_error **err);

RETORT_EXTERN(void) retort_config_free(retort_config *cfg);

/** The config file's path, or NULL for a default configuration. */
RETORT_EXTERN(const char *) retort_config_path(const retort_config *cfg);
/** The folder relative paths are resolved against. */
RETORT_EXTERN(const char *) retort_config_dir(const retort_config *cfg);
/** The `database` URL as written in the file, or NULL. */
RETORT_EXTERN(const char *) retort_config_database(const retort_config *cfg);
/** The models file or folder, resolved against the config's folder. */
RETORT_EXTERN(const char *) retort_config_models(const retort_config *cfg);
/** The revisions folder, resolved against the config's folder. */
RETORT_EXTERN(const char *) retort_config_revisions(const retort_config *cfg);
/** The version table's name (default "retort_version"). */
RETORT_EXTERN(const char *) retort_config_version_table(const retort_config *cfg);
/** The number of `exclude` globs, and each one. */
RETORT_EXTERN(size_t) retort_config_exclude_count(const retort_config *cfg);
RETORT_EXTERN(const char *) retort_config_exclude(const retort_config *cfg, size_t i);

/**
** Work out which database file to use, in SPEC order: `cli_url` (the CLI's
** --db), then $RETORT_DATABASE_URL, then $DATABASE_URL, then the config's
** `database`. A relative path from the config is relative to the config's
** folder; one from the command line or the environment to the working
** directory.
**
** @param[out] path_out  a file path, or ":memory:"; free with free()
** @param cfg            may be NULL (then the config is not consulted)
** @return 0, RETORT_ENOTFOUND when no URL is given anywhere, RETORT_EINVALID
**         for an unsupported URL (the message names the supported forms)
*/
RETORT_EXTERN(int) retort_database_path(char **path_out, const char *cli_url,
	const retort_config *cfg, retort_error **err);

/**
** Turn one database URL into a file path: `sqlite:///rel.db`,
** `sqlite:////abs.db`, `sqlite://`, `sqlite:///:memory:`, any
** `sqlite+DRIVER://` form, or a plain path. A relative path is joined to
** `base_dir` when it is not NULL. A URL's query string (`?mode=ro`) holds the
** app driver's connection options and is ignored; in a plain path, `?` is
** part of the file name.
**
** @param[out] path_out  a file path, or ":memory:"; free with free()
** @return 0, or RETORT_EINVALID for another scheme (`postgresql://...`), a
**         host (`sqlite://host/x.db`) or `sqlite:x.db`
*/
RETORT_EXTERN(int) retort_url_to_path(char **path_out, const char *url,
	const char *base_dir, retort_error **err);

/* ------------------------------------------------------------------ */
/* Connections                                                          */
/* ------------------------------------------------------------------ */

/**
** A connection to a live database: a local SQLite file, or a database of a
** dqlite cluster. Every retort_db_* call below works on either; the
** `sqlite3 *` entry points beside them keep working for an app that embeds
** SQLite. One thread uses a connection at a time.
*/
typedef struct retort_db retort_db;

/** How retort_db_open() opens the database. */
enum {
	RETORT_DB_WRITE = 1 << 0, /**< read-write (else read-only) */
	RETORT_DB_CREATE = 1 << 1 /**< with RETORT_DB_WRITE: create it when missing */
};

/**
** Open the database `url` names: any form retort_url_to_path() takes (a
** relative path is relative to the working directory), or
** `dqlite://HOST:PORT[,HOST:PORT...]/DBNAME`.
**
** @param[out] out  the connection; free with retort_db_free()
** @param flags     RETORT_DB_WRITE, RETORT_DB_CREATE, or 0 (read-only)
** @return 0; RETORT_EINVALID for a URL no backend takes, or a file that is
**         not a SQLite database; RETORT_ENOTFOUND for a database (or its
**         folder) that does not exist; RETORT_EDB for one that cannot be
**         opened, or is read-only when RETORT_DB_WRITE asks to write
*/
RETORT_EXTERN(int) retort_db_open(retort_db **out, const char *url, unsigned flags,
	retort_error **err);

/**
** A connection over the app's own SQLite handle `db`, which stays the app's:
** retort_db_free() leaves it open, and it must outlive the connection.
**
** @param[out] out  the connection; free with retort_db_free()
*/
RETORT_EXTERN(int) retort_db_wrap(retort_db **out, sqlite3 *db, retort_error **err);

/** Close the connection (a wrapped handle stays open). Accepts NULL. */
RETORT_EXTERN(void) retort_db_free(retort_db *db);

/**
** Work out which database to use, as retort_database_path() does, as
** something retort_db_open() takes: a file's path (relative ones resolved
** as there, and "./" before one that would read as a URL: the file
** "file:x.db" is "./file:x.db"), or the URL of a database that is not a
** file (dqlite://...).
**
** @param[out] out_url  free with free()
*/
RETORT_EXTERN(int) retort_database_url(char **out_url, const char *cli_url,
	const retort_config *cfg, retort_error **err);

/* ------------------------------------------------------------------ */
/* Schemas                                                              */
/* ------------------------------------------------------------------ */

/**
** A database schema as SQLite understands it: tables (columns, keys,
** constraints, indexes), views and triggers. Built from a live database, from
** SQL, or from model files (which are first built into an in-memory SQLite
** database, so both sides are always read the same way).
*/
typedef struct retort_schema retort_schema;

/**
** Read the schema of an open database. Leaves out sqlite_* internals, the
** version and history tables and the config's `exclude` globs.
**
** @param cfg  may be NULL: then only internals and the default version and
**             history tables are left out
*/
RETORT_EXTERN(int) retort_schema_read(retort_schema **out, sqlite3 *db,
	const retort_config *cfg, retort_error **err);

/** The same on a connection, whatever its backend. */
RETORT_EXTERN(int) retort_db_schema_read(retort_schema **out, retort_db *db,
	const retort_config *cfg, retort_error **err);

/** Open the SQLite file at `path` read-only and read its schema. */
RETORT_EXTERN(int) retort_schema_read_file(retort_schema **out,
	const char *path, const retort_config *cfg, retort_error **err);

/**
** Run `sql` (CREATE statements) in an in-memory database and read the result.
** `origin` names the SQL's file in error messages (may be NULL).
*/
RETORT_EXTERN(int) retort_schema_from_sql(retort_schema **out,
	const char *sql, const char *origin, const retort_config *cfg,
	retort_error **err);

/** As retort_schema_from_sql, reading the SQL from the file at `path`. */
RETORT_EXTERN(int) retort_schema_from_sql_file(retort_schema **out,
	const char *path, const retort_config *cfg, retort_error **err);

/**
** Load model files: `path` is a YAML file or a folder whose *.yaml and *.yml
** files are read in name order and merged. Errors carry file:line:column.
*/
RETORT_EXTERN(int) retort_models_load(retort_schema **out, const char *path,
	const retort_config *cfg, retort_error **err);

/**
** Load models from YAML text held in memory; `origin` names it in errors.
*/
RETORT_EXTERN(int) retort_models_load_text(retort_schema **out,
	const char *text, size_t len, const char *origin,
	const retort_config *cfg, retort_error **err);

/** Write the schema as model YAML that loads back to the same schema. */
RETORT_EXTERN(int) retort_schema_to_yaml(char **out, const retort_schema *schema,
	retort_error **err);

/**
** The foreign keys of `schema` that SQLite cannot enforce, one
** "child(columns) references parent(columns)" string each: their parent
** columns are neither the parent's primary key nor unique (a UNIQUE
** constraint, or a unique index without WHERE, in the columns' own
** collations), so SQLite refuses every write to the child ("foreign key
** mismatch"). Models with one do not load; a database may hold one. A table
** that cannot be made in memory (an unknown module or collation) leaves its
** keys unjudged. Free with retort_strings_free().
*/
RETORT_EXTERN(int) retort_schema_fk_mismatches(char ***out, size_t *count_out,
	const retort_schema *schema, retort_error **err);

/** Write the schema as the SQL statements that create it. */
RETORT_EXTERN(int) retort_schema_to_sql(char **out, const retort_schema *schema,
	retort_error **err);

/**
** Compare two schemas as SQLite understands them.
**
** @param[out] equal_out  1 when the schemas are equal, 0 when they differ
** @param[out] why_out    when not NULL and the schemas differ, a description
**                        of the first difference (free with free()); set to
**                        NULL otherwise
** @return 0, or RETORT_ERROR when memory ran out (then `*equal_out` is 0)
*/
RETORT_EXTERN(int) retort_schema_equal(int *equal_out, char **why_out,
	const retort_schema *a, const retort_schema *b, retort_error **err);

/** The number of tables, views, triggers and indexes (for summaries). */
RETORT_EXTERN(size_t) retort_schema_table_count(const retort_schema *schema);
RETORT_EXTERN(size_t) retort_schema_view_count(const retort_schema *schema);
RETORT_EXTERN(size_t) retort_schema_trigger_count(const retort_schema *schema);
RETORT_EXTERN(size_t) retort_schema_index_count(const retort_schema *schema);

RETORT_EXTERN(void) retort_schema_free(retort_schema *schema);

/* ------------------------------------------------------------------ */
/* Autogenerate: plans                                                  */
/* ------------------------------------------------------------------ */

/**
** A migration plan: the steps that turn one schema into another (upgrade)
** and back (downgrade), each rendered as SQL, with its risks. Built by
** retort_diff(); self-contained (it does not borrow from the schemas).
*/
typedef struct retort_plan retort_plan;

typedef enum retort_direction {
	RETORT_UPGRADE = 0,
	RETORT_DOWNGRADE = 1
} retort_direction;

/** What can go wrong in a step; a step's `risks` is a set of these bits. */
typedef enum retort_risk {
	RETORT_RISK_DROP_TABLE = 1 << 0,     /**< a table and its rows go */
	RETORT_RISK_DROP_COLUMN = 1 << 1,    /**< a column and its values go */
	RETORT_RISK_NARROW_TYPE = 1 << 2,    /**< values may not survive the new type */
	RETORT_RISK_SET_NOT_NULL = 1 << 3,   /**< rows holding NULL make it fail */
	RETORT_RISK_ADD_NOT_NULL = 1 << 4,   /**< NOT NULL column with no default: fails on rows */
	RETORT_RISK_NEW_CONSTRAINT = 1 << 5, /**< rows violating a new UNIQUE/CHECK/FK make it fail */
	RETORT_RISK_REBUILD = 1 << 6,        /**< the table is rebuilt: every row is copied */
	RETORT_RISK_FILL_NULL = 1 << 7       /**< a column made NOT NULL: its NULLs become its
	                                          default, which a downgrade does not undo */
} retort_risk;

/** One step of a plan, borrowed from the plan. */
typedef struct retort_step_info {
	const char *kind;    /**< "create_table", "rebuild_table", "add_column", ... */
	const char *table;   /**< the table it works on, or NULL (views) */
	const char *object;  /**< the column, index, view or trigger, or NULL */
	unsigned risks;      /**< RETORT_RISK_* bits */
	const char *warning; /**< the risks in words, or NULL; the names in it as
	                          they are (a line break included): escape it
	                          before a comment or a terminal shows it */
	const char *sql;     /**< the step's statements, each ending in ";\n" */
} retort_step_info;

/**
** Work out the steps that turn `from` into `to`, and back. A table or column
** of `to` with a `renamed_from` that names an object of `from` becomes a
** rename, also when its new name is taken in `from` by an object that is
** renamed away (a swap, a cycle: done through a stopover name) or dropped.
** A hint is consumed once: one that the revisions which made `from` did
** (see retort_schema_set_revisions()) means nothing more. A hint that cannot
** be followed is ignored and told as a note (retort_plan_note()); one that
** matches nothing at all in `from`, which no revision knows, is
** RETORT_EINVALID at its file:line:column (a misspelt name).
**
** Before returning, the plan is checked in memory: `from` built, the upgrade
** applied, the result compared with `to`, the downgrade applied, compared
** with `from`. A change that SQLite cannot make is an error here, never a
** silent loss later.
*/
RETORT_EXTERN(int) retort_diff(retort_plan **out, const retort_schema *from,
	const retort_schema *to, retort_error **err);

/**
** As retort_diff(), but no table is changed in place (its definition edited
** in sqlite_schema, docs/autogenerate.md): such a change is a rebuild, as
** `retort diff --rebuild` and `retort revision --autogenerate --rebuild` ask.
*/
RETORT_EXTERN(int) retort_diff_rebuild(retort_plan **out, const retort_schema *from,
	const retort_schema *to, retort_error **err);

RETORT_EXTERN(void) retort_plan_free(retort_plan *plan);

/** The number of steps in a direction; 0 upgrade steps: nothing to change. */
RETORT_EXTERN(size_t) retort_plan_step_count(const retort_plan *plan,
	retort_direction dir);

/** Step `i` (0-based) of a direction; RETORT_ENOTFOUND past the end. */
RETORT_EXTERN(int) retort_plan_step(retort_step_info *out, const retort_plan *plan,
	retort_direction dir, size_t i);

/** A rename: of a table (`table` NULL) or of a column of `table`. */
typedef struct retort_rename {
	const char *table;  /**< the column's table, as named after the renames */
	const char *from;   /**< the old name */
	const char *to;     /**< the new name */
} retort_rename;

/**
** The renames the plan's upgrade does (what `renamed_from` asked for, not
** the stopovers on the way), borrowed from the plan:
** retort_plan_rename_count() of them. A revision written from the plan
** records them (retort_revision_spec).
*/
RETORT_EXTERN(const retort_rename *) retort_plan_renames(const retort_plan *plan);
RETORT_EXTERN(size_t) retort_plan_rename_count(const retort_plan *plan);

/**
** What the plan leaves out that the models ask for: each `renamed_from` it
** ignored, and why, in words ("models/a.yaml:6:7: column 'user.b':
** renamed_from 'a' ignored: ..."). Borrowed from the plan; NULL past the end.
*/
RETORT_EXTERN(size_t) retort_plan_note_count(const retort_plan *plan);
RETORT_EXTERN(const char *) retort_plan_note(const retort_plan *plan, size_t i);

/**
** The statements of a direction, as a revision section holds them: no
** transaction and no PRAGMA, which the apply engine adds. "" when empty.
*/
RETORT_EXTERN(const char *) retort_plan_sql(const retort_plan *plan,
	retort_direction dir);

/**
** A script that stands on its own (`sqlite3 -bail DB < script.sql`):
** foreign keys off outside the transaction, BEGIN IMMEDIATE, the steps with
** their risk comments, PRAGMA foreign_key_check, COMMIT, foreign keys on.
*/
RETORT_EXTERN(int) retort_plan_script(char **out, const retort_plan *plan,
	retort_direction dir, retort_error **err);

/**
** How `to` differs from `from`, in words: the steps that would turn one into
** the other ("add_column pet.born; drop_table toy"). `*out` is NULL when the
** schemas are the same; free() it.
*/
RETORT_EXTERN(int) retort_schema_differences(char **out, const retort_schema *from,
	const retort_schema *to, retort_error **err);

/** The plan as JSON: {"upgrade": [steps], "downgrade": [steps]}. */
RETORT_EXTERN(int) retort_plan_to_json(char **out, const retort_plan *plan,
	retort_error **err);

/* ------------------------------------------------------------------ */
/* Revisions                                                            */
/* ------------------------------------------------------------------ */

/**
** A revisions folder, loaded and checked: every file parsed, every parent
** found, no id twice, no cycle. Revisions are kept in topological order
** (parents before children; ties by creation time, then id).
*/
typedef struct retort_revisions retort_revisions;
/** One revision, borrowed from its retort_revisions. */
typedef struct retort_revision retort_revision;

/**
** Load every `*.sql` file of `dir` as a revision (SPEC section 3).
**
** @return 0; RETORT_ENOTFOUND when `dir` does not exist; RETORT_EINVALID for
**         a malformed file (no id, a bad id, a section missing or twice, SQL
**         before the first section), an unknown parent, an id clash or a
**         cycle, with the file and line in `err`
*/
RETORT_EXTERN(int) retort_revisions_load(retort_revisions **out, const char *dir,
	retort_error **err);
RETORT_EXTERN(void) retort_revisions_free(retort_revisions *revs);

RETORT_EXTERN(const char *) retort_revisions_dir(const retort_revisions *revs);
RETORT_EXTERN(size_t) retort_revisions_count(const retort_revisions *revs);
/** Revision `i` in topological order; NULL past the end. */
RETORT_EXTERN(const retort_revision *) retort_revisions_at(
	const retort_revisions *revs, size_t i);
/** The revision with exactly this id, or NULL. */
RETORT_EXTERN(const retort_revision *) retort_revisions_get(
	const retort_revisions *revs, const char *id);
/** The heads: revisions that no other revision names as its parent. */
RETORT_EXTERN(size_t) retort_revisions_head_count(const retort_revisions *revs);
RETORT_EXTERN(const retort_revision *) retort_revisions_head(
	const retort_revisions *revs, size_t i);

/**
** Resolve a TARGET of SPEC section 6 to the revisions it names: `head` (the
** only head), `heads`, `base` (none: count 0), an id or a unique prefix,
** `+N`/`-N` from `current`, `REV+N`/`REV-N`.
**
** @param[out] out    an array of `*count_out` borrowed revisions; free() it
** @param current     the database's current revisions (its heads), or NULL
**                    with n_current 0 when it is at base
** @return 0; RETORT_EAMBIGUOUS for a prefix matching several revisions (the
**         message lists them), `head` with several heads, or a relative step
**         across a branch point or a merge; RETORT_ENOTFOUND for no match or
**         a step past either end; RETORT_EINVALID for a malformed TARGET
*/
RETORT_EXTERN(int) retort_revisions_resolve(const retort_revision ***out,
	size_t *count_out, const retort_revisions *revs, const char *target,
	const char *const *current, size_t n_current, retort_error **err);

/**
** One flag per revision, in topological order (the order of
** retort_revisions_at()): `set` and every ancestor of it, or with
** `ancestors` 0, `set` and every descendant. free() it.
*/
RETORT_EXTERN(int) retort_revisions_closure(unsigned char **out,
	const retort_revisions *revs, const retort_revision *const *set, size_t n,
	int ancestors, retort_error **err);

RETORT_EXTERN(const char *) retort_revision_id(const retort_revision *rev);
RETORT_EXTERN(size_t) retort_revision_parent_count(const retort_revision *rev);
RETORT_EXTERN(const retort_revision *) retort_revision_parent(
	const retort_revision *rev, size_t i);
RETORT_EXTERN(size_t) retort_revision_child_count(const retort_revision *rev);
RETORT_EXTERN(const retort_revision *) retort_revision_child(
	const retort_revision *rev, size_t i);
/** Header fields; `author` and `commit` are NULL when the file has none. */
RETORT_EXTERN(const char *) retort_revision_message(const retort_revision *rev);
RETORT_EXTERN(const char *) retort_revision_created(const retort_revision *rev);
RETORT_EXTERN(const char *) retort_revision_author(const retort_revision *rev);
RETORT_EXTERN(const char *) retort_revision_commit(const retort_revision *rev);
/** The revision's file. */
RETORT_EXTERN(const char *) retort_revision_path(const retort_revision *rev);
/** A section's text as written (without its marker line). */
RETORT_EXTERN(const char *) retort_revision_sql(const retort_revision *rev,
	retort_direction dir);
/**
** The SHA-256 of a section (64 lower-case hex digits), over its text with
** line endings made LF and leading and trailing blank space dropped: a CRLF
** checkout hashes the same, an edited statement does not.
*/
RETORT_EXTERN(const char *) retort_revision_sha256(const retort_revision *rev,
	retort_direction dir);
/** A section's statements, split as SQLite splits them. */
RETORT_EXTERN(size_t) retort_revision_statement_count(const retort_revision *rev,
	retort_direction dir);
/** Statement `i` of a section (ending in ';'); NULL past the end. */
RETORT_EXTERN(const char *) retort_revision_statement(const retort_revision *rev,
	retort_direction dir, size_t i);
/** The line of the revision file that statement `i` of a section starts on; 0 past the end. */
RETORT_EXTERN(int) retort_revision_statement_line(const retort_revision *rev,
	retort_direction dir, size_t i);

/** What a new revision file holds. */
typedef struct retort_revision_spec {
	const char *message;        /**< a control character in it (a line
	                                 break) is written escaped, as \n */
	const char *const *parents; /**< parent ids; none: a base revision */
	size_t parent_count;
	const char *upgrade_sql;    /**< section texts, written as given */
	const char *downgrade_sql;
	const char *author;         /**< "Name <email>", or NULL to leave out */
	const char *commit;         /**< a git commit id, or NULL to leave out */
	const retort_rename *renames; /**< what its upgrade renames (the
	                                 `-- renames:` line), from
	                                 retort_plan_renames(); none: no line */
	size_t rename_count;
} retort_revision_spec;

/**
** Write a new revision file into `dir`: a random 12-hex id (never one that
** `revs` already has), `<id>_<slug>.sql` with the slug made from the message,
** the header, then both sections. The file appears whole or not at all.
**
** @param[out] id_out    the new id (may be NULL); free() it
** @param[out] path_out  the new file's path (may be NULL); free() it
** @param revs           the folder's revisions, to check parents and ids
*/
RETORT_EXTERN(int) retort_revision_write(char **id_out, char **path_out,
	const retort_revisions *revs, const retort_revision_spec *spec,
	retort_error **err);

/**
** The schema the chain gives at TARGET (NULL: `heads`), by replaying the
** upgrade sections from base into an in-memory database: no live database
** is needed. A statement that fails is RETORT_EINVALID at its file:line.
** The schema knows which revisions made it, as retort_schema_set_revisions()
** tells.
*/
RETORT_EXTERN(int) retort_revisions_schema(retort_schema **out,
	const retort_revisions *revs, const char *target, const retort_config *cfg,
	retort_error **err);

/**
** Tell `schema` which revisions made it: those named by `ids` (`n_ids` of
** them, none: base) and their ancestors; `ids` NULL: a schema from outside
** the chain (a SQL file, the models at a git ref), taken to be at the heads.
** retort_diff() from it then takes the renames those revisions recorded
** (`-- renames:`) as done, and the renames of any revision as known. An id
** the folder does not have is RETORT_ENOTFOUND.
*/
RETORT_EXTERN(int) retort_schema_set_revisions(retort_schema *schema,
	const retort_revisions *revs, const char *const *ids, size_t n_ids,
	retort_error **err);

/**
** For every revision in order, in memory: upgrade, downgrade, upgrade
** again, comparing the schema at each step. RETORT_EMISMATCH names the first
** revision whose downgrade does not give back its parent's schema (or whose
** second upgrade differs from the first); `*failed_out` (may be NULL) is it.
*/
RETORT_EXTERN(int) retort_revisions_verify(const retort_revision **failed_out,
	const retort_revisions *revs, const retort_config *cfg, retort_error **err);

/* ------------------------------------------------------------------ */
/* Migrating a database                                                 */
/* ------------------------------------------------------------------ */

/** What the apply engine reports while it works, through a callback. */
typedef enum retort_event_kind {
	RETORT_EVENT_STATEMENT,  /**< `sql` is about to run (or would, dry run) */
	RETORT_EVENT_BEGIN,      /**< `revision` starts, in `direction` */
	RETORT_EVENT_DONE,       /**< `revision` committed (or would be), `seconds` */
	RETORT_EVENT_DATA_LOSS,  /**< the next step destroys `rows` rows of `table`,
	                              or `values` non-NULL values of `column` (`loss`) */
	RETORT_EVENT_PROGRESS,   /**< a long statement is still running */
	RETORT_EVENT_SKIPPED,    /**< another process applied `revision` first */
	RETORT_EVENT_ORPHANS     /**< before `revision` ran, `rows` rows of `table`
	                              already had no parent row in `parent` (the
	                              first `n_rowids` rowids in `rowids`): only
	                              the ones a revision leaves fail it */
} retort_event_kind;

/** What a DATA_LOSS event counts. */
typedef enum retort_loss_kind {
	RETORT_LOSS_TABLE,   /**< a dropped table: `rows`, all of its rows */
	RETORT_LOSS_COLUMN,  /**< a dropped column: `values`, its non-NULL values */
	RETORT_LOSS_ROWS,    /**< a table rebuilt by a copy that leaves rows out
	                          (INSERT ... SELECT ... WHERE): `rows`, those rows */
	RETORT_LOSS_FILL     /**< a column made NOT NULL with a default, by a copy
	                          that takes coalesce(column, EXPR): `values`, its
	                          NULLs, become EXPR (`sql`); a downgrade cannot
	                          tell them from values put there */
} retort_loss_kind;

typedef struct retort_event {
	retort_event_kind kind;
	retort_direction direction;
	const retort_revision *revision; /**< NULL for the engine's own statements */
	const char *sql;        /**< STATEMENT: the statement; PROGRESS: the running one;
	                             DATA_LOSS of RETORT_LOSS_FILL: what the NULLs become */
	int line;               /**< its line in the revision file (0: the engine's) */
	const char *table;      /**< DATA_LOSS, ORPHANS */
	const char *column;     /**< DATA_LOSS: NULL when the whole table goes */
	const char *parent;     /**< ORPHANS: the parent table */
	const long long *rowids; /**< ORPHANS: the first rowids (none in a
	                             WITHOUT ROWID table) */
	size_t n_rowids;
	long long rows;         /**< DATA_LOSS: rows in the table; ORPHANS: rows
	                             without their parent */
	long long values;       /**< DATA_LOSS: non-NULL values in the column (a fill:
	                             the NULLs it fills) */
	double seconds;         /**< DONE: the revision's time; PROGRESS: so far */
	retort_loss_kind loss;  /**< DATA_LOSS: what `rows` or `values` counts */
} retort_event;

typedef void (*retort_event_fn)(void *ctx, const retort_event *ev);

/**
** A cancellation token: hand it to a run (`retort_migrate_options.cancel`)
** and call retort_cancel_request() to stop that run. The run stops the
** statement it is running within milliseconds (SQLite's progress handler
** polls the token), rolls the revision it was running back, removes a
** backup it was writing, and returns RETORT_ECANCELLED; revisions it
** committed before stay committed. The library never installs signal
** handlers: an app that wants Ctrl-C to stop a migration calls
** retort_cancel_request() from its own handler.
*/
typedef struct retort_cancel retort_cancel;

/** A new token, not requested; free with retort_cancel_free(). */
RETORT_EXTERN(int) retort_cancel_new(retort_cancel **out, retort_error **err);

/**
** Ask every run holding `cancel` to stop; it stays asked (a token serves
** one run). Async-signal-safe (one store to a lock-free atomic int) and
** safe from any thread, also after the run ended. Accepts NULL.
*/
RETORT_EXTERN(void) retort_cancel_request(retort_cancel *cancel);

/** Release a token no run holds any more. Accepts NULL. */
RETORT_EXTERN(void) retort_cancel_free(retort_cancel *cancel);

/* ---- Progress (issue 18): one stream for synchronous and asynchronous runs ---- */

/** What a run tells its progress callback. */
typedef enum retort_progress_kind {
	RETORT_PROGRESS_REVISION,  /**< `revision` starts, in `direction` */
	RETORT_PROGRESS_ROWS,      /**< a statement of `revision` still runs: `rows` it
	                                wrote so far (a rebuild's copy: the rows copied;
	                                0 in a WITHOUT ROWID table, which SQLite does
	                                not count), `sql`, `line`, `seconds` so far;
	                                about every 50 ms while it runs */
	RETORT_PROGRESS_COMMITTED, /**< `revision` committed (with one_transaction:
	                                done, to be committed at the end), `seconds` */
	RETORT_PROGRESS_WARNING,   /**< `message`: rows a step destroys, rows already
	                                without their parent, a revision another
	                                process applied first */
	RETORT_PROGRESS_DONE       /**< the run ended: `result` (what the call
	                                returns) and `error` (NULL on success); always
	                                the last */
} retort_progress_kind;

/** One progress report; everything in it is borrowed for the call only. */
typedef struct retort_progress {
	retort_progress_kind kind;
	retort_direction direction;
	const retort_revision *revision; /**< REVISION, ROWS, COMMITTED; WARNING
	                                      when about one (may be NULL) */
	const char *sql;        /**< ROWS: the statement running */
	int line;               /**< ROWS: its line in the revision file */
	const char *table;      /**< WARNING: the table it is about, or NULL */
	const char *message;    /**< WARNING: in words; the names in it as they
	                             are (escape it before a terminal shows it) */
	long long rows;         /**< ROWS */
	double seconds;         /**< ROWS: the statement's so far; COMMITTED: the revision's */
	int result;             /**< DONE: 0 or a RETORT_E* code */
	const retort_error *error; /**< DONE: the failure, or NULL */
} retort_progress;

/**
** A progress callback. A non-zero return cancels the run exactly as
** retort_cancel_request() on its token does (libgit2's convention): the
** statement running stops, the revision is rolled back, the run returns
** RETORT_ECANCELLED. The return of the DONE call is ignored.
*/
typedef int (*retort_progress_fn)(void *ctx, const retort_progress *progress);

/** The version of retort_migrate_options this header declares. */
#define RETORT_MIGRATE_OPTIONS_VERSION 1

typedef struct retort_migrate_options {
	unsigned int version;     /**< RETORT_MIGRATE_OPTIONS_VERSION */
	int one_transaction;      /**< the whole run in one transaction */
	int dry_run;              /**< report every statement, run none (--sql) */
	const char *backup_path;  /**< copy the database here before the first change */
	int busy_timeout_ms;      /**< wait at most this long for locks, in all over the run; < 0: the handle's own */
	const retort_config *cfg; /**< for the version table's name; may be NULL */
	retort_event_fn on_event; /**< may be NULL */
	void *ctx;
	int allow_attach;         /**< let revisions ATTACH and VACUUM INTO other files
	                               (else they are refused before anything runs) */
	int carry_unknown_objects; /**< recreate the indexes, triggers and views the
	                               chain does not know that a revision destroys
	                               (else the run is refused before anything runs) */
	retort_cancel *cancel;    /**< stops the run when requested; may be NULL */
	retort_progress_fn progress; /**< may be NULL; while it is set, the run
	                               counts rows with SQLite's update hook, which it
	                               takes from the handle and clears at the end */
	void *progress_ctx;
} retort_migrate_options;

/*
** The defaults. Every member is listed, in order, so that C++ before C++20
** (no designated initializers) and -Wextra take it without a warning;
** tests/headertest.c stops building when a new member is left out.
*/
#define RETORT_MIGRATE_OPTIONS_INIT { RETORT_MIGRATE_OPTIONS_VERSION, \
	0, 0, NULL, 5000, NULL, NULL, NULL, 0, 0, NULL, NULL, NULL }

/**
** Bring `db` up to TARGET (SPEC section 4): each pending revision in its own
** BEGIN IMMEDIATE transaction with its version-table update and history row
** (or all in one with `one_transaction`), foreign keys off outside the
** transaction and checked with PRAGMA foreign_key_check before each commit.
** A revision fails only for the rows it leaves without their parent: the
** ones that had none before it (RETORT_EVENT_ORPHANS) are left as they are.
** The version and history tables are created when missing.
**
** `db` must not be inside a transaction. Safe against another process
** migrating the same file: each revision is applied exactly once.
**
** Before anything runs, every revision the run will apply is checked: one
** that begins or ends a transaction, sets PRAGMA journal_mode, or (without
** `allow_attach`) ATTACHes a database or runs VACUUM INTO is RETORT_EINVALID
** at its file and line, and nothing changes. So is, as RETORT_EDB, a run
** whose revisions would destroy indexes, triggers or views the chain does
** not have at the database's current revision (made by hand) with a table
** or view they drop; with `carry_unknown_objects` each is recreated from its
** sqlite_schema text after the revision, in its transaction (a view or
** another table's trigger that reads what goes is dropped before it), and
** one that no longer applies fails the revision.
**
** @return 0; RETORT_EDB when a statement fails or a revision leaves a row
**         without its parent (that revision is rolled back; `err` names the file and line);
**         RETORT_EINVALID for a statement no revision may run, or for a
**         TARGET behind the database (applied, and not one of its heads:
**         "did you mean downgrade?"), before anything runs;
**         RETORT_EBUSY when the database stayed locked past the timeout;
**         RETORT_ECANCELLED when `opts->cancel` was requested (the message
**         names the revision rolled back, or the backup removed);
**         RETORT_ENOTFOUND when the database is at a revision the folder
**         does not have; what retort_revisions_resolve() returns for TARGET
*/
RETORT_EXTERN(int) retort_upgrade(sqlite3 *db, const retort_revisions *revs,
	const char *target, const retort_migrate_options *opts, retort_error **err);

/** Walk `db` back to TARGET, reverting each revision after it, newest first.
** A TARGET that is not applied (ahead of the database, or on another
** branch) is RETORT_EINVALID before anything runs. */
RETORT_EXTERN(int) retort_downgrade(sqlite3 *db, const retort_revisions *revs,
	const char *target, const retort_migrate_options *opts, retort_error **err);

/** Record that `db` is at TARGET without running any revision. */
RETORT_EXTERN(int) retort_stamp(sqlite3 *db, const retort_revisions *revs,
	const char *target, const retort_migrate_options *opts, retort_error **err);

/**
** The revisions `db` is at (its version table's rows, sorted); count 0 at
** base or when there is no version table. Free with retort_strings_free().
*/
RETORT_EXTERN(int) retort_current(char ***out, size_t *count_out, sqlite3 *db,
	const retort_config *cfg, retort_error **err);

/**
** The applied revisions whose file changed after they ran: the SHA-256 of
** the section the history recorded differs from the file's. An array of
** borrowed revisions; free() it.
*/
RETORT_EXTERN(int) retort_changed_revisions(const retort_revision ***out,
	size_t *count_out, sqlite3 *db, const retort_revisions *revs,
	const retort_config *cfg, retort_error **err);

/* The same on a connection (retort_db_open(), retort_db_wrap()), whatever
** its backend. */
RETORT_EXTERN(int) retort_db_upgrade(retort_db *db, const retort_revisions *revs,
	const char *target, const retort_migrate_options *opts, retort_error **err);
RETORT_EXTERN(int) retort_db_downgrade(retort_db *db, const retort_revisions *revs,
	const char *target, const retort_migrate_options *opts, retort_error **err);
RETORT_EXTERN(int) retort_db_stamp(retort_db *db, const retort_revisions *revs,
	const char *target, const retort_migrate_options *opts, retort_error **err);
RETORT_EXTERN(int) retort_db_current(char ***out, size_t *count_out, retort_db *db,
	const retort_config *cfg, retort_error **err);
RETORT_EXTERN(int) retort_db_changed_revisions(const retort_revision ***out,
	size_t *count_out, retort_db *db, const retort_revisions *revs,
	const retort_config *cfg, retort_error **err);

/** Free an array of `count` strings and the array. Accepts NULL. */
RETORT_EXTERN(void) retort_strings_free(char **strings, size_t count);

/* ---- Asynchronous upgrade and downgrade (issue 18) ---- */

/**
** An upgrade or downgrade running on a worker thread with a connection of
** its own, for an app on an event loop (libuv, libevent, epoll): its
** progress comes to the app in one of two ways, chosen at the start.
**
**   - A callback: `opts->progress`, called ON THE WORKER THREAD, in order,
**     ending with RETORT_PROGRESS_DONE. It must not block for long (the run
**     waits for it) and must not free the operation.
**   - A descriptor (when `opts->progress` is NULL): the events are queued,
**     retort_op_fd() becomes readable when some are pending, and
**     retort_op_poll(), on the app's own thread, takes them.
**
** Thread rules: retort_op_cancel() may be called from any thread, any number
** of times, also after the end (then it does nothing); every other call on
** an operation comes from one thread at a time, the app's (never from the
** progress callback). `revs`, `opts->cfg` and whatever `opts->ctx` and
** `opts->progress_ctx` point at must stay valid until retort_op_free().
*/
typedef struct retort_op retort_op;

/**
** Start bringing the database at `url` (a URL or a path, as
** retort_db_open() takes it, relative to the working directory) to
** TARGET in `direction`, as retort_upgrade() or retort_downgrade() would
** with `opts` (copied; NULL: the defaults). The worker thread opens the
** file itself (created when missing, for an upgrade), never a handle of
** the app's. With `opts->cancel` the operation uses that token (so that a
** Ctrl-C handler and retort_op_cancel() are one mechanism), else its own.
**
** @param[out] out  the operation; free with retort_op_free()
** @return 0 once the thread runs (every later failure comes in DONE);
**         RETORT_EINVALID for a URL retort_db_open() refuses, or a SQLite
**         built without threads; RETORT_ERROR when no thread or descriptor
**         can be made
*/
RETORT_EXTERN(int) retort_op_start(retort_op **out, const char *url,
	const retort_revisions *revs, const char *target, retort_direction direction,
	const retort_migrate_options *opts, retort_error **err);

/**
** The descriptor that becomes readable while events are pending (the read
** end of a pipe, non-blocking, close-on-exec; owned by the operation: do not
** read or close it). -1 for an operation with a callback.
*/
RETORT_EXTERN(int) retort_op_fd(const retort_op *op);

/**
** Take the pending events, on the app's thread: `fn` is called for each,
** in order (DONE last, once); its non-zero return cancels the operation.
** Never blocks. Returns how many events were delivered.
*/
RETORT_EXTERN(size_t) retort_op_poll(retort_op *op, retort_progress_fn fn, void *ctx);

/**
** Cancel the operation: as retort_cancel_request() on its token. The
** statement running stops within milliseconds, the revision running is
** rolled back and DONE comes with RETORT_ECANCELLED; the revisions
** committed before stay. Harmless after the end, and from any thread.
** Accepts NULL.
*/
RETORT_EXTERN(void) retort_op_cancel(retort_op *op);

/**
** Wait for the end and return the operation's result (what the
** synchronous call would have returned); `*err` (may be NULL) borrows its
** error, valid until retort_op_free(). Queued events stay queued.
*/
RETORT_EXTERN(int) retort_op_wait(retort_op *op, const retort_error **err);

/** 1 once the operation has ended (its DONE produced), else 0. */
RETORT_EXTERN(int) retort_op_done(retort_op *op);

/**
** Wait for the worker thread (it is not cancelled: call retort_op_cancel()
** first to stop it sooner), then release everything. Accepts NULL.
*/
RETORT_EXTERN(void) retort_op_free(retort_op *op);

/* ------------------------------------------------------------------ */
/* Fleets: a database per tenant                                        */
/* ------------------------------------------------------------------ */

/** What a fleet run does to each database. */
typedef enum retort_fleet_op {
	RETORT_FLEET_UPGRADE = 0,  /**< retort_upgrade() to `target` (NULL: head) */
	RETORT_FLEET_DOWNGRADE = 1,/**< retort_downgrade() to `target` */
	RETORT_FLEET_STAMP = 2,    /**< retort_stamp() at `target` */
	RETORT_FLEET_CURRENT = 3   /**< only read where each database is */
} retort_fleet_op;

/** Where one database of a fleet ended up. */
typedef enum retort_fleet_status {
	RETORT_FLEET_DONE = 0,      /**< it moved (CURRENT: it was read) */
	RETORT_FLEET_AT_TARGET = 1, /**< it was at the target already: nothing ran */
	RETORT_FLEET_FAILED = 2,    /**< `code` and `error` say why; the file is as it was */
	RETORT_FLEET_SKIPPED = 3    /**< never started: max_failures was reached, or the
	                                 run was cancelled */
} retort_fleet_status;

/** The result of one database, owned by the results array. */
typedef struct retort_fleet_result {
	char *database;        /**< as given (a path or URL) */
	char *path;            /**< the file it names */
	retort_fleet_status status;
	int code;              /**< 0, or the RETORT_E* code of the failure */
	retort_error *error;   /**< NULL unless FAILED */
	int before_known;      /**< `before` could be read */
	char **before;         /**< the revisions it was at (none: base) */
	size_t n_before;
	int after_known;
	char **after;          /**< the revisions it is at now */
	size_t n_after;
	size_t steps;          /**< revisions applied on one side of before and
	                            after only (what the run moved over); 0 when
	                            either is unknown */
	int recovered;         /**< a hot journal was rolled back on opening it */
	double seconds;        /**< the wall time spent on it */
} retort_fleet_result;

/**
** Called once per database, never two at once, in the order of the
** results (sorted by path), as soon as it and every database before it
** finished: from a worker thread, or (the SKIPPED ones at the end) from the
** caller's. `index` is its place in the results.
*/
typedef void (*retort_fleet_fn)(void *ctx, size_t index,
	const retort_fleet_result *result);

/**
** With RETORT_FLEET_CURRENT, called on each database that exists, on its
** open connection (a file or a cluster: see retort_db_open()), once
** `result->after` is read: from the worker threads,
** several at once, so it writes only what belongs to `index` (its place in
** the results). A code other than 0, with `*err` set, fails the database.
*/
typedef int (*retort_fleet_read_fn)(void *ctx, size_t index, retort_db *db,
	const retort_fleet_result *result, retort_error **err);

/** The version of retort_fleet_options this header declares. */
#define RETORT_FLEET_OPTIONS_VERSION 1

typedef struct retort_fleet_options {
	unsigned int version;      /**< RETORT_FLEET_OPTIONS_VERSION */
	retort_fleet_op op;
	const char *target;        /**< a TARGET as retort_revisions_resolve() takes
	                                it; NULL: head (upgrade) */
	int jobs;                  /**< databases at once; <= 0: the online CPUs */
	size_t max_failures;       /**< stop starting new ones after this many
	                                failures; 0: never stop */
	const char *base_dir;      /**< relative paths are joined to it; NULL: as they are */
	int busy_timeout_ms;       /**< per database, as retort_migrate_options' */
	int one_transaction;       /**< each database in one transaction, so that a
	                                failed one is left exactly as it was */
	int allow_attach;          /**< as retort_migrate_options' */
	int carry_unknown_objects; /**< as retort_migrate_options' */
	const retort_config *cfg;  /**< the version table's name; may be NULL */
	retort_cancel *cancel;     /**< stops the run: the running ones roll back,
	                                the rest are SKIPPED; may be NULL */
	retort_fleet_fn on_result; /**< may be NULL */
	void *ctx;                 /**< on_result's and read's */
	retort_fleet_read_fn read; /**< may be NULL */
} retort_fleet_options;

/* The defaults (an upgrade to head, one transaction per database); every
** member, in order, as RETORT_MIGRATE_OPTIONS_INIT. */
#define RETORT_FLEET_OPTIONS_INIT { RETORT_FLEET_OPTIONS_VERSION, \
	RETORT_FLEET_UPGRADE, NULL, 0, 0, NULL, 5000, 1, 0, 0, NULL, NULL, NULL, NULL, NULL }

/**
** Run `opts->op` on each of `databases` (paths or database URLs, files or
** clusters, as retort_db_open() takes them), `opts->jobs` at a time, each on its own thread
** with its own connection and its own transactions; `revs` is read by all
** of them and never changed. The databases are taken, and the results
** given, in the order of their paths (sorted; a path listed twice is run
** once). A database that fails (it cannot be opened, it is locked past the
** busy timeout, a statement or a foreign-key check fails, it is at a
** revision `revs` lacks) never stops the others, unless `max_failures` is
** reached; then the ones not started are SKIPPED and left untouched.
**
** @param[out] out    one result per database, sorted by path; free with
**                    retort_fleet_results_free()
** @return 0 when the run was made (whatever each database's result: see
**         each `status`), RETORT_ERROR when a thread could not be started
**         or memory ran out
*/
RETORT_EXTERN(int) retort_fleet_run(retort_fleet_result **out, size_t *count_out,
	const char *const *databases, size_t n, const retort_revisions *revs,
	const retort_fleet_options *opts, retort_error **err);

RETORT_EXTERN(void) retort_fleet_results_free(retort_fleet_result *results, size_t count);

/**
** The `databases` key of retort.yaml as written (a glob, or @FILE: a file
** listing one path or URL a line), or NULL. Relative to retort_config_dir().
*/
RETORT_EXTERN(const char *) retort_config_databases(const retort_config *cfg);

/* ------------------------------------------------------------------ */
/* git                                                                  */
/* ------------------------------------------------------------------ */

/*
** Outside a git repository, or when libgit2 (loaded at run time, only
** inside one) cannot be loaded, these find nothing and succeed: git helps
** retort, it is never required. retort_models_load_git() and
** retort_git_check_base(), which cannot work without git, fail with
** RETORT_ENOTFOUND saying why.
*/

/**
** Who writes a revision and on which commit, for the repository holding
** `dir` (NULL: the working directory): `author` as `git commit` would write
** it ("Name <email>", from $GIT_AUTHOR_NAME/$GIT_AUTHOR_EMAIL, else
** user.name/user.email) in `*author_out` and HEAD's commit id in
** `*commit_out`. Each is NULL when unknown (no repository, no user
** configured, no commit yet); free() them.
*/
RETORT_EXTERN(int) retort_git_identity(char **author_out, char **commit_out,
	const char *dir, retort_error **err);

/**
** Load the models as committed at `ref` (anything git understands: HEAD~1,
** origin/main, a tag, a commit id), from git's objects: the work tree is
** not read. Errors name `ref:path` as the file.
*/
RETORT_EXTERN(int) retort_models_load_git(retort_schema **out, const char *ref,
	const retort_config *cfg, retort_error **err);

/**
** Revisions added on this branch (the folder's files that the merge base of
** HEAD and `base_ref` lacks) and on `base_ref` since that merge base that
** share a parent: merged, they would make two heads. RETORT_EMISMATCH with
** `*report_out` (free() it) saying which revision to re-parent; 0 when none.
*/
RETORT_EXTERN(int) retort_git_check_base(char **report_out, const retort_revisions *revs,
	const char *base_ref, retort_error **err);

/**
** Where git has a revision file this folder lacks: "branch NAME (commit
** ABC) has revisions/ID_slug.sql", or NULL when no branch tip has it.
*/
RETORT_EXTERN(int) retort_git_find_revision(char **where_out, const retort_revisions *revs,
	const char *id, retort_error **err);

/* ------------------------------------------------------------------ */
/* Projects                                                             */
/* ------------------------------------------------------------------ */

/**
** Create a new project in `dir`: retort.yaml, models/ and revisions/, and
** a .gitignore for the database retort.yaml names (data.db, and its
** -journal, -wal and -shm): created, or the lines it lacks appended to the
** one there. Refuses (RETORT_EEXISTS) when `dir` already holds a
** retort.yaml, models/ or revisions/, so nothing is ever overwritten; a
** failure takes back what it made.
*/
RETORT_EXTERN(int) retort_project_init(const char *dir, retort_error **err);

#ifdef __cplusplus
}
#endif

#endif /* RETORT_H */
