# NOT NULL without a default (SQLite's ADD COLUMN refuses it): risky, but the
# table is empty, so the upgrade goes through
warn_up=yes
warn_down=yes
after_up() {
	expect_sql a.db "SELECT name, \"notnull\", dflt_value IS NULL FROM pragma_table_xinfo('token') ORDER BY cid" "id|0|1
code|1|1"
	expect_fails a.db "INSERT INTO token (id) VALUES (1)" "NOT NULL constraint failed"
}
