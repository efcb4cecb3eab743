/*
** buf.h: a growable string buffer. `ptr` is never NULL and always
** NUL-terminated; appends return nothing, an allocation failure is sticky
** and checked once at the end with buf_oom().
*/
#ifndef RETORT_BUF_H
#define RETORT_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct retort_buf {
	char *ptr;
	size_t len;
	size_t cap; /* 0 while ptr points at the static empty string */
	int oom;
} retort_buf;

extern char buf__initbuf[];
#define RETORT_BUF_INIT { buf__initbuf, 0, 0, 0 }

void buf_init(retort_buf *b);
void buf_release(retort_buf *b);
void buf_clear(retort_buf *b);
void buf_put(retort_buf *b, const char *data, size_t len);
void buf_puts(retort_buf *b, const char *s);
void buf_putc(retort_buf *b, char c);
void buf_printf(retort_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(retort_buf *b, const char *fmt, va_list ap);
/* Append a SQL identifier, always double-quoted, inner quotes doubled. */
void buf_ident(retort_buf *b, const char *name);
/* Append a SQL string literal, single-quoted, inner quotes doubled. */
void buf_literal(retort_buf *b, const char *text);
/*
** Append a JSON string (or null for NULL). Valid UTF-8 passes through;
** control characters, DEL, C1 controls, U+2028/U+2029 and the bidirectional
** controls become \u escapes, and each byte that is not part of valid UTF-8
** becomes U+FFFD, so the document is always valid UTF-8.
*/
void buf_json_string(retort_buf *b, const char *s);

/*
** Append `len` bytes of text with every character that could end a line or
** steer a terminal or an editor shown as an escape instead: C0 controls and
** DEL (`\n`, `\r`, `\t`, `\x1b`), C1 controls, U+2028/U+2029 and the
** bidirectional controls (`\u2028`), and bytes that are not valid UTF-8
** (`\xff`). A backslash stays as it is: this is a display form, not one to
** read back. With BUF_KEEP_LINES newline and tab pass as they are.
*/
enum { BUF_KEEP_LINES = 1 };
void buf_visible(retort_buf *b, const char *text, size_t len, unsigned flags);

/*
** Append one SQL comment line, "-- " the formatted text "\n", the text shown
** by buf_visible: a name or message holding a line break cannot end the
** comment and have the rest read as SQL or as a sqlite3 shell dot-command.
** Every comment line retort writes with text in it is made here.
*/
void buf_comment(retort_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Shorten the contents to `len` bytes (no-op when already shorter). */
void buf_truncate(retort_buf *b, size_t len);
int buf_oom(const retort_buf *b);
/* Hand over the contents as a malloc'd string (NULL on OOM); `b` is reset. */
char *buf_detach(retort_buf *b);

/*
** `p` relative to `dir`: absolute paths stay as they are, a leading "./" is
** dropped and no "//" is made. A malloc'd string, or NULL on OOM.
*/
char *path_join(const char *dir, const char *p);
/* The folder part of a file path: "." when there is none (malloc; NULL: out of memory). */
char *retort_path_dirname(const char *path);

/*
** Read a whole text file: RETORT_ENOTFOUND when it does not exist,
** RETORT_EINVALID when it cannot be read or holds a NUL byte.
*/
struct retort_error;
int read_text_file(const char *path, char **text, size_t *len, struct retort_error **err);

/*
** Write `path` whole or not at all: `data` goes to a temporary file next to
** it (mode 0644 less the umask), which then replaces `path` (rename), or
** with WRITE_NEW only takes its place when there is none (link, else
** RETORT_EEXISTS). WRITE_SYNC syncs the data first.
*/
enum { WRITE_NEW = 1, WRITE_SYNC = 2 };
int write_file_whole(const char *path, const char *data, size_t len, int flags,
	struct retort_error **err);
/* The same for `name` in the folder open as `dir_fd` (or AT_FDCWD); the
** temporary file is never opened through a symbolic link. */
int write_file_at(int dir_fd, const char *name, const char *data, size_t len, int flags,
	struct retort_error **err);

#endif
