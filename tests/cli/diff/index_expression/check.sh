after_up() {
	expect_sql a.db "SELECT seqno, name, desc FROM pragma_index_xinfo('ix_user_name') WHERE key" "0|name|1
1|active|0"
	expect_sql a.db "SELECT cid FROM pragma_index_xinfo('ux_user_email_lower') WHERE key" "-2"
	expect_sql a.db "SELECT coll FROM pragma_index_xinfo('ix_user_name_nocase') WHERE key" NOCASE
	expect_fails a.db "INSERT INTO user (id, name, email) VALUES (4, 'dee', 'ANN@X')" "UNIQUE constraint failed"
	expect_sql a.db "EXPLAIN QUERY PLAN SELECT id FROM user WHERE lower(email) = 'ann@x'" "QUERY PLAN
\`--SEARCH user USING INDEX ux_user_email_lower (<expr>=?)"
}
