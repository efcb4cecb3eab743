/*
** test_buf.c: the escaping forms of lib/buf.c: retort_buf_visible (what a comment
** line and a terminal show), retort_buf_comment (one SQL comment line) and
** retort_buf_json_string (always valid UTF-8).
**
** Test organisation: one table of inputs per form, each with the exact text
** expected; the inputs cover each class of character the forms treat.
*/
#include "harness.h"

#include "buf.h"

typedef struct sample {
	const char *in, *want;
} sample;

static void check_visible(const char *in, unsigned flags, const char *want)
{
	retort_buf b = RETORT_BUF_INIT;

	retort_buf_visible(&b, in, strlen(in), flags);
	CHECK(!retort_buf_oom(&b));
	CHECK_STR(b.ptr, want);
	retort_buf_release(&b);
}

static void check_json(const char *in, const char *want)
{
	retort_buf b = RETORT_BUF_INIT;

	retort_buf_json_string(&b, in);
	CHECK(!retort_buf_oom(&b));
	CHECK_STR(b.ptr, want);
	retort_buf_release(&b);
}

static void test_visible(void)
{
	static const sample visible[] = {
		{ "plain text, caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x88", "plain text, caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x88" },
		{ "t\n.shell touch x\n--", "t\\n.shell touch x\\n--" },
		{ "a\rb\tc\x01\x7f", "a\\rb\\tc\\x01\\x7f" },
		{ "\x1b[31mred\x1b]0;t\x07", "\\x1b[31mred\\x1b]0;t\\x07" },
		{ "back\\slash", "back\\slash" },
		/* C1 (NEL, CSI), line and paragraph separators, bidi controls */
		{ "a\xc2\x85" "b\xc2\x9b" "c", "a\\u0085b\\u009bc" },
		{ "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c\xe2\x80\xae" "d\xe2\x81\xa6", "a\\u2028b\\u2029c\\u202ed\\u2066" },
		/* a stray byte, a cut-short sequence, overlong, surrogate, > U+10FFFF */
		{ "\xff", "\\xff" },
		{ "\xc3(", "\\xc3(" },
		{ "\xe2\x82", "\\xe2\\x82" },
		{ "\xc0\xaf", "\\xc0\\xaf" },
		{ "\xed\xa0\x80", "\\xed\\xa0\\x80" },
		{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80" },
	};
	retort_buf b = RETORT_BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(visible) / sizeof(visible[0]); i++)
		check_visible(visible[i].in, 0, visible[i].want);
	check_visible("one\n\ttwo\r\x1b", BUF_KEEP_LINES, "one\n\ttwo\\r\\x1b");
	/* a length, not a NUL, ends the text */
	retort_buf_visible(&b, "ab\ncd", 3, 0);
	CHECK_STR(b.ptr, "ab\\n");
	retort_buf_release(&b);
}

static void test_comment(void)
{
	retort_buf b = RETORT_BUF_INIT;

	retort_buf_comment(&b, "warning: drops table %s", "t\n.shell touch x\n--");
	CHECK_STR(b.ptr, "-- warning: drops table t\\n.shell touch x\\n--\n");
	retort_buf_release(&b);
}

static void test_json(void)
{
	static const sample json[] = {
		{ "caf\xc3\xa9 \"q\" \\ \xf0\x9f\x90\x88", "\"caf\xc3\xa9 \\\"q\\\" \\\\ \xf0\x9f\x90\x88\"" },
		{ "a\nb\tc\x1b\x7f", "\"a\\nb\\tc\\u001b\\u007f\"" },
		{ "\xc2\x9b\xe2\x80\xa8", "\"\\u009b\\u2028\"" },
		{ "a\xff" "b\xed\xa0\x80", "\"a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "\xe2\x82", "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
	};
	size_t i;

	for (i = 0; i < sizeof(json) / sizeof(json[0]); i++)
		check_json(json[i].in, json[i].want);
	check_json(NULL, "null");
}

static const harness_case cases[] = {
	HARNESS_CASE(test_visible),
	HARNESS_CASE(test_comment),
	HARNESS_CASE(test_json),
};

HARNESS_MAIN(cases)
