/*
** fuzz_revfile.c: libFuzzer target for the revision-file reader. Any input
** must parse or fail with an error value: no crash, leak or sanitizer
** report. Each statement a parsed file is split into must be exactly one
** complete SQLite statement: sqlite3_complete() says so, and SQLite, asked
** to prepare it, leaves nothing after it but space and comments (else the
** split glued two statements together, which would then run as one step).
** Its line must be a line of the file, in file order.
**
** Build: cmake -B build-fuzz -DCMAKE_C_COMPILER=clang -DRETORT_FUZZ=ON
** Run:   build-fuzz/tests/fuzz/fuzz_revfile -dict=tests/fuzz/revfile.dict \
**            -max_total_time=60 NEW_CORPUS_DIR tests/fuzz/revfile_corpus
*/
#include "revision.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Nothing is ever run in it, only prepared: a few tables so that more
** statements prepare, and a prepared statement says where it ends. */
static sqlite3 *scratch(void)
{
	static sqlite3 *db;

	if (!db && (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, "CREATE TABLE t (a, b, c); CREATE TABLE pet (id INTEGER "
		"PRIMARY KEY, name TEXT); CREATE VIEW v AS SELECT a FROM t;",
		NULL, NULL, NULL) != SQLITE_OK))
		abort();
	return db;
}

static void bad(const char *what, const char *sql, int line)
{
	fprintf(stderr, "split statement (line %d) %s:\n%s\n", line, what, sql);
	abort();
}

static void check_statement(const char *sql, int line)
{
	sqlite3 *db = scratch();
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	int rc;

	if (!sqlite3_complete(sql))
		bad("is not complete", sql, line);
	rc = sqlite3_prepare_v2(db, sql, -1, &st, &tail);
	sqlite3_finalize(st);
	/* what SQLite refuses (an unknown table, a syntax error) says nothing
	** about where the statement ends */
	if (rc != SQLITE_OK || !st)
		return;
	while (tail && *tail) {
		const char *next = NULL;
		rc = sqlite3_prepare_v2(db, tail, -1, &st, &next);
		sqlite3_finalize(st);
		if (rc != SQLITE_OK || st)
			bad("holds more than one statement", sql, line);
		if (!next || next == tail)
			break;
		tail = next;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	retort_revision *rev = NULL;
	retort_error *err = NULL;
	int lines = 1, dir;
	size_t i;
	/* as every caller gives it: the file's bytes and a NUL after them (an
	** error quotes its line from the text as a C string) */
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (retort_revfile_parse(&rev, "fuzz.sql", text, size, &err) == 0) {
		for (dir = 0; dir < 2; dir++) {
			const rev_section *s = &rev->section[dir];
			int last = 0;
			for (i = 0; i < s->n_stmts; i++) {
				const rev_statement *stmt = &s->stmts[i];
				if (stmt->line <= s->line || stmt->line < last || stmt->line > lines)
					bad("has a line outside its section or out of order",
						stmt->sql, stmt->line);
				last = stmt->line;
				check_statement(stmt->sql, stmt->line);
			}
		}
	} else if (!err || !err->message) {
		/* a failure always comes with a message */
		abort();
	}
	retort_revfile_free(rev);
	retort_error_free(err);
	free(text);
	return 0;
}
