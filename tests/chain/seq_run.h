/*
** seq_run.h: run the real retort binary with an argument vector (no shell,
** so no quoting problems), in a given folder, and capture its exit status,
** stdout and stderr.
*/
#ifndef RETORT_SEQ_RUN_H
#define RETORT_SEQ_RUN_H

/* What one command did. */
typedef struct run_result {
	int status;  /* the exit code; 128 + N for signal N; -1: did not start
	             ** or timed out (then `err` says why) */
	char *out;   /* stdout, malloc'd, NUL-terminated */
	char *err;   /* stderr */
} run_result;

/*
** Set up once: `bin` is the binary, `scratch` a folder for the captured
** output. The children get this process's environment without the database
** URL variables (the project's retort.yaml must decide) and with NO_COLOR.
** Returns 0, or -1 after printing why.
*/
int run_setup(const char *bin, const char *scratch);

/*
** Run `bin argv[0] argv[1] ...` (argv ends with NULL) in folder `cwd`,
** waiting at most `timeout_s` seconds. Fills `r` (release it with
** run_release) and returns r->status.
*/
int run_retort(run_result *r, const char *cwd, const char *const *argv, unsigned timeout_s);

void run_release(run_result *r);

/* "retort a b 'c d'": the command as a user would type it, malloc'd. */
char *run_command_line(const char *const *argv);

/* Did a sanitizer report an error in the child's stderr? */
int run_sanitizer_report(const run_result *r);

/* strdup() that stops the test when memory runs out. */
char *seq_dup(const char *s);

#endif
