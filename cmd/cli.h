/*
** cli.h: what the retort commands share: global options, the loaded
** project, error printing and the mapping of library codes to exit codes.
*/
#ifndef RETORT_CLI_H
#define RETORT_CLI_H

#include "retort.h"

/* SPEC section 6 exit codes. */
enum {
	EXIT_OK = 0,
	EXIT_DIFFERENT = 1,
	EXIT_BAD_INPUT = 2,
	EXIT_DATABASE = 3,
	EXIT_LOCKED = 4
};

/* The most options one command may declare. */
#define CLI_MAX_OPTIONS 16

typedef struct cli {
	const char *config_path; /* -c */
	const char *db_url;      /* --db */
	int busy_timeout;
	int json, quiet, verbose, echo, color;
	retort_config *cfg;      /* NULL when the command runs outside a project */
	const char *const *cmd_options;           /* the command's own options */
	const char *cmd_values[CLI_MAX_OPTIONS];  /* their values ("1" for flags) */
} cli;

/* The value of the command's option `name`, or NULL when not given. */
const char *cli_opt(const cli *c, const char *name);

/* Print an error (file:line:col, source line and caret when known) and
** return the exit code its library code maps to. */
int cli_error(const cli *c, const retort_error *err);
/* Print a message that is not a retort_error; returns `exit_code`. */
int cli_fail(const cli *c, int exit_code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int cli_exit_code(int retort_code);

/* Load what SOURCE names (db, db:FILE, sql:FILE, models, models:PATH). */
int cli_load_source(const cli *c, const char *source, retort_schema **out,
	retort_error **err);

int cmd_init(cli *c, int argc, char **argv);
int cmd_inspect(cli *c, int argc, char **argv);
int cmd_diff(cli *c, int argc, char **argv);

#endif
