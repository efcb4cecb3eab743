# dropping a table (and its index) loses its rows: flagged in the script and
# on stderr; the downgrade brings the table back, empty
warn_up=yes
warn_down=no
lost="log"
after_up() {
	expect_sql a.db "SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite%' ORDER BY name" user
	expect_sql a.db "SELECT count(*) FROM user" 2
	grep -qi 'log' up.err || fail "the warning on stderr does not name the table: $(cat up.err)"
}
after_down() {
	expect_sql a.db "SELECT count(*) FROM log" 0
	expect_sql a.db "SELECT name FROM pragma_index_list('log')" ix_log_user
}
