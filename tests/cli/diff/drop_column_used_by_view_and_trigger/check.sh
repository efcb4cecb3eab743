# DROP COLUMN fails while a view or trigger still uses the column: they
# change first
warn_up=yes
lost="item.code"
after_up() {
	expect_sql a.db "SELECT * FROM item_codes ORDER BY name" "cup
pot"
	expect_ok a.db "UPDATE item SET name = 'mug' WHERE id = 1"
	expect_sql a.db "SELECT what FROM log" mug
}
after_down() {
	expect_ok a.db "UPDATE item SET code = 'c2' WHERE id = 1"
	expect_sql a.db "SELECT what FROM log" c2
	expect_sql a.db "SELECT count(*) FROM item_codes WHERE code IS NULL" 1
}
