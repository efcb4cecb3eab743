/*
** main.c: the retort command line. Global options are parsed here; each
** command is a row of `commands[]` and lives in cmd_<name>.c.
*/
#include "cli.h"

#include <getopt.h>
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
	/* the command's own long options, "name" or "name=" (takes a value) */
	const char *const *options;
} command;

static const char *const diff_options[] = { "from=", "to=", "downgrade", NULL };

static const command commands[] = {
	{ "init", cmd_init, 0, "init [DIR]",
	  "create retort.yaml, models/ and revisions/ in DIR (default: here)", NULL },
	{ "inspect", cmd_inspect, WANT_CONFIG, "inspect [SOURCE]",
	  "print SOURCE's schema as model YAML (db, db:FILE, sql:FILE, models, models:PATH)", NULL },
	{ "diff", cmd_diff, WANT_CONFIG, "diff [--from SOURCE] [--to SOURCE] [--downgrade]",
	  "print the SQL that turns one schema into another (default: from db to models)",
	  diff_options },
};

typedef struct option_help {
	struct option opt;
	const char *arg;
	const char *help;
} option_help;

enum { OPT_DB = 256, OPT_BUSY, OPT_JSON, OPT_ECHO, OPT_NO_COLOR, OPT_VERSION, OPT_COMMAND = 512 };

static const option_help global_options[] = {
	{ { "config", required_argument, NULL, 'c' }, "FILE", "use this retort.yaml" },
	{ { "db", required_argument, NULL, OPT_DB }, "URL", "database URL (over RETORT_DATABASE_URL, DATABASE_URL, the config)" },
	{ { "busy-timeout", required_argument, NULL, OPT_BUSY }, "MS", "wait this long for a locked database (default 5000)" },
	{ { "json", no_argument, NULL, OPT_JSON }, NULL, "machine-readable output on stdout" },
	{ { "quiet", no_argument, NULL, 'q' }, NULL, "say less" },
	{ { "verbose", no_argument, NULL, 'v' }, NULL, "say more" },
	{ { "echo", no_argument, NULL, OPT_ECHO }, NULL, "log each SQL statement as it runs" },
	{ { "no-color", no_argument, NULL, OPT_NO_COLOR }, NULL, "never colour the output" },
	{ { "version", no_argument, NULL, OPT_VERSION }, NULL, "print the version and exit" },
	{ { "help", no_argument, NULL, 'h' }, NULL, "print this help (or a command's, after it)" },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void usage(FILE *out)
{
	size_t i;

	fputs("usage: retort [OPTIONS] COMMAND [ARGS]\n\n"
		"retort: schema migrations for SQLite, from YAML models.\n\ncommands:\n", out);
	for (i = 0; i < COUNT(commands); i++)
		fprintf(out, "  %-22s %s\n", commands[i].usage, commands[i].summary);
	fputs("\noptions:\n", out);
	for (i = 0; i < COUNT(global_options); i++) {
		char left[40];
		const option_help *o = &global_options[i];
		if (o->opt.val < 256)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->opt.val, o->opt.name,
				o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->opt.name,
				o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(out, "  %-26s %s\n", left, o->help);
	}
	fputs("\nexit codes: 0 success, 1 a difference was found, 2 bad usage, config, model or\n"
		"revision file, 3 database error, 4 database locked past the busy timeout\n", out);
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
	size_t i, n = strlen(name);

	for (i = 0; c->cmd_options && c->cmd_options[i]; i++)
		if (strncmp(c->cmd_options[i], name, n) == 0 &&
		    (c->cmd_options[i][n] == '\0' || c->cmd_options[i][n] == '='))
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

/* Merge the global options with the command's own; returns how many. */
static size_t build_longopts(struct option *out, const command *cmd)
{
	static char names[CLI_MAX_OPTIONS][32]; /* getopt wants the bare names */
	size_t i, n = 0;

	for (i = 0; i < COUNT(global_options); i++)
		out[n++] = global_options[i].opt;
	for (i = 0; cmd && cmd->options && cmd->options[i] && i < CLI_MAX_OPTIONS; i++) {
		const char *o = cmd->options[i];
		size_t len = strcspn(o, "=");
		snprintf(names[i], sizeof(names[i]), "%.*s", (int)len, o);
		out[n].name = names[i];
		out[n].has_arg = o[len] == '=' ? required_argument : no_argument;
		out[n].flag = NULL;
		out[n].val = OPT_COMMAND + (int)i;
		n++;
	}
	memset(&out[n], 0, sizeof(out[n]));
	return n;
}

int main(int argc, char **argv)
{
	struct option longopts[COUNT(global_options) + CLI_MAX_OPTIONS + 1];
	cli c = { 0 };
	const char *name = command_name(argc, argv);
	const command *cmd = name ? find_command(name) : NULL;
	int opt, help = 0, rc;
	char *end;

	c.busy_timeout = 5000;
	c.color = isatty(STDERR_FILENO) && !getenv("NO_COLOR");
	c.cmd_options = cmd ? cmd->options : NULL;
	build_longopts(longopts, cmd);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:qvh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': c.config_path = optarg; break;
		case OPT_DB: c.db_url = optarg; break;
		case OPT_BUSY:
			c.busy_timeout = (int)strtol(optarg, &end, 10);
			if (*end || c.busy_timeout < 0)
				return cli_fail(&c, EXIT_BAD_INPUT, "--busy-timeout expects milliseconds, got '%s'", optarg);
			break;
		case OPT_JSON: c.json = 1; break;
		case 'q': c.quiet = 1; break;
		case 'v': c.verbose = 1; break;
		case OPT_ECHO: c.echo = 1; break;
		case OPT_NO_COLOR: c.color = 0; break;
		case OPT_VERSION:
			printf("retort %s (SQLite %s)\n", retort_version(), sqlite3_libversion());
			return EXIT_OK;
		case 'h': help = 1; break;
		case ':':
			return cli_fail(&c, EXIT_BAD_INPUT, "option '%s' needs a value", argv[optind - 1]);
		case '?':
			return cli_fail(&c, EXIT_BAD_INPUT, "unknown option '%s' (see retort %s%s--help)",
				argv[optind - 1], cmd ? cmd->name : "", cmd ? " " : "");
		default:
			c.cmd_values[opt - OPT_COMMAND] = optarg ? optarg : "1";
			break;
		}
	}
	if (optind >= argc) {
		usage(help ? stdout : stderr);
		return help ? EXIT_OK : EXIT_BAD_INPUT;
	}
	if (!cmd)
		return cli_fail(&c, EXIT_BAD_INPUT, "unknown command '%s' (see retort --help)", argv[optind]);
	if (help) {
		printf("usage: retort %s\n\n%s\n", cmd->usage, cmd->summary);
		return EXIT_OK;
	}
	if (cmd->flags & (NEED_CONFIG | WANT_CONFIG)) {
		rc = load_config(&c, cmd);
		if (rc)
			return rc;
	}
	rc = cmd->fn(&c, argc - optind - 1, argv + optind + 1);
	retort_config_free(c.cfg);
	return rc;
}
