# a virtual generated column (ADD COLUMN can) and a stored one (it cannot)
after_up() {
	expect_sql a.db "SELECT id, total, label FROM line ORDER BY id" "1|3.0|line 1
2|30.0|line 2"
	expect_sql a.db "SELECT name, hidden FROM pragma_table_xinfo('line') WHERE hidden > 0 ORDER BY cid" "total|2
label|3"
	expect_ok a.db "UPDATE line SET qty = 4 WHERE id = 1"
	expect_sql a.db "SELECT total FROM line WHERE id = 1" 6.0
}
