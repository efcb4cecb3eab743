# DEFERRABLE INITIALLY DEFERRED added (no pragma shows it: only behaviour does)
after_up() {
	expect_ok a.db "PRAGMA foreign_keys=ON; BEGIN; INSERT INTO pet VALUES (2, 2); INSERT INTO user VALUES (2, 'bob'); COMMIT"
	expect_sql a.db "SELECT count(*) FROM pet" 2
}
after_down() {
	expect_fails a.db "PRAGMA foreign_keys=ON; BEGIN; INSERT INTO pet VALUES (2, 2); INSERT INTO user VALUES (2, 'bob'); COMMIT" "FOREIGN KEY constraint failed"
}
