# a new table (with a foreign key and an index): nothing risky on the way up;
# the way down drops it
warn_up=no
warn_down=yes
after_up() {
	expect_sql a.db "SELECT count(*) FROM pet" 0
	expect_ok a.db "PRAGMA foreign_keys=ON; INSERT INTO pet VALUES (1, 'rex', 1), (2, 'tom', 2)"
	expect_fails a.db "PRAGMA foreign_keys=ON; INSERT INTO pet VALUES (3, 'bad', 9)" "FOREIGN KEY constraint failed"
	expect_ok a.db "PRAGMA foreign_keys=ON; DELETE FROM user WHERE id = 1"
	expect_sql a.db "SELECT name FROM pet" tom
	expect_sql a.db "SELECT name FROM pragma_index_list('pet')" ix_pet_owner
}
