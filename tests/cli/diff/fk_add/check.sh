after_up() {
	expect_sql a.db "SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('pet')" "user|owner_id|id|CASCADE"
	expect_sql a.db "SELECT count(*) FROM pet" 3
	expect_fails a.db "PRAGMA foreign_keys=ON; INSERT INTO pet VALUES (4, 'bad', 9)" "FOREIGN KEY constraint failed"
	expect_ok a.db "PRAGMA foreign_keys=ON; DELETE FROM user WHERE id = 1"
	expect_sql a.db "SELECT group_concat(name) FROM (SELECT name FROM pet ORDER BY id)" "tom,kit"
}
