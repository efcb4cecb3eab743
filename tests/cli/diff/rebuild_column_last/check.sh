# a rebuild (first becomes NOT NULL) that also adds a column: it stays last
warn_down=yes
after_up() {
	expect_sql a.db "SELECT group_concat(name) FROM (SELECT name FROM pragma_table_xinfo('person') ORDER BY cid)" "id,first,last,nick"
	expect_sql a.db "SELECT * FROM person ORDER BY id" "1|ann|lee|none
2|bob|ray|none"
}
