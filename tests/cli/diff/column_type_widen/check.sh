after_up() {
	expect_sql a.db "SELECT id, value, typeof(value), unit FROM reading ORDER BY id" "1|10.0|real|cm
2|20.0|real|mm
3|-3.0|real|"
	expect_sql a.db "SELECT name, type FROM pragma_table_xinfo('reading') ORDER BY cid" "id|INTEGER
value|REAL
unit|VARCHAR(20)"
}
