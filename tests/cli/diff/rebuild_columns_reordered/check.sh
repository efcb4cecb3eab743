# only the column order changes: the values follow their columns
after_up() {
	expect_sql a.db "SELECT * FROM person ORDER BY id" "1|ann|lee|30
2|bob|ray|"
}
