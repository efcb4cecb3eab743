/*
** report.h: what the seeded schema-pair tests print about a failing pair:
** SQL with line numbers, and a plan's steps on one line.
*/
#ifndef RETORT_TEST_REPORT_H
#define RETORT_TEST_REPORT_H

#include "retort.h"

/* `text` on stderr between "---- title ----" lines, lines numbered. */
void report_numbered(const char *title, const char *text);

/* The steps of a direction on stderr, on one line: kind(table.object)[risks]. */
void report_steps(const retort_plan *plan, retort_direction dir);

#endif
