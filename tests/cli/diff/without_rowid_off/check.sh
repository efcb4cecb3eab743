after_up() {
	expect_sql a.db "SELECT wr FROM pragma_table_list('kv')" 0
	expect_sql a.db "SELECT count(rowid) FROM kv" 3
	expect_fails a.db "INSERT INTO kv VALUES ('a', 's', 'dup')" "UNIQUE constraint failed"
}
