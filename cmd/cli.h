/*
** cli.h: what the retort commands share: global options, the loaded
** project, error printing and the mapping of library codes to exit codes.
*/
#ifndef RETORT_CLI_H
#define RETORT_CLI_H

#include "retort.h"
#include "buf.h"
#include "db/db.h"

/* SPEC section 6 exit codes. */
enum {
	EXIT_OK = 0,
	EXIT_DIFFERENT = 1,
	EXIT_BAD_INPUT = 2,
	EXIT_DATABASE = 3,
	EXIT_LOCKED = 4,
	/* a run stopped by a signal exits 128 + its number, as a shell reports
	** a process killed by it: 130 for SIGINT (the default, for a cancel
	** without one), 143 for SIGTERM, 129 for SIGHUP */
	EXIT_INTERRUPTED = 130
};

/* The most options one command may declare. */
#define CLI_MAX_OPTIONS 16

/* One of a command's own options; one table drives both parsing and help. */
typedef struct cli_option {
	const char *name;  /* the long name, --name */
	char short_name;   /* -x, or 0 */
	const char *arg;   /* the value's name in help; NULL for a flag */
	const char *help;
} cli_option;

/* What --json has put on stdout: main() makes sure a run ends with exactly
** one document there, the error's when the command wrote none. */
typedef struct cli_json_state {
	retort_buf error; /* the first error's JSON object, empty when none */
	int written;      /* a document went to stdout */
} cli_json_state;

typedef struct cli {
	const char *config_path; /* -c */
	const char *db_url;      /* --db */
	int busy_timeout;
	int json, quiet, verbose, echo, color;
	int progress;            /* stderr is a terminal: progress lines may be drawn */
	retort_config *cfg;      /* NULL when the command runs outside a project */
	cli_json_state *json_state; /* main()'s, written through a const cli */
	const cli_option *cmd_options;            /* the command's own, NULL-name ended */
	const char *cmd_values[CLI_MAX_OPTIONS];  /* their values ("1" for flags) */
} cli;

/* The value of the command's option `name`, or NULL when not given. */
const char *cli_opt(const cli *c, const char *name);

/* exit.c: errors, messages and output. */

/* Print an error (file:line:col, source line and caret when known) and
** return the exit code its library code maps to. */
int cli_error(const cli *c, const retort_error *err);
/* Print a message that is not a retort_error; returns `exit_code`. */
int cli_fail(const cli *c, int exit_code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A bad command line (an option, an operand): exit 2, "usage" in --json. */
int cli_usage(const cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_exit_code(int retort_code);
/* Append the JSON error object every --json error is told with:
** {"code", "message", "file", "line", "column"}. */
void cli_json_error(retort_buf *b, const retort_error *err);
/* Revision ids as "ID, ID", or "base" when there are none (cmd_migrate.c). */
void cli_put_ids(retort_buf *b, char *const *ids, size_t n);
/* The end of a run: with --json, a failure whose command wrote no document
** writes {"error": ...} on stdout. Returns `rc`. */
int cli_finish(const cli *c, int rc);
/* "retort: warning: ..." on stderr, unless -q. */
void cli_warn(const cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "retort: ..." on stderr, unless -q. */
void cli_note(const cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
** Any other text on stderr, its controls shown escaped as in every message:
** `lines` 0, one line (a newline is appended); else text whose newlines and
** tabs pass (SQL). Returns the bytes written.
*/
int cli_stderr(int lines, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The hints a plan ignored, then each risky step of its direction, as warnings. */
void cli_warn_plan(const cli *c, const retort_plan *plan, retort_direction dir);
/* Write `text` (a result) to stdout, on a terminal with escape sequences
** shown escaped as on stderr; the exit code for a failed write. */
int cli_write(const cli *c, const char *text);
/* Write a buffer of results (a JSON document gets its newline), and
** release it; out of memory is exit 3. */
int cli_write_buf(const cli *c, retort_buf *b);
/* Append a revision as the JSON object every command uses for one. */
void cli_json_revision(retort_buf *b, const retort_revision *rev);
/* Append a JSON array of strings. */
void cli_json_strings(retort_buf *b, const char *const *s, size_t n);
/* Append a JSON array of the revisions' ids. */
void cli_json_ids(retort_buf *b, const retort_revision *const *revs, size_t n);
/* The parents of `rev` for a listing: "<base>", or ids joined by ", ". */
void cli_put_parents(retort_buf *b, const retort_revision *rev);

/* cmd_inspect.c: what commands read (sources, the database, revisions). */

/* Load what SOURCE names (db, db:FILE, sql:FILE, models, models:PATH, and
** head, heads, base or a revision: the chain replayed in memory). */
int cli_load_source(const cli *c, const char *source, retort_schema **out,
	retort_error **err);

/*
** Tell `schema`, loaded from SOURCE, which revisions made it (what
** retort_diff() takes as renamed already): a database, those its version
** table names (none: base); a point of the chain knows already; any other
** source is taken to be at the heads. Outside a project, nothing. Returns
** an exit code (printed).
*/
int cli_source_revisions(const cli *c, const char *source, retort_schema *schema);

enum {
	CLI_DB_WRITE = 1 << 0,    /* read-write (else read-only) */
	CLI_DB_CREATE = 1 << 1,   /* create the file when missing */
	CLI_DB_OPTIONAL = 1 << 2, /* no database URL anywhere, or no file: *out NULL */
	CLI_DB_RUN = 1 << 3       /* the engine runs on it and waits by its own deadline */
};
/*
** Open the project's database (the SPEC's URL order) with
** retort_db_open_live(): what is wrong with the file is an error before
** anything runs, a hot journal is rolled back (with a note), and every wait
** of the command shares one deadline, --busy-timeout. Read-only, a missing
** file gives *out NULL (a database at base); with CLI_DB_WRITE and without
** CLI_DB_CREATE, it is an error. `path` (may be NULL) gets the file's path
** (a cluster's URL), or NULL. Returns an exit code (printed).
*/
int cli_open_db(const cli *c, unsigned flags, retort_db **out, char **path);
/* Load the project's revisions folder; returns an exit code (printed). */
int cli_load_revisions(const cli *c, retort_revisions **out);
/*
** The revisions `db` is at (none when `db` is NULL), each one checked to be
** in the folder: `*out` is an array of `*n` borrowed revisions; free() it.
*/
int cli_current(const cli *c, retort_db *db, const retort_revisions *revs,
	const retort_revision ***out, size_t *n);
/*
** Resolve a TARGET; `current`, +N and -N count from the database's current
** revisions (it is opened only for those). `*out` is an array of `*n`
** borrowed revisions; free() it.
*/
int cli_resolve(const cli *c, const retort_revisions *revs, const char *target,
	const retort_revision ***out, size_t *n);

/*
** The schema the chain gives at `at` (n 0: base), replayed in memory. The
** library replays one TARGET: several revisions must be all the heads,
** which cli_chain_replayable() tells.
*/
int cli_chain_replayable(const retort_revisions *revs, const retort_revision *const *at,
	size_t n);
/* The TARGET that replays the chain at the revisions `at` (replayable ones):
** the one's id, NULL for the heads, or "base" when there are none. */
const char *cli_chain_target(const retort_revision *const *at, size_t n);
int cli_chain_schema(const cli *c, const retort_revisions *revs,
	const retort_revision *const *at, size_t n, retort_schema **out);

/* How `live` differs from the chain's schema at `at` (replayable), in
** words, or `*out` NULL when it does not; free() it. */
int cli_schema_drift(const cli *c, const retort_revisions *revs,
	const retort_revision *const *at, size_t n, const retort_schema *live, char **out);

/* cmd_query.c: cli_resolve() for a TARGET that must name at least one
** revision (show, edit): base, or `current` at base, is exit 2. */
int cli_resolve_some(const cli *c, const retort_revisions *revs, const char *target,
	const retort_revision ***out, size_t *n);
/* One flag per revision, in topological order (free() it): `set` and every
** ancestor of it (or, `ancestors` 0, every descendant). */
int cli_closure(const cli *c, const retort_revisions *revs, const retort_revision *const *set,
	size_t n_set, int ancestors, unsigned char **out);

/* cmd_migrate.c: SIGINT, SIGTERM and SIGHUP request `cancel` while caught;
** the signal caught (0: none). */
void cli_catch_stop_signals(retort_cancel *cancel);
void cli_release_stop_signals(void);
int cli_caught_signal(void);

/* cmd_fleet.c: a command on a fleet of databases (a database per tenant). */

/* The fleet's PATTERN (--each, else the config's `databases` when no --db
** or environment URL names one database), or NULL: one database. --each
** with --db, and --jobs or --max-failures without a fleet, are usage errors. */
int cli_fleet_pattern(const cli *c, const char **pattern);
/* upgrade, downgrade or stamp every database of PATTERN; the exit code is
** the most serious of theirs. */
int cli_fleet_migrate(const cli *c, const char *pattern, const char *verb,
	retort_fleet_op op, const char *target);
/* current (status 0) or status: the databases grouped by revision. */
int cli_fleet_current(const cli *c, const char *pattern, int status);

/* What a check found, as lines, and as JSON objects joined by commas. */
typedef struct cli_findings {
	retort_buf text, json;
	size_t n;
} cli_findings;
/* check --each: `fn` looks at each database that exists, on a worker
** thread (so it never prints), into `found`; `global`, what was found once
** for all of them (the models, the heads), from `revs` (the caller's). */
typedef int (*cli_fleet_check_fn)(const cli *c, const retort_revisions *revs, retort_db *db,
	const retort_fleet_result *r, cli_findings *found, retort_error **err);
int cli_fleet_check(const cli *c, const char *pattern, retort_revisions *revs,
	cli_fleet_check_fn fn, const cli_findings *global);
/* history --each: add to counts[i] the databases at revision i (in
** topological order); `text` gets the lines of those at base and of the
** failed, `json` the members "failed", "at_base" and "databases";
** `code`, the most serious of the databases' exit codes. */
int cli_fleet_tally(const cli *c, const char *pattern, retort_revisions *revs,
	size_t *counts, retort_buf *text, retort_buf *json, int *code);

int cmd_init(cli *c, int argc, char **argv);
int cmd_inspect(cli *c, int argc, char **argv);
int cmd_diff(cli *c, int argc, char **argv);
int cmd_revision(cli *c, int argc, char **argv);
int cmd_merge(cli *c, int argc, char **argv);
int cmd_upgrade(cli *c, int argc, char **argv);
int cmd_downgrade(cli *c, int argc, char **argv);
int cmd_stamp(cli *c, int argc, char **argv);
int cmd_current(cli *c, int argc, char **argv);
int cmd_heads(cli *c, int argc, char **argv);
int cmd_history(cli *c, int argc, char **argv);
int cmd_show(cli *c, int argc, char **argv);
int cmd_edit(cli *c, int argc, char **argv);
int cmd_check(cli *c, int argc, char **argv);
int cmd_verify(cli *c, int argc, char **argv);
int cmd_status(cli *c, int argc, char **argv);

#endif
