after_up() {
	expect_sql a.db "SELECT id FROM user WHERE name = 'ANN'" 1
	expect_sql a.db "SELECT id FROM user WHERE code = 'a'" 1
	expect_sql a.db "SELECT id FROM user WHERE code = 'b'" ""
	expect_sql a.db "SELECT coll FROM pragma_index_xinfo('ix_user_name') WHERE key AND cid >= 0" NOCASE
}
after_down() {
	expect_sql a.db "SELECT id FROM user WHERE name = 'ANN'" ""
	expect_sql a.db "SELECT id FROM user WHERE code = 'b'" 2
}
