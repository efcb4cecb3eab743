after_up() {
	expect_sql a.db "SELECT name, pk FROM pragma_table_xinfo('membership') ORDER BY cid" "user_id|1
group_id|2
role|0"
	expect_ok a.db "INSERT INTO membership VALUES (1, 20, 'user')"
	expect_fails a.db "INSERT INTO membership VALUES (1, 10, 'again')" "UNIQUE constraint failed"
	expect_sql a.db "SELECT count(*) FROM membership" 4
}
