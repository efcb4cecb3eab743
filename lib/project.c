/*
** project.c: `retort init`, creating a new project (SPEC section 1):
** retort.yaml, models/ with a commented example, revisions/, and a
** .gitignore for the database that retort.yaml names.
*/
#include "buf.h"
#include "error.h"
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The database retort.yaml configures, beside it; .gitignore names it. */
#define INIT_DATABASE "data.db"

static const char config_text[] =
	"# retort.yaml: the configuration of a retort project (schema migrations\n"
	"# for SQLite). Relative paths are relative to this file's folder.\n"
	"\n"
	"# The database: sqlite:///relative.db, sqlite:////absolute.db, sqlite://\n"
	"# (in memory), sqlite+DRIVER:///... (an app's own URL, the driver is\n"
	"# ignored) or a plain file path. --db, $RETORT_DATABASE_URL and\n"
	"# $DATABASE_URL take precedence, in that order.\n"
	"database: sqlite:///" INIT_DATABASE "\n"
	"\n"
	"# The model files: one YAML file, or a folder whose *.yaml and *.yml files\n"
	"# are read in name order and merged.\n"
	"models: models/\n"
	"\n"
	"# The revision scripts, one plain SQL file per revision.\n"
	"revisions: revisions/\n"
	"\n"
	"# The table that records the revision the database is at.\n"
	"# version_table: retort_version\n"
	"\n"
	"# Globs of tables that retort never touches.\n"
	"# exclude: [sqlite_stat*, fts_*]\n";

static const char models_text[] =
	"# Models: the tables, views and triggers the database should have.\n"
	"# Every *.yaml and *.yml file in this folder is read, in name order, and\n"
	"# merged; a name defined twice is an error. The format, for example:\n"
	"#\n"
	"# tables:\n"
	"#   user:\n"
	"#     columns:\n"
	"#       id:   {type: INTEGER, primary_key: true}\n"
	"#       name: {type: VARCHAR, nullable: false}\n"
	"#   pet:\n"
	"#     columns:\n"
	"#       id:       {type: INTEGER, primary_key: true}\n"
	"#       name:     {type: VARCHAR, nullable: false}\n"
	"#       owner_id: {type: INTEGER, references: user.id, on_delete: CASCADE}\n"
	"#       kind:     {type: TEXT, nullable: false, default: cat}\n"
	"#     indexes:\n"
	"#       ix_pet_name: {columns: [name]}\n"
	"# views:\n"
	"#   pet_owner: \"SELECT pet.name, user.name FROM pet JOIN user ON user.id = pet.owner_id\"\n"
	"#\n"
	"# Then `retort revision --autogenerate -m \"create user and pet\"` writes the\n"
	"# first revision, and `retort upgrade` applies it.\n"
	"tables: {}\n";

/* What init creates, in order; a NULL text marks a folder. */
typedef struct init_entry {
	const char *name;
	const char *text;
} init_entry;

static const init_entry entries[] = {
	{ "retort.yaml", config_text },
	{ "models", NULL },
	{ "models/models.yaml", models_text },
	{ "revisions", NULL },
	{ "revisions/.gitkeep", "" },
};
#define N_ENTRIES (sizeof(entries) / sizeof(entries[0]))

/* mkdir -p: create `dir` and any missing parents. */
static int make_dirs(const char *dir, retort_error **err)
{
	char *path = retort_xstrdup(dir);
	struct stat st;
	char *p;
	int rc = 0;

	if (!path)
		return retort_error_oom(err);
	for (p = path + 1; ; p++) {
		char saved = *p;

		if (saved != '/' && saved != '\0')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) < 0 && errno != EEXIST) {
			rc = retort_error_set(err, RETORT_ERROR, "cannot create folder '%s': %s",
				path, strerror(errno));
			goto done;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		rc = retort_error_set(err, RETORT_EEXISTS, "'%s' exists and is not a folder", dir);
done:
	free(path);
	return rc;
}

static int write_new_file(const char *path, const char *text, retort_error **err)
{
	size_t len = strlen(text), off = 0;
	int fd, rc = 0;

	/* O_EXCL: never replace a file that appeared since the checks. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
	if (fd < 0)
		return retort_error_set(err, errno == EEXIST ? RETORT_EEXISTS : RETORT_ERROR,
			"cannot create '%s': %s", path, strerror(errno));
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = retort_error_set(err, RETORT_ERROR, "cannot write '%s': %s",
				path, strerror(errno));
			break;
		}
		off += (size_t)n;
	}
	if (close(fd) < 0 && rc == 0)
		rc = retort_error_set(err, RETORT_ERROR, "cannot write '%s': %s",
			path, strerror(errno));
	if (rc < 0)
		unlink(path);
	return rc;
}

/*
** .gitignore: the database and the files SQLite keeps beside it while it is
** open (a rollback journal, or WAL and its shared memory) are the app's
** data, never the project's source. Anchored with '/', so only the file
** beside retort.yaml is meant.
*/
static const char *const ignored[] = {
	"/" INIT_DATABASE, "/" INIT_DATABASE "-journal", "/" INIT_DATABASE "-wal",
	"/" INIT_DATABASE "-shm",
};
#define N_IGNORED (sizeof(ignored) / sizeof(ignored[0]))

/* Does `text` hold `pattern` as a line, with or without its leading '/'
** (git drops trailing blanks, and a CR is a Windows editor's)? */
static int has_line(const char *text, const char *pattern)
{
	const char *line, *end;
	size_t len;

	for (line = text; *line; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		len = (size_t)(end - line);
		while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
			len--;
		if (*line == '/') {
			line++;
			len = len ? len - 1 : 0;
		}
		if (len == strlen(pattern + 1) && memcmp(line, pattern + 1, len) == 0)
			return 1;
	}
	return 0;
}

/*
** Write `path` (.gitignore), or append to the one there the lines it
** lacks, never one twice and never touching what it holds. Whether the
** folder is in git or will be is not known here (`git init` often comes
** after), and the lines cost nothing outside git: they are always written.
** A failed append is cut back to the file as it was.
*/
static int write_gitignore(const char *path, retort_error **err)
{
	retort_buf add = RETORT_BUF_INIT;
	char *text = NULL;
	size_t len = 0, i, missing = 0;
	struct stat st;
	ssize_t n;
	int rc = 0, fd = -1;

	if (lstat(path, &st) == 0)
		rc = retort_read_text_file(path, &text, &len, err);
	if (rc < 0)
		goto done;
	if (len && text[len - 1] != '\n')
		retort_buf_putc(&add, '\n');
	retort_buf_puts(&add, "# the database retort.yaml names, and SQLite's files beside it (retort init)\n");
	for (i = 0; i < N_IGNORED; i++)
		if (!text || !has_line(text, ignored[i])) {
			retort_buf_printf(&add, "%s\n", ignored[i]);
			missing++;
		}
	if (retort_buf_oom(&add)) {
		rc = retort_error_oom(err);
		goto done;
	}
	if (!text) {
		rc = write_new_file(path, add.ptr, err);
		goto done;
	}
	if (!missing)
		goto done;
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = retort_error_set(err, RETORT_ERROR, "cannot write '%s': %s", path, strerror(errno));
		goto done;
	}
	do
		n = write(fd, add.ptr, add.len);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)add.len) {
		const char *why = n < 0 ? strerror(errno) : "short write";
		int cut = ftruncate(fd, st.st_size) == 0;

		rc = retort_error_set(err, RETORT_ERROR, "cannot write '%s': %s%s", path, why,
			cut ? "" : " (and cannot cut it back to what it was)");
	}
done:
	if (fd >= 0 && close(fd) < 0 && rc == 0)
		rc = retort_error_set(err, RETORT_ERROR, "cannot write '%s': %s", path, strerror(errno));
	free(text);
	retort_buf_release(&add);
	return rc;
}

static char *entry_path(const char *dir, const char *name)
{
	retort_buf b = RETORT_BUF_INIT;

	if (strcmp(dir, ".") != 0) {
		retort_buf_puts(&b, dir);
		if (dir[strlen(dir) - 1] != '/')
			retort_buf_putc(&b, '/');
	}
	retort_buf_puts(&b, name);
	return retort_buf_detach(&b);
}

int retort_project_init(const char *dir, retort_error **err)
{
	retort_buf existing = RETORT_BUF_INIT;
	char *paths[N_ENTRIES] = { NULL }, *gitignore = NULL;
	size_t i, created = 0, n_existing = 0;
	int rc = 0;

	if (!dir || !*dir)
		dir = ".";
	for (i = 0; i < N_ENTRIES; i++) {
		paths[i] = entry_path(dir, entries[i].name);
		if (!paths[i]) {
			rc = retort_error_oom(err);
			goto done;
		}
	}
	gitignore = entry_path(dir, ".gitignore");
	if (!gitignore) {
		rc = retort_error_oom(err);
		goto done;
	}

	/* Check everything before writing anything, so a refusal changes nothing. */
	for (i = 0; i < N_ENTRIES; i++) {
		struct stat st;

		if (strchr(entries[i].name, '/') || lstat(paths[i], &st) < 0)
			continue;
		retort_buf_printf(&existing, "%s'%s'", n_existing ? ", " : "", paths[i]);
		n_existing++;
	}
	if (retort_buf_oom(&existing)) {
		rc = retort_error_oom(err);
		goto done;
	}
	if (n_existing) {
		rc = retort_error_set(err, RETORT_EEXISTS, "%s already exist%s: retort init "
			"never overwrites a project", existing.ptr, n_existing > 1 ? "" : "s");
		goto done;
	}

	rc = make_dirs(dir, err);
	if (rc < 0)
		goto done;
	for (created = 0; created < N_ENTRIES && rc == 0; created++) {
		const init_entry *e = &entries[created];

		if (e->text)
			rc = write_new_file(paths[created], e->text, err);
		else if (mkdir(paths[created], 0777) < 0)
			rc = retort_error_set(err, errno == EEXIST ? RETORT_EEXISTS : RETORT_ERROR,
				"cannot create folder '%s': %s", paths[created], strerror(errno));
	}
	if (rc < 0)
		created--; /* the entry that failed left nothing behind */
	else
		rc = write_gitignore(gitignore, err);
	/* A failure half-way (disk full, a race) takes back what was made. */
	while (rc < 0 && created > 0) {
		created--;
		if (entries[created].text)
			unlink(paths[created]);
		else
			rmdir(paths[created]);
	}
done:
	for (i = 0; i < N_ENTRIES; i++)
		free(paths[i]);
	free(gitignore);
	retort_buf_release(&existing);
	return rc;
}
