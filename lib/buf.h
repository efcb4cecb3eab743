/*
** buf.h: a growable string buffer. `ptr` is never NULL and always
** NUL-terminated; appends return nothing, an allocation failure is sticky
** and checked once at the end with retort_buf_oom().
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

extern char retort_buf__initbuf[];
#define RETORT_BUF_INIT { retort_buf__initbuf, 0, 0, 0 }

void retort_buf_init(retort_buf *b);
void retort_buf_release(retort_buf *b);
void retort_buf_clear(retort_buf *b);
void retort_buf_put(retort_buf *b, const char *data, size_t len);
void retort_buf_puts(retort_buf *b, const char *s);
void retort_buf_putc(retort_buf *b, char c);
void retort_buf_printf(retort_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void retort_buf_vprintf(retort_buf *b, const char *fmt, va_list ap);
/* Make room for `extra` more bytes and the NUL, for a caller that writes
** into ptr + len itself (a read()); -1 once out of memory (sticky). */
int retort_buf_grow(retort_buf *b, size_t extra);
/* Append a SQL identifier, always double-quoted, inner quotes doubled. */
void retort_buf_ident(retort_buf *b, const char *name);
/* Append a SQL string literal, single-quoted, inner quotes doubled. */
void retort_buf_literal(retort_buf *b, const char *text);
/*
** Append a JSON string (or null for NULL). Valid UTF-8 passes through;
** control characters, DEL, C1 controls, U+2028/U+2029 and the bidirectional
** controls become \u escapes, and each byte that is not part of valid UTF-8
** becomes U+FFFD, so the document is always valid UTF-8.
*/
void retort_buf_json_string(retort_buf *b, const char *s);

/*
** Append `len` bytes of text with every character that could end a line or
** steer a terminal or an editor shown as an escape instead: C0 controls and
** DEL (`\n`, `\r`, `\t`, `\x1b`), C1 controls, U+2028/U+2029 and the
** bidirectional controls (`\u2028`), and bytes that are not valid UTF-8
** (`\xff`). A backslash stays as it is: this is a display form, not one to
** read back. With BUF_KEEP_LINES newline and tab pass as they are.
*/
enum { BUF_KEEP_LINES = 1 };
void retort_buf_visible(retort_buf *b, const char *text, size_t len, unsigned flags);

/*
** Append one SQL comment line, "-- " the formatted text "\n", the text shown
** by retort_buf_visible: a name or message holding a line break cannot end the
** comment and have the rest read as SQL or as a sqlite3 shell dot-command.
** Every comment line retort writes with text in it is made here.
*/
void retort_buf_comment(retort_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Shorten the contents to `len` bytes (no-op when already shorter). */
void retort_buf_truncate(retort_buf *b, size_t len);
int retort_buf_oom(const retort_buf *b);
/* Hand over the contents as a malloc'd string (NULL on OOM); `b` is reset. */
char *retort_buf_detach(retort_buf *b);

#endif
