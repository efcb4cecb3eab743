/*
** cmd_edit.c: `retort edit [REV]` opens revision files in the user's editor,
** $VISUAL or else $EDITOR, as Alembic's `edit` does.
*/
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* $VISUAL, else $EDITOR (as git and less read them); an empty one is unset. */
static const char *find_editor(void)
{
	const char *e = getenv("VISUAL");

	if (!e || !*e)
		e = getenv("EDITOR");
	return e && *e ? e : NULL;
}

/* The editor's end as a message, or 0 when it exited 0. */
static int editor_status(const cli *c, const char *editor, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return cli_fail(c, EXIT_BAD_INPUT, "the editor '%s' exited with status %d%s", editor,
			WEXITSTATUS(status),
			WEXITSTATUS(status) == 127 ? " (the shell found no such command)" : "");
	return cli_fail(c, EXIT_BAD_INPUT, "the editor '%s' was ended by signal %d", editor,
		WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/*
** Run `editor` on the files of `revs` at once and wait for it. It runs
** through sh, as git runs it, so that it may carry arguments ("code
** --wait"); the paths are sh's "$@", never parsed. While it runs, SIGINT and
** SIGQUIT are the editor's alone (a Ctrl-C in vi must not end retort under
** it); the editor gets them as retort got them.
*/
static int run_editor(const cli *c, const char *editor, const retort_revision *const *revs,
	size_t n)
{
	struct sigaction ignore, old_int, old_quit;
	retort_buf script = RETORT_BUF_INIT;
	char **argv = calloc(n + 5, sizeof(*argv));
	posix_spawn_file_actions_t actions;
	posix_spawnattr_t attr;
	sigset_t restored;
	pid_t pid;
	int rc = 0, status = 0, spawn_err;
	size_t i;

	retort_buf_printf(&script, "%s \"$@\"", editor);
	if (!argv || retort_buf_oom(&script)) {
		rc = cli_error(c, NULL);
		goto done;
	}
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = script.ptr;
	argv[3] = (char *)editor; /* $0, named in sh's own messages */
	for (i = 0; i < n; i++)
		argv[4 + i] = (char *)retort_revision_path(revs[i]);

	memset(&ignore, 0, sizeof(ignore));
	ignore.sa_handler = SIG_IGN;
	sigemptyset(&ignore.sa_mask);
	sigaction(SIGINT, &ignore, &old_int);
	sigaction(SIGQUIT, &ignore, &old_quit);
	sigemptyset(&restored);
	if (old_int.sa_handler != SIG_IGN)
		sigaddset(&restored, SIGINT);
	if (old_quit.sa_handler != SIG_IGN)
		sigaddset(&restored, SIGQUIT);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigdefault(&attr, &restored);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	/* with --json, stdout is the one JSON document: the editor writes to
	** stderr, the terminal it shares with stdout there */
	posix_spawn_file_actions_init(&actions);
	if (c->json)
		posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
	spawn_err = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	posix_spawnattr_destroy(&attr);
	if (spawn_err) {
		rc = cli_fail(c, EXIT_BAD_INPUT, "cannot run the editor '%s': %s", editor,
			strerror(spawn_err));
	} else {
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR) {
				rc = cli_fail(c, EXIT_BAD_INPUT, "cannot wait for the editor '%s': %s",
					editor, strerror(errno));
				break;
			}
		if (!rc)
			rc = editor_status(c, editor, status);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
done:
	retort_buf_release(&script);
	free(argv);
	return rc;
}

int cmd_edit(cli *c, int argc, char **argv)
{
	const char *target = argc ? argv[0] : "head", *editor = find_editor();
	retort_revisions *revs = NULL, *edited = NULL;
	const retort_revision **found = NULL;
	const char **paths = NULL;
	retort_buf out = RETORT_BUF_INIT;
	size_t i, n = 0;
	int rc;

	if (argc > 1)
		return cli_usage(c, "edit takes one revision (usage: retort edit [REV])");
	rc = cli_load_revisions(c, &revs);
	if (!rc)
		rc = cli_resolve_some(c, revs, target, &found, &n);
	if (!rc && !editor)
		rc = cli_fail(c, EXIT_BAD_INPUT, "no editor: set VISUAL or EDITOR (for example "
			"EDITOR=vi retort edit %s)", target);
	if (!rc)
		rc = run_editor(c, editor, found, n);
	/* a file the editor left unreadable is told now, at its line, rather
	** than by the next command that loads the folder */
	if (!rc)
		rc = cli_load_revisions(c, &edited);
	if (rc || !c->json)
		goto done;
	paths = calloc(n + 1, sizeof(*paths));
	if (!paths) {
		rc = cli_error(c, NULL);
		goto done;
	}
	for (i = 0; i < n; i++)
		paths[i] = retort_revision_path(found[i]);
	retort_buf_puts(&out, "{\"edited\": ");
	cli_json_strings(&out, paths, n);
	retort_buf_putc(&out, '}');
	rc = cli_write_buf(c, &out);
done:
	retort_buf_release(&out);
	free(paths);
	free(found);
	retort_revisions_free(edited);
	retort_revisions_free(revs);
	return rc;
}
