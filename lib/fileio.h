/*
** fileio.h: joining paths, and reading and writing whole files. Apart from
** buf.c because they make errors (error.c), and error.c uses buf.c.
*/
#ifndef RETORT_FILEIO_H
#define RETORT_FILEIO_H

#include <stddef.h>

/*
** `p` relative to `dir`: absolute paths stay as they are, a leading "./" is
** dropped and no "//" is made. A malloc'd string, or NULL on OOM.
*/
char *retort_path_join(const char *dir, const char *p);
/* The folder part of a file path: "." when there is none (malloc; NULL: out of memory). */
char *retort_path_dirname(const char *path);

/*
** Read a whole text file: RETORT_ENOTFOUND when it does not exist,
** RETORT_EINVALID when it cannot be read or holds a NUL byte.
*/
struct retort_error;
int retort_read_text_file(const char *path, char **text, size_t *len, struct retort_error **err);

/*
** Write `path` whole or not at all: `data` goes to a temporary file next to
** it (mode 0644 less the umask), which then replaces `path` (rename), or
** with WRITE_NEW only takes its place when there is none (link, else
** RETORT_EEXISTS). WRITE_SYNC syncs the data first.
*/
enum { WRITE_NEW = 1, WRITE_SYNC = 2 };
int retort_write_file_whole(const char *path, const char *data, size_t len, int flags,
	struct retort_error **err);
/* The same for `name` in the folder open as `dir_fd` (or AT_FDCWD); the
** temporary file is never opened through a symbolic link. */
int retort_write_file_at(int dir_fd, const char *name, const char *data, size_t len, int flags,
	struct retort_error **err);

#endif
