# quotes, keywords, spaces and unicode in every kind of name, through a rebuild
after_up() {
	expect_sql a.db "SELECT \"select\", \"café\", \"it's\", \"名前\", \"the \"\"quoted\"\" col\", \"new 'col'\" FROM \"order\" ORDER BY 1" "1|latte|it's|名|1|\"q\"
2|mocha|x|b|2|\"q\"
3|flat \"white\"|||2|\"q\""
	expect_sql a.db "SELECT \"the café\" FROM \"view 名前\" ORDER BY 1" "flat \"white\"
latte
mocha"
	expect_ok a.db "INSERT INTO \"order\" (\"select\", \"café\", \"the \"\"quoted\"\" col\") VALUES (4, 'cortado', 1)"
	expect_sql a.db "SELECT \"naïve\" FROM \"group by\" WHERE \"key word\" = 1" cortado
	expect_sql a.db "SELECT \"it's\" FROM \"order\" WHERE \"select\" = 4" "it's new"
	expect_fails a.db "INSERT INTO \"order\" (\"select\", \"café\") VALUES (5, 'x')" "ck \"café\""
	expect_sql a.db "SELECT name FROM pragma_index_list('order') WHERE origin = 'c'" "ix \"café\" 'x'"
	expect_sql a.db "SELECT on_delete FROM pragma_foreign_key_list('order')" "SET NULL"
	expect_ok a.db "PRAGMA foreign_keys=ON; DELETE FROM \"group by\" WHERE \"key word\" = 2"
	expect_sql a.db "SELECT count(*) FROM \"order\" WHERE \"the \"\"quoted\"\" col\" IS NULL" 2
}
after_down() {
	expect_sql a.db "SELECT count(*) FROM \"view 名前\"" 3
	expect_ok a.db "PRAGMA foreign_keys=ON; DELETE FROM \"group by\" WHERE \"key word\" = 2"
	expect_sql a.db "SELECT count(*) FROM \"order\"" 1
}
