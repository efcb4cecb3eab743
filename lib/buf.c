/*
** buf.c: the growable string buffer of buf.h.
*/
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char retort_buf__initbuf[1];

void retort_buf_init(retort_buf *b)
{
	b->ptr = retort_buf__initbuf;
	b->len = b->cap = 0;
	b->oom = 0;
}

void retort_buf_release(retort_buf *b)
{
	if (b->cap)
		free(b->ptr);
	retort_buf_init(b);
}

void retort_buf_clear(retort_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->ptr[0] = '\0';
}

int retort_buf_grow(retort_buf *b, size_t extra)
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

void retort_buf_put(retort_buf *b, const char *data, size_t len)
{
	if (len == 0 || retort_buf_grow(b, len) < 0)
		return;
	memmove(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

void retort_buf_puts(retort_buf *b, const char *s)
{
	retort_buf_put(b, s, strlen(s));
}

void retort_buf_putc(retort_buf *b, char c)
{
	retort_buf_put(b, &c, 1);
}

void retort_buf_vprintf(retort_buf *b, const char *fmt, va_list ap)
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
	if (retort_buf_grow(b, (size_t)n) < 0)
		return;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void retort_buf_printf(retort_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	retort_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

static void buf_quoted(retort_buf *b, const char *text, char quote)
{
	const char *p;

	retort_buf_putc(b, quote);
	for (p = text; *p; p++) {
		if (*p == quote)
			retort_buf_putc(b, quote);
		retort_buf_putc(b, *p);
	}
	retort_buf_putc(b, quote);
}

void retort_buf_ident(retort_buf *b, const char *name)
{
	buf_quoted(b, name, '"');
}

void retort_buf_literal(retort_buf *b, const char *text)
{
	buf_quoted(b, text, '\'');
}

void retort_buf_truncate(retort_buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->ptr[len] = '\0';
	}
}

int retort_buf_oom(const retort_buf *b)
{
	return b->oom;
}

char *retort_buf_detach(retort_buf *b)
{
	char *out;

	if (b->oom) {
		retort_buf_release(b);
		return NULL;
	}
	out = b->cap ? b->ptr : strdup("");
	retort_buf_init(b);
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
		retort_buf_puts(b, "\\n");
	else if (cp == '\r')
		retort_buf_puts(b, "\\r");
	else if (cp == '\t')
		retort_buf_puts(b, "\\t");
	else if (cp < 0x80 && !json)
		retort_buf_printf(b, "\\x%02x", cp);
	else
		retort_buf_printf(b, "\\u%04x", cp);
}

void retort_buf_visible(retort_buf *b, const char *text, size_t len, unsigned flags)
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
		retort_buf_put(b, (const char *)run, (size_t)(p - run));
		if (n)
			put_escape(b, cp, 0);
		else
			retort_buf_printf(b, "\\x%02x", *p);
		p += n ? n : 1;
		run = p;
	}
	retort_buf_put(b, (const char *)run, (size_t)(p - run));
}

void retort_buf_comment(retort_buf *b, const char *fmt, ...)
{
	retort_buf text = RETORT_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	retort_buf_vprintf(&text, fmt, ap);
	va_end(ap);
	if (retort_buf_oom(&text))
		b->oom = 1;
	retort_buf_puts(b, "-- ");
	retort_buf_visible(b, text.ptr, text.len, 0);
	retort_buf_putc(b, '\n');
	retort_buf_release(&text);
}

void retort_buf_json_string(retort_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end, *run = p;
	unsigned cp = 0;

	if (!s) {
		retort_buf_puts(b, "null");
		return;
	}
	retort_buf_putc(b, '"');
	for (end = p + strlen(s); p < end;) {
		size_t n = utf8_decode(p, (size_t)(end - p), &cp);
		if (n && !char_hidden(cp) && cp != '"' && cp != '\\') {
			p += n;
			continue;
		}
		retort_buf_put(b, (const char *)run, (size_t)(p - run));
		if (!n)
			retort_buf_puts(b, "\xEF\xBF\xBD"); /* U+FFFD */
		else if (cp == '"' || cp == '\\')
			retort_buf_printf(b, "\\%c", (char)cp);
		else
			put_escape(b, cp, 1);
		p += n ? n : 1;
		run = p;
	}
	retort_buf_put(b, (const char *)run, (size_t)(p - run));
	retort_buf_putc(b, '"');
}
