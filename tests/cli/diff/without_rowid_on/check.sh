after_up() {
	expect_sql a.db "SELECT wr FROM pragma_table_list('kv')" 1
	expect_fails a.db "SELECT rowid FROM kv" "no such column: rowid"
	expect_sql a.db "SELECT * FROM kv ORDER BY k" "a|x|1
b||2
c|z|0"
	expect_sql a.db "SELECT name FROM pragma_index_list('kv') WHERE origin = 'c'" ix_kv_v
}
