# a table goes with its view and trigger while another is renamed (SQLite's
# RENAME checks every view and trigger: a stale one would break it)
warn_up=yes
lost="old_log"
after_up() {
	expect_sql a.db "SELECT type, name FROM sqlite_schema ORDER BY name" "table|user"
}
after_down() {
	expect_sql a.db "SELECT count(*) FROM recent_log" 0
}
