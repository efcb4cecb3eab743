# the rebuild of pet (an action change) deletes nothing; the new action works
after_up() {
	expect_sql a.db "SELECT on_delete, on_update FROM pragma_foreign_key_list('pet')" "SET NULL|CASCADE"
	expect_sql a.db "SELECT count(*) FROM pet" 3
	expect_ok a.db "PRAGMA foreign_keys=ON; UPDATE user SET id = 20 WHERE id = 2; DELETE FROM user WHERE id = 1"
	expect_sql a.db "SELECT id, owner_id FROM pet ORDER BY id" "1|
2|20
3|"
}
after_down() {
	expect_ok a.db "PRAGMA foreign_keys=ON; DELETE FROM user WHERE id = 1"
	expect_sql a.db "SELECT id FROM pet ORDER BY id" 2
}
