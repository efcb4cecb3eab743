# columns that DROP COLUMN refuses (in a CHECK, UNIQUE, a foreign key): a rebuild
warn_up=yes
lost="item.qty item.sku item.owner_id"
after_up() {
	expect_sql a.db "SELECT * FROM item ORDER BY id" "1|cup
2|pot
3|pan"
	expect_sql a.db "SELECT count(*) FROM pragma_foreign_key_list('item')" 0
}
