# a renamed table whose renamed column changes type too (a rename and a
# rebuild), under a child with ON DELETE CASCADE and a view
after_up() {
	expect_sql a.db "SELECT * FROM adults" ann
	expect_sql a.db "SELECT id, name, age, typeof(age) FROM user ORDER BY id" "1|ann|30|integer
2|bob|12|integer"
	expect_sql a.db "SELECT count(*), (SELECT \"table\" FROM pragma_foreign_key_list('pet')) FROM pet" "2|user"
}
after_down() {
	expect_sql a.db "SELECT count(*) FROM pet" 2
}
