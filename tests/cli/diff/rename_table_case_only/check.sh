# renames that change only the case (SQLite's RENAME TO refuses Person ->
# person as "already another table with this name")
after_up() {
	expect_sql a.db "SELECT name FROM sqlite_schema WHERE type = 'table'" person
	expect_sql a.db "SELECT group_concat(name) FROM (SELECT name FROM pragma_table_xinfo('person') ORDER BY cid)" "id,name"
	expect_sql a.db "SELECT count(*) FROM person" 2
}
