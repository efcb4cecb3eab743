/*
** ddlparse.h: read from CREATE statements what SQLite's PRAGMAs do not
** report: constraint names, CHECK expressions, collations, generated
** expressions, AUTOINCREMENT, ON CONFLICT clauses, deferrable foreign keys,
** index expressions and partial-index conditions, and the body of a view.
*/
#ifndef RETORT_DDLPARSE_H
#define RETORT_DDLPARSE_H

#include "schema.h"

typedef struct ddl_column {
	char *name;
	char *collate;
	char *generated_sql;
	int autoincrement;
	const char *notnull_conflict; /* retort_schema_conflict_action()'s */
} ddl_column;

typedef struct ddl_table {
	ddl_column *columns;
	size_t ncolumns, capcolumns;
	char *pk_name;
	const char *pk_conflict; /* retort_schema_conflict_action()'s */
	int autoincrement;
	char *virtual_using;
	/* Only names, columns, expressions, the parent table and a UNIQUE's
	** ON CONFLICT are filled. */
	schema_unique *uniques;
	size_t nuniques, capuniques;
	schema_check *checks;
	size_t nchecks, capchecks;
	schema_fk *fks;
	size_t nfks, capfks;
} ddl_table;

/* Parse a CREATE [VIRTUAL] TABLE statement; -1 when out of memory. */
int retort_ddl_parse_table(const char *sql, ddl_table *out);
void retort_ddl_table_release(ddl_table *t);

typedef struct ddl_index {
	str_list terms; /* each indexed term as written, without ASC/DESC */
	char *where;
} ddl_index;

int retort_ddl_parse_index(const char *sql, ddl_index *out);
void retort_ddl_index_release(ddl_index *ix);

/* The SELECT of a CREATE VIEW, and whether the view names its columns. */
int retort_ddl_parse_view(const char *sql, char **select, int *has_column_list);

#endif
