# a changed expression, stored to virtual, virtual to stored
after_up() {
	expect_sql a.db "SELECT id, s, p, v FROM pair ORDER BY id" "1|105|6|-1
2|112|35|-2"
	expect_sql a.db "SELECT name, hidden FROM pragma_table_xinfo('pair') WHERE hidden > 0 ORDER BY cid" "s|2
p|2
v|3"
	expect_sql a.db "SELECT id FROM pair WHERE s = 112" 2
}
after_down() {
	expect_sql a.db "SELECT id, s, p, v FROM pair ORDER BY id" "1|5|6|-1
2|12|35|-2"
}
