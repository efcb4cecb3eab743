# rebuilding an AUTOINCREMENT table keeps its sqlite_sequence value: ids 4
# and 5 were used and deleted, the next id is 6, after the upgrade and after
# the downgrade
after_up() {
	grep -qiE 'CREATE[[:space:]]+TABLE' up.sql || fail "expected a rebuild: $(cat up.sql)"
	expect_sql a.db "SELECT name, seq FROM sqlite_sequence" "event|5"
	expect_ok a.db "INSERT INTO event (msg, level) VALUES ('f', 1)"
	expect_sql a.db "SELECT max(id) FROM event" 6
}
after_down() {
	expect_sql a.db "SELECT name, seq FROM sqlite_sequence" "event|5"
	expect_ok a.db "INSERT INTO event (msg, level) VALUES ('f', 1)"
	expect_sql a.db "SELECT max(id) FROM event" 6
}
