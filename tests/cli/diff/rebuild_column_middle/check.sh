# a column the models put between two others lands there (a rebuild: ADD
# COLUMN could only append it)
warn_down=yes
after_up() {
	expect_sql a.db "SELECT group_concat(name) FROM (SELECT name FROM pragma_table_xinfo('person') ORDER BY cid)" "id,first,middle,last"
	expect_sql a.db "SELECT * FROM person ORDER BY id" "1|ann||lee
2|bob||ray"
}
