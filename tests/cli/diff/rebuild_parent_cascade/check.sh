# the parent of ON DELETE CASCADE / SET NULL / RESTRICT children is rebuilt:
# no child row is deleted or nulled, neither way, and the actions still work
counts="SELECT (SELECT count(*) FROM pet), (SELECT count(*) FROM toy), (SELECT count(user_id) FROM note), (SELECT count(*) FROM badge)"
after_up() {
	grep -qiE 'CREATE[[:space:]]+TABLE' up.sql || fail "expected a rebuild of user: $(cat up.sql)"
	expect_sql a.db "$counts" "4|4|2|1"
	expect_fails a.db "PRAGMA foreign_keys=ON; DELETE FROM user WHERE id = 2" "FOREIGN KEY constraint failed"
	expect_ok a.db "PRAGMA foreign_keys=ON; DELETE FROM user WHERE id = 1"
	expect_sql a.db "$counts" "3|2|1|1"
}
after_down() {
	expect_sql a.db "$counts" "4|4|2|1"
	expect_ok a.db "PRAGMA foreign_keys=ON; DELETE FROM user WHERE id = 3"
	expect_sql a.db "$counts" "3|3|1|1"
}
