/*
** main.c: the retort command line. Global options are parsed here; each
** command is a row of `commands[]` and lives in cmd_<name>.c.
*/
#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	NEED_CONFIG = 1 << 0, /* fail outside a project */
	WANT_CONFIG = 1 << 1  /* load retort.yaml when there is one */
};

typedef struct command {
	const char *name;
	int (*fn)(cli *c, int argc, char **argv);
	unsigned flags;
	const char *usage;
	const char *summary;
	const cli_option *options; /* the command's own, ended by a NULL name */
} command;

static const cli_option diff_options[] = {
	{ "from", 0, "SOURCE", "the schema to start from (default: db)" },
	{ "to", 0, "SOURCE", "the schema to reach (default: models)" },
	{ "downgrade", 0, NULL, "print the script that turns it back" },
	{ "rebuild", 0, NULL, "rebuild the tables that would be changed in place" },
	{ NULL, 0, NULL, NULL }
};
static const cli_option revision_options[] = {
	{ "message", 'm', "MSG", "what the revision does (required)" },
	{ "autogenerate", 0, NULL, "fill it with the SQL that turns the database into the models" },
	{ "offline", 0, NULL, "with --autogenerate: start from the chain replayed in memory, not the database" },
	{ "from", 0, "SOURCE", "with --autogenerate: start from SOURCE (e.g. git:main), not the database" },
	{ "accept-drift", 0, NULL, "with --autogenerate: take the database as it is, though it differs from the revisions" },
	{ "parent", 0, "REV", "the parent (default: the only head; base: a new base)" },
	{ "empty", 0, NULL, "write the revision even when there is nothing to change" },
	{ "rebuild", 0, NULL, "with --autogenerate: rebuild the tables that would be changed in place" },
	{ NULL, 0, NULL, NULL }
};
static const cli_option merge_options[] = {
	{ "message", 'm', "MSG", "what the merge is for (required)" },
	{ NULL, 0, NULL, NULL }
};
static const cli_option migrate_options[] = {
	{ "sql", 0, NULL, "print the SQL that would run, change nothing" },
	{ "backup", 0, "FILE", "copy the database to FILE before the first change" },
	{ "one-transaction", 0, NULL, "run every revision in one transaction" },
	{ "allow-attach", 0, NULL, "let revisions ATTACH or VACUUM INTO other files (else refused)" },
	{ "carry-unknown-objects", 0, NULL, "recreate hand-made indexes, triggers and views a revision destroys (else refused)" },
	{ "each", 0, "PATTERN", "run on every database of PATTERN: a glob, or @FILE listing paths or URLs" },
	{ "jobs", 0, "N", "with --each: N databases at once (default: the number of CPUs)" },
	{ "max-failures", 0, "K", "with --each: start no more databases after K failures" },
	{ NULL, 0, NULL, NULL }
};
static const cli_option stamp_options[] = {
	{ "sql", 0, NULL, "print the SQL that would run, change nothing" },
	{ "each", 0, "PATTERN", "run on every database of PATTERN: a glob, or @FILE listing paths or URLs" },
	{ "jobs", 0, "N", "with --each: N databases at once (default: the number of CPUs)" },
	{ "max-failures", 0, "K", "with --each: start no more databases after K failures" },
	{ NULL, 0, NULL, NULL }
};
/* current and status read a fleet too, grouping it by revision */
static const cli_option fleet_options[] = {
	{ "each", 0, "PATTERN", "run on every database of PATTERN: a glob, or @FILE listing paths or URLs" },
	{ "jobs", 0, "N", "with --each: N databases at once (default: the number of CPUs)" },
	{ NULL, 0, NULL, NULL }
};
static const cli_option check_options[] = {
	{ "base", 0, "REF", "also fail when this branch and REF added revisions on the same parent" },
	{ "each", 0, "PATTERN", "check every database of PATTERN: a glob, or @FILE listing paths or URLs" },
	{ "jobs", 0, "N", "with --each: N databases at once (default: the number of CPUs)" },
	{ NULL, 0, NULL, NULL }
};
static const cli_option history_options[] = {
	{ "rev-range", 'r', "RANGE", "[START]:[END], each a TARGET or current (default: all)" },
	{ "indicate-current", 'i', NULL, "mark the revisions the database is at (current); reads the database" },
	{ "each", 0, "PATTERN", "mark how many databases of PATTERN are at each revision: a glob, or @FILE" },
	{ "jobs", 0, "N", "with --each: N databases at once (default: the number of CPUs)" },
	{ NULL, 0, NULL, NULL }
};

static const command commands[] = {
	{ "init", cmd_init, 0, "init [DIR]",
	  "create retort.yaml, models/ and revisions/ in DIR (default: here)", NULL },
	{ "revision", cmd_revision, NEED_CONFIG, "revision -m MSG",
	  "write a new revision (--autogenerate: from the models)", revision_options },
	{ "upgrade", cmd_upgrade, NEED_CONFIG, "upgrade [TARGET]",
	  "apply revisions up to TARGET (default: head)", migrate_options },
	{ "downgrade", cmd_downgrade, NEED_CONFIG, "downgrade TARGET",
	  "revert revisions back to TARGET (base: all of them)", migrate_options },
	{ "current", cmd_current, NEED_CONFIG, "current",
	  "print the revisions the database is at", fleet_options },
	{ "heads", cmd_heads, NEED_CONFIG, "heads",
	  "print the revisions that have no child", NULL },
	{ "history", cmd_history, NEED_CONFIG, "history [-r RANGE] [-i]",
	  "list the revisions, newest first", history_options },
	{ "show", cmd_show, NEED_CONFIG, "show REV",
	  "print a revision: its header and both sections (head, current...)", NULL },
	{ "edit", cmd_edit, NEED_CONFIG, "edit [REV]",
	  "open a revision's file in $VISUAL or $EDITOR (default: head)", NULL },
	{ "stamp", cmd_stamp, NEED_CONFIG, "stamp TARGET",
	  "record that the database is at TARGET, running nothing", stamp_options },
	{ "merge", cmd_merge, NEED_CONFIG, "merge -m MSG REV...",
	  "write a revision whose parents are REV... (e.g. heads)", merge_options },
	{ "diff", cmd_diff, WANT_CONFIG, "diff [--from SOURCE] [--to SOURCE]",
	  "print the SQL from one schema to another (default: db to models)",
	  diff_options },
	{ "inspect", cmd_inspect, WANT_CONFIG, "inspect [SOURCE]",
	  "print SOURCE's schema as model YAML (default: db)", NULL },
	{ "check", cmd_check, NEED_CONFIG, "check [--base REF]",
	  "exit 1 if the models and revisions disagree or an applied file changed", check_options },
	{ "verify", cmd_verify, NEED_CONFIG, "verify",
	  "upgrade, downgrade, upgrade each revision in memory; exit 1 on a mismatch", NULL },
	{ "status", cmd_status, NEED_CONFIG, "status",
	  "where the database is, what is pending, what changed or drifted", fleet_options },
};

typedef struct option_help {
	struct option opt;
	const char *arg;
	const char *help;
} option_help;

enum { OPT_DB = 256, OPT_BUSY, OPT_JSON, OPT_ECHO, OPT_COLOR, OPT_NO_COLOR, OPT_VERSION, OPT_COMMAND = 512 };

static const option_help global_options[] = {
	{ { "config", required_argument, NULL, 'c' }, "FILE", "use this retort.yaml" },
	{ { "db", required_argument, NULL, OPT_DB }, "URL", "database URL (over RETORT_DATABASE_URL, DATABASE_URL, the config)" },
	{ { "busy-timeout", required_argument, NULL, OPT_BUSY }, "MS", "wait this long for a locked database (default 5000)" },
	{ { "json", no_argument, NULL, OPT_JSON }, NULL, "machine-readable output on stdout" },
	{ { "quiet", no_argument, NULL, 'q' }, NULL, "say less" },
	{ { "verbose", no_argument, NULL, 'v' }, NULL, "say more" },
	{ { "echo", no_argument, NULL, OPT_ECHO }, NULL, "log each SQL statement as it runs" },
	{ { "color", required_argument, NULL, OPT_COLOR }, "WHEN", "colour: auto (on a terminal without NO_COLOR), always or never" },
	{ { "no-color", no_argument, NULL, OPT_NO_COLOR }, NULL, "never colour the output (--color=never)" },
	{ { "version", no_argument, NULL, OPT_VERSION }, NULL, "print the version and exit" },
	{ { "help", no_argument, NULL, 'h' }, NULL, "print this help (or a command's, after it)" },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* "-x, --name ARG" or "    --name ARG", as help shows an option. */
static void option_left(char *out, size_t size, char short_name, const char *name,
	const char *arg)
{
	if (short_name)
		snprintf(out, size, "-%c, --%s%s%s", short_name, name, arg ? " " : "", arg ? arg : "");
	else
		snprintf(out, size, "    --%s%s%s", name, arg ? " " : "", arg ? arg : "");
}

static void print_global_options(FILE *out)
{
	char left[40];
	size_t i;

	for (i = 0; i < COUNT(global_options); i++) {
		const option_help *o = &global_options[i];
		option_left(left, sizeof(left), o->opt.val < 256 ? (char)o->opt.val : 0,
			o->opt.name, o->arg);
		fprintf(out, "  %-28s %s\n", left, o->help);
	}
}

/* What a TARGET and a SOURCE may be, in `retort --help` and in the help of
** each command that takes one. */
static const char target_help[] =
	"TARGET: head (the only head), heads, base, a revision id or a unique prefix of\n"
	"one, current (the revisions the database is at), current+N or current-N (also\n"
	"written +N, -N), REV+N or REV-N (N steps from REV, e.g. head-1).\n";
static const char source_help[] =
	"SOURCE: db (the project's database), db:FILE (another database), sql:FILE (a\n"
	"SQL script), models, models:PATH, git:REF (the models committed at REF), or a\n"
	"TARGET (head, heads, base, current, a revision id...: the chain replayed in\n"
	"memory).\n";

static void usage(FILE *out)
{
	size_t i, width = 0;

	fputs("usage: retort [OPTIONS] COMMAND [ARGS]\n\n"
		"retort: schema migrations for SQLite, from YAML models.\n\ncommands:\n", out);
	for (i = 0; i < COUNT(commands); i++)
		if (strlen(commands[i].usage) > width)
			width = strlen(commands[i].usage);
	for (i = 0; i < COUNT(commands); i++)
		fprintf(out, "  %-*s %s\n", (int)width, commands[i].usage, commands[i].summary);
	fputs("\noptions:\n", out);
	print_global_options(out);
	fprintf(out, "\n%s", target_help);
	fputs("\nexit codes: 0 success, 1 a difference was found, 2 bad usage, config, model or\n"
		"revision file, 3 database error, 4 database locked past the busy timeout,\n"
		"130 (SIGINT), 143 (SIGTERM), 129 (SIGHUP) a run interrupted and rolled back\n"
		"\n'retort COMMAND --help' shows a command's own options.\n", out);
}

/* Whether the command's usage or one of its options takes a `what`. */
static int command_takes(const command *cmd, const char *what)
{
	const cli_option *o;

	if (strstr(cmd->usage, what))
		return 1;
	for (o = cmd->options; o && o->name; o++)
		if (o->arg && strcmp(o->arg, what) == 0)
			return 1;
	return 0;
}

static void command_usage(const command *cmd)
{
	const cli_option *o;
	char left[40];

	printf("usage: retort %s%s\n\n%s\n", cmd->usage, cmd->options ? " [OPTIONS]" : "",
		cmd->summary);
	if (cmd->options) {
		fputs("\noptions:\n", stdout);
		for (o = cmd->options; o->name; o++) {
			option_left(left, sizeof(left), o->short_name, o->name, o->arg);
			printf("  %-28s %s\n", left, o->help);
		}
	}
	fputs("\nglobal options:\n", stdout);
	print_global_options(stdout);
	/* a SOURCE may be a TARGET */
	if (command_takes(cmd, "SOURCE"))
		printf("\n%s", source_help);
	if (command_takes(cmd, "SOURCE") || command_takes(cmd, "TARGET") ||
	    command_takes(cmd, "REV") || command_takes(cmd, "RANGE"))
		printf("\n%s", target_help);
}

static const command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < COUNT(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* The command's name: the first operand, skipping options and their values,
** so that the command's own options can be known before parsing. */
static const char *command_name(int argc, char **argv)
{
	int i;
	size_t j;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			return i + 1 < argc ? argv[i + 1] : NULL;
		if (a[0] != '-' || !a[1])
			return a;
		if (strcmp(a, "-c") == 0) {
			i++;
			continue;
		}
		for (j = 0; j < COUNT(global_options); j++)
			if (global_options[j].opt.has_arg == required_argument && a[1] == '-' &&
			    strcmp(a + 2, global_options[j].opt.name) == 0)
				i++;
	}
	return NULL;
}

const char *cli_opt(const cli *c, const char *name)
{
	size_t i;

	for (i = 0; c->cmd_options && c->cmd_options[i].name; i++)
		if (strcmp(c->cmd_options[i].name, name) == 0)
			return c->cmd_values[i];
	return NULL;
}

static int load_config(cli *c, const command *cmd)
{
	retort_error *err = NULL;
	int rc = retort_config_find(&c->cfg, c->config_path, NULL, &err);

	if (rc == RETORT_ENOTFOUND && !c->config_path && !(cmd->flags & NEED_CONFIG))
		rc = 0;
	if (rc)
		rc = cli_error(c, err);
	retort_error_free(err);
	return rc;
}

/* Merge the global options with the command's own into getopt's long
** options and short-option string. */
static void build_options(struct option *longopts, char *shortopts, size_t shortsize,
	const command *cmd)
{
	size_t i, n = 0, len = strlen(shortopts);

	for (i = 0; i < COUNT(global_options); i++)
		longopts[n++] = global_options[i].opt;
	for (i = 0; cmd && cmd->options && cmd->options[i].name && i < CLI_MAX_OPTIONS; i++) {
		const cli_option *o = &cmd->options[i];
		longopts[n].name = o->name;
		longopts[n].has_arg = o->arg ? required_argument : no_argument;
		longopts[n].flag = NULL;
		longopts[n].val = OPT_COMMAND + (int)i;
		n++;
		if (o->short_name && len + 3 < shortsize) {
			shortopts[len++] = o->short_name;
			if (o->arg)
				shortopts[len++] = ':';
			shortopts[len] = '\0';
		}
	}
	memset(&longopts[n], 0, sizeof(longopts[n]));
}

/* The index of the command's option whose short form getopt returned. */
static int short_option_index(const command *cmd, int opt)
{
	int i;

	for (i = 0; cmd && cmd->options && cmd->options[i].name; i++)
		if (cmd->options[i].short_name == opt)
			return i;
	return -1;
}

/* --color=auto and no option: colour stderr when it is a terminal, unless
** NO_COLOR is set to something (no-color.org: an empty one does not count). */
static int auto_color(void)
{
	const char *no_color = getenv("NO_COLOR");

	return isatty(STDERR_FILENO) && !(no_color && *no_color);
}

static int is_negative_number(const char *a)
{
	return a[0] == '-' && a[1] && strspn(a + 1, "0123456789") == strlen(a + 1);
}

/*
** A relative TARGET such as `downgrade -1` looks like an option to getopt.
** Each one is hidden from it by pointing past its '-' (remembered in
** `masked`), and given back by unmask() wherever it comes out: an operand or
** an option's value.
*/
static void mask_negative_numbers(int argc, char **argv, char **masked)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		masked[i] = NULL;
		if (is_negative_number(argv[i]))
			masked[i] = ++argv[i];
	}
}

static char *unmask(char *a, int argc, char **masked)
{
	int i;

	for (i = 1; a && i < argc; i++)
		if (masked[i] == a)
			return a - 1;
	return a;
}

/*
** The first error in the options, told once they are all read: --json
** anywhere on the line (`retort upgrade --nope --json`) makes it a JSON
** document, and getopt still tells options from their values (-m --json).
*/
static void bad_option(retort_buf *bad, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void bad_option(retort_buf *bad, const char *fmt, ...)
{
	va_list ap;

	if (bad->len)
		return;
	va_start(ap, fmt);
	retort_buf_vprintf(bad, fmt, ap);
	va_end(ap);
}

int main(int argc, char **argv)
{
	struct option longopts[COUNT(global_options) + CLI_MAX_OPTIONS + 1];
	char shortopts[8 + 2 * CLI_MAX_OPTIONS] = ":c:qvh";
	char **masked = calloc((size_t)argc + 1, sizeof(*masked));
	cli_json_state json_state = { RETORT_BUF_INIT, 0 };
	retort_buf bad = RETORT_BUF_INIT, version = RETORT_BUF_INIT;
	cli c = { 0 };
	const char *name = command_name(argc, argv);
	const command *cmd = name ? find_command(name) : NULL;
	int opt, help = 0, show_version = 0, rc = EXIT_OK, i;
	char *end, *arg;

	/* The CLI uses each SQLite connection from one thread (--each: one
	** per worker) and never reads its memory statistics: without the
	** mutexes and the accounting behind both, a chain of small DDL
	** revisions applies about a tenth faster. */
	sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	c.busy_timeout = 5000;
	c.progress = isatty(STDERR_FILENO);
	c.color = auto_color();
	c.cmd_options = cmd ? cmd->options : NULL;
	c.json_state = &json_state;
	if (!masked)
		return cli_error(&c, NULL);
	build_options(longopts, shortopts, sizeof(shortopts), cmd);
	mask_negative_numbers(argc, argv, masked);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		arg = unmask(optarg, argc, masked);
		switch (opt) {
		case 'c': c.config_path = arg; break;
		case OPT_DB: c.db_url = arg; break;
		case OPT_BUSY:
			c.busy_timeout = (int)strtol(arg, &end, 10);
			if (*end || c.busy_timeout < 0)
				bad_option(&bad, "--busy-timeout expects milliseconds, got '%s'", arg);
			break;
		case OPT_JSON: c.json = 1; break;
		case 'q': c.quiet = 1; break;
		case 'v': c.verbose = 1; break;
		case OPT_ECHO: c.echo = 1; break;
		/* the last of --color and --no-color wins; either wins over NO_COLOR,
		** as a flag given for this run is meant more than the environment */
		case OPT_COLOR:
			if (strcmp(arg, "always") == 0 || strcmp(arg, "never") == 0)
				c.color = arg[0] == 'a';
			else if (strcmp(arg, "auto") == 0)
				c.color = auto_color();
			else
				bad_option(&bad, "--color expects auto, always or never, got '%s'", arg);
			break;
		case OPT_NO_COLOR: c.color = 0; break;
		case OPT_VERSION: show_version = 1; break;
		case 'h': help = 1; break;
		case ':':
			bad_option(&bad, "option '%s' needs a value", argv[optind - 1]);
			break;
		case '?':
			/* an unknown short option may sit inside a cluster (-qx) */
			if (optopt > 0 && optopt < 256)
				bad_option(&bad, "unknown option '-%c' (see retort %s%s--help)",
					optopt, cmd ? cmd->name : "", cmd ? " " : "");
			else
				bad_option(&bad, "unknown option '%s' (see retort %s%s--help)",
					argv[optind - 1], cmd ? cmd->name : "", cmd ? " " : "");
			break;
		default:
			i = opt >= OPT_COMMAND ? opt - OPT_COMMAND : short_option_index(cmd, opt);
			if (i >= 0)
				c.cmd_values[i] = arg ? arg : "1";
			break;
		}
	}
	for (i = optind; i < argc; i++)
		argv[i] = unmask(argv[i], argc, masked);
	if (bad.len || retort_buf_oom(&bad)) {
		rc = retort_buf_oom(&bad) ? cli_error(&c, NULL) : cli_usage(&c, "%s", bad.ptr);
	} else if (show_version) {
		if (c.json)
			retort_buf_printf(&version, "{\"version\": \"%s\", \"sqlite\": \"%s\"}",
				retort_version(), sqlite3_libversion());
		else
			retort_buf_printf(&version, "retort %s (SQLite %s)\n", retort_version(),
				sqlite3_libversion());
		rc = cli_write_buf(&c, &version);
	} else if (optind >= argc) {
		usage(help ? stdout : stderr);
		if (!help)
			rc = cli_usage(&c, "no command given (see retort --help)");
	} else if (!cmd) {
		rc = cli_usage(&c, "unknown command '%s' (see retort --help)", argv[optind]);
	} else if (help) {
		command_usage(cmd);
	} else {
		if (cmd->flags & (NEED_CONFIG | WANT_CONFIG))
			rc = load_config(&c, cmd);
		if (!rc)
			rc = cmd->fn(&c, argc - optind - 1, argv + optind + 1);
	}
	rc = cli_finish(&c, rc);
	retort_buf_release(&bad);
	retort_config_free(c.cfg);
	free(masked);
	return rc;
}
