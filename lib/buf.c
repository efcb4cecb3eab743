/*
** buf.c: the growable string buffer of buf.h.
*/
#include "buf.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char buf__initbuf[1];

void buf_init(retort_buf *b)
{
	b->ptr = buf__initbuf;
	b->len = b->cap = 0;
	b->oom = 0;
}

void buf_release(retort_buf *b)
{
	if (b->cap)
		free(b->ptr);
	buf_init(b);
}

void buf_clear(retort_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->ptr[0] = '\0';
}

static int buf_grow(retort_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->oom)
		return -1;
	if (extra > (size_t)-1 / 2 - b->len)
		goto oom;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(b->cap ? b->ptr : NULL, cap);
	if (!p)
		goto oom;
	if (!b->cap)
		p[0] = '\0';
	b->ptr = p;
	b->cap = cap;
	return 0;
oom:
	b->oom = 1;
	return -1;
}

void buf_put(retort_buf *b, const char *data, size_t len)
{
	if (len == 0 || buf_grow(b, len) < 0)
		return;
	memmove(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

void buf_puts(retort_buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void buf_putc(retort_buf *b, char c)
{
	buf_put(b, &c, 1);
}

void buf_vprintf(retort_buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0) {
		b->oom = 1;
		return;
	}
	if (buf_grow(b, (size_t)n) < 0)
		return;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_printf(retort_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

static void buf_quoted(retort_buf *b, const char *text, char quote)
{
	const char *p;

	buf_putc(b, quote);
	for (p = text; *p; p++) {
		if (*p == quote)
			buf_putc(b, quote);
		buf_putc(b, *p);
	}
	buf_putc(b, quote);
}

void buf_ident(retort_buf *b, const char *name)
{
	buf_quoted(b, name, '"');
}

void buf_literal(retort_buf *b, const char *text)
{
	buf_quoted(b, text, '\'');
}

void buf_truncate(retort_buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->ptr[len] = '\0';
	}
}

int buf_oom(const retort_buf *b)
{
	return b->oom;
}

char *buf_detach(retort_buf *b)
{
	char *out;

	if (b->oom) {
		buf_release(b);
		return NULL;
	}
	out = b->cap ? b->ptr : strdup("");
	buf_init(b);
	return out;
}

/*
** The length of the UTF-8 character at `p` (`n` bytes left) and its code
** point in *cp; 0 when the bytes there are not valid UTF-8 (a stray or
** missing continuation byte, an overlong form, a surrogate, above U+10FFFF).
*/
static size_t utf8_decode(const unsigned char *p, size_t n, unsigned *cp)
{
	unsigned c = p[0], min;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2, c &= 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, c &= 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* What ends a line or steers a terminal or an editor's reading order: C0
** controls, DEL, C1 controls (U+009B is a CSI), U+2028/U+2029 and the
** bidirectional embeddings, overrides and isolates. */
static int char_hidden(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x2028 && cp <= 0x202E) ||
		(cp >= 0x2066 && cp <= 0x2069);
}

/* A hidden character as an escape both forms read: the usual names, else
** \xNN for ASCII (`json`: \u00NN, JSON has no \x) and \uNNNN above. */
static void put_escape(retort_buf *b, unsigned cp, int json)
{
	if (cp == '\n')
		buf_puts(b, "\\n");
	else if (cp == '\r')
		buf_puts(b, "\\r");
	else if (cp == '\t')
		buf_puts(b, "\\t");
	else if (cp < 0x80 && !json)
		buf_printf(b, "\\x%02x", cp);
	else
		buf_printf(b, "\\u%04x", cp);
}

void buf_visible(retort_buf *b, const char *text, size_t len, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)text, *end = p + len, *run = p;
	unsigned cp = 0;

	while (p < end) {
		size_t n = utf8_decode(p, (size_t)(end - p), &cp);
		if (n && (!char_hidden(cp) ||
		    ((flags & BUF_KEEP_LINES) && (cp == '\n' || cp == '\t')))) {
			p += n;
			continue;
		}
		buf_put(b, (const char *)run, (size_t)(p - run));
		if (n)
			put_escape(b, cp, 0);
		else
			buf_printf(b, "\\x%02x", *p);
		p += n ? n : 1;
		run = p;
	}
	buf_put(b, (const char *)run, (size_t)(p - run));
}

void buf_comment(retort_buf *b, const char *fmt, ...)
{
	retort_buf text = RETORT_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&text, fmt, ap);
	va_end(ap);
	if (buf_oom(&text))
		b->oom = 1;
	buf_puts(b, "-- ");
	buf_visible(b, text.ptr, text.len, 0);
	buf_putc(b, '\n');
	buf_release(&text);
}

void buf_json_string(retort_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end, *run = p;
	unsigned cp = 0;

	if (!s) {
		buf_puts(b, "null");
		return;
	}
	buf_putc(b, '"');
	for (end = p + strlen(s); p < end;) {
		size_t n = utf8_decode(p, (size_t)(end - p), &cp);
		if (n && !char_hidden(cp) && cp != '"' && cp != '\\') {
			p += n;
			continue;
		}
		buf_put(b, (const char *)run, (size_t)(p - run));
		if (!n)
			buf_puts(b, "\xEF\xBF\xBD"); /* U+FFFD */
		else if (cp == '"' || cp == '\\')
			buf_printf(b, "\\%c", (char)cp);
		else
			put_escape(b, cp, 1);
		p += n ? n : 1;
		run = p;
	}
	buf_put(b, (const char *)run, (size_t)(p - run));
	buf_putc(b, '"');
}

/*
** `p` relative to `dir`: absolute paths stay as they are, and a leading
** "./" is dropped so that messages show "models/x.yaml", not "./models/...".
** Returns a malloc'd string or NULL on OOM.
*/
char *path_join(const char *dir, const char *p)
{
	retort_buf b = RETORT_BUF_INIT;

	if (p[0] == '/' || !dir)
		return xstrdup(p);
	while (p[0] == '.' && p[1] == '/') {
		p += 2;
		while (*p == '/')
			p++;
	}
	if (strcmp(p, ".") == 0)
		p = "";
	if (dir[0] == '\0' || strcmp(dir, ".") == 0)
		return xstrdup(*p ? p : ".");
	buf_puts(&b, dir);
	if (*p && dir[strlen(dir) - 1] != '/')
		buf_putc(&b, '/');
	buf_puts(&b, p);
	return buf_detach(&b);
}

/* The folder part of a file path: "." when there is none. */
char *retort_path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	while (slash > path && slash[-1] == '/')
		slash--;
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int read_text_file(const char *path, char **text, size_t *len, retort_error **err)
{
	retort_buf b = RETORT_BUF_INIT;
	struct stat st;
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*text = NULL;
	if (fd < 0)
		return error_set(err, errno == ENOENT ? RETORT_ENOTFOUND : RETORT_EINVALID,
			"cannot read '%s': %s", path, strerror(errno));
	/* one read of the whole file where its size is known: commands read a
	** thousand revision files, and stdio's buffering was a third of that */
	if (fstat(fd, &st) == 0 && st.st_size > 0)
		buf_grow(&b, (size_t)st.st_size + 1);
	for (;;) {
		if (b.cap - b.len < 2 && buf_grow(&b, 65536) < 0)
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
		buf_release(&b);
		return error_set(err, RETORT_EINVALID, "cannot read '%s': %s", path, strerror(errno));
	}
	if (strlen(b.ptr) != b.len) {
		buf_release(&b);
		return error_set(err, RETORT_EINVALID, "'%s' is not a text file (it holds NUL bytes)", path);
	}
	*len = b.len;
	*text = buf_detach(&b);
	return *text ? 0 : error_oom(err);
}

int write_file_at(int dir_fd, const char *name, const char *data, size_t len, int flags,
	retort_error **err)
{
	retort_buf tmp = RETORT_BUF_INIT;
	int fd, rc = 0;
	size_t done = 0;

	/* the pid makes the name this process's; O_EXCL refuses a leftover and,
	** with O_NOFOLLOW, a link planted under that name */
	buf_printf(&tmp, "%s.tmp%ld", name, (long)getpid());
	if (buf_oom(&tmp))
		return error_oom(err);
	fd = openat(dir_fd, tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = error_set(err, RETORT_ERROR, "cannot create %s: %s", tmp.ptr, strerror(errno));
		buf_release(&tmp);
		return rc;
	}
	while (done < len && !rc) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno != EINTR)
			rc = error_set(err, RETORT_ERROR, "cannot write %s: %s", tmp.ptr, strerror(errno));
		else if (n > 0)
			done += (size_t)n;
	}
	if (!rc && (flags & WRITE_SYNC) && fsync(fd) != 0)
		rc = error_set(err, RETORT_ERROR, "cannot write %s: %s", tmp.ptr, strerror(errno));
	if (close(fd) != 0 && !rc)
		rc = error_set(err, RETORT_ERROR, "cannot write %s: %s", tmp.ptr, strerror(errno));
	/* neither linkat (without AT_SYMLINK_FOLLOW) nor renameat follows a
	** link at `name`: a rename replaces the link itself */
	if (!rc && (flags & WRITE_NEW) && linkat(dir_fd, tmp.ptr, dir_fd, name, 0) != 0)
		rc = error_set(err, errno == EEXIST ? RETORT_EEXISTS : RETORT_ERROR,
			"cannot create %s: %s", name, strerror(errno));
	else if (!rc && !(flags & WRITE_NEW) && renameat(dir_fd, tmp.ptr, dir_fd, name) != 0)
		rc = error_set(err, RETORT_ERROR, "cannot replace %s: %s", name, strerror(errno));
	/* after a rename there is nothing to remove; after a link, the name */
	if (rc || (flags & WRITE_NEW))
		unlinkat(dir_fd, tmp.ptr, 0);
	buf_release(&tmp);
	return rc;
}

int write_file_whole(const char *path, const char *data, size_t len, int flags,
	retort_error **err)
{
	return write_file_at(AT_FDCWD, path, data, len, flags, err);
}
