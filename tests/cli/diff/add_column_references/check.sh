warn_down=yes
after_up() {
	expect_sql a.db "SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('pet')" "user|owner_id|id|SET NULL"
	expect_sql a.db "SELECT count(*) FROM pet WHERE owner_id IS NULL" 2
	expect_fails a.db "PRAGMA foreign_keys=ON; UPDATE pet SET owner_id = 9 WHERE id = 1" "FOREIGN KEY constraint failed"
	expect_ok a.db "PRAGMA foreign_keys=ON; UPDATE pet SET owner_id = 1; DELETE FROM user WHERE id = 1"
	expect_sql a.db "SELECT count(*) FROM pet WHERE owner_id IS NULL" 2
}
