# DROP COLUMN refuses an indexed column (also in an index expression or a
# partial index's WHERE): its indexes go first
warn_up=yes
lost="item.code"
after_up() {
	expect_sql a.db "SELECT name FROM pragma_index_list('item')" ix_item_name
	expect_sql a.db "SELECT group_concat(name) FROM (SELECT name FROM item ORDER BY id)" "cup,pot"
}
after_down() {
	expect_sql a.db "SELECT name FROM pragma_index_list('item') ORDER BY name" "ix_item_code
ix_item_lower_code
ix_item_name
ix_item_name_code
ix_item_name_coded"
}
