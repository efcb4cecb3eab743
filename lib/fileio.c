/*
** fileio.c: joining paths, and reading and writing whole files (fileio.h).
*/
#include "fileio.h"
#include "buf.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
** `p` relative to `dir`: absolute paths stay as they are, and a leading
** "./" is dropped so that messages show "models/x.yaml", not "./models/...".
** Returns a malloc'd string or NULL on OOM.
*/
char *retort_path_join(const char *dir, const char *p)
{
	retort_buf b = RETORT_BUF_INIT;

	if (p[0] == '/' || !dir)
		return retort_xstrdup(p);
	while (p[0] == '.' && p[1] == '/') {
		p += 2;
		while (*p == '/')
			p++;
	}
	if (strcmp(p, ".") == 0)
		p = "";
	if (dir[0] == '\0' || strcmp(dir, ".") == 0)
		return retort_xstrdup(*p ? p : ".");
	retort_buf_puts(&b, dir);
	if (*p && dir[strlen(dir) - 1] != '/')
		retort_buf_putc(&b, '/');
	retort_buf_puts(&b, p);
	return retort_buf_detach(&b);
}

/* The folder part of a file path: "." when there is none. */
char *retort_path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return retort_xstrdup(".");
	while (slash > path && slash[-1] == '/')
		slash--;
	if (slash == path)
		return retort_xstrdup("/");
	return retort_xstrndup(path, (size_t)(slash - path));
}

int retort_read_text_file(const char *path, char **text, size_t *len, retort_error **err)
{
	retort_buf b = RETORT_BUF_INIT;
	struct stat st;
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*text = NULL;
	if (fd < 0)
		return retort_error_set(err, errno == ENOENT ? RETORT_ENOTFOUND : RETORT_EINVALID,
			"cannot read '%s': %s", path, strerror(errno));
	/* one read of the whole file where its size is known: commands read a
	** thousand revision files, and stdio's buffering was a third of that */
	if (fstat(fd, &st) == 0 && st.st_size > 0)
		retort_buf_grow(&b, (size_t)st.st_size + 1);
	for (;;) {
		if (b.cap - b.len < 2 && retort_buf_grow(&b, 65536) < 0)
			break;
		n = read(fd, b.ptr + b.len, b.cap - b.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		b.len += (size_t)n;
		b.ptr[b.len] = '\0';
	}
	close(fd);
	if (n < 0) {
		retort_buf_release(&b);
		return retort_error_set(err, RETORT_EINVALID, "cannot read '%s': %s", path, strerror(errno));
	}
	if (strlen(b.ptr) != b.len) {
		retort_buf_release(&b);
		return retort_error_set(err, RETORT_EINVALID, "'%s' is not a text file (it holds NUL bytes)", path);
	}
	*len = b.len;
	*text = retort_buf_detach(&b);
	return *text ? 0 : retort_error_oom(err);
}

int retort_write_file_at(int dir_fd, const char *name, const char *data, size_t len, int flags,
	retort_error **err)
{
	retort_buf tmp = RETORT_BUF_INIT;
	int fd, rc = 0;
	size_t done = 0;

	/* the pid makes the name this process's; O_EXCL refuses a leftover and,
	** with O_NOFOLLOW, a link planted under that name */
	retort_buf_printf(&tmp, "%s.tmp%ld", name, (long)getpid());
	if (retort_buf_oom(&tmp))
		return retort_error_oom(err);
	fd = openat(dir_fd, tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = retort_error_set(err, RETORT_ERROR, "cannot create %s: %s", tmp.ptr, strerror(errno));
		retort_buf_release(&tmp);
		return rc;
	}
	while (done < len && !rc) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno != EINTR)
			rc = retort_error_set(err, RETORT_ERROR, "cannot write %s: %s", tmp.ptr, strerror(errno));
		else if (n > 0)
			done += (size_t)n;
	}
	if (!rc && (flags & WRITE_SYNC) && fsync(fd) != 0)
		rc = retort_error_set(err, RETORT_ERROR, "cannot write %s: %s", tmp.ptr, strerror(errno));
	if (close(fd) != 0 && !rc)
		rc = retort_error_set(err, RETORT_ERROR, "cannot write %s: %s", tmp.ptr, strerror(errno));
	/* neither linkat (without AT_SYMLINK_FOLLOW) nor renameat follows a
	** link at `name`: a rename replaces the link itself */
	if (!rc && (flags & WRITE_NEW) && linkat(dir_fd, tmp.ptr, dir_fd, name, 0) != 0)
		rc = retort_error_set(err, errno == EEXIST ? RETORT_EEXISTS : RETORT_ERROR,
			"cannot create %s: %s", name, strerror(errno));
	else if (!rc && !(flags & WRITE_NEW) && renameat(dir_fd, tmp.ptr, dir_fd, name) != 0)
		rc = retort_error_set(err, RETORT_ERROR, "cannot replace %s: %s", name, strerror(errno));
	/* after a rename there is nothing to remove; after a link, the name */
	if (rc || (flags & WRITE_NEW))
		unlinkat(dir_fd, tmp.ptr, 0);
	retort_buf_release(&tmp);
	return rc;
}

int retort_write_file_whole(const char *path, const char *data, size_t len, int flags,
	retort_error **err)
{
	return retort_write_file_at(AT_FDCWD, path, data, len, flags, err);
}
