# changed, removed and added DEFAULTs (which Alembic does not see): rows keep
# their values, new rows get the new defaults
after_up() {
	expect_sql a.db "SELECT * FROM task ORDER BY id" "1|new|0|2024-01-01 00:00:00|
2|done|5|2024-02-02 00:00:00|x"
	expect_ok a.db "INSERT INTO task (id) VALUES (3)"
	expect_sql a.db "SELECT status, prio, created IS NULL, note FROM task WHERE id = 3" "open|3|1|n/a"
}
after_down() {
	expect_ok a.db "INSERT INTO task (id) VALUES (3)"
	expect_sql a.db "SELECT status, prio, created IS NOT NULL, note IS NULL FROM task WHERE id = 3" "new|0|1|1"
}
