# a plain INTEGER column becomes INTEGER PRIMARY KEY: the rowid is its value
after_up() {
	expect_sql a.db "SELECT rowid, id, name FROM tag ORDER BY id" "20|20|blue
30|30|green"
}
