# renames, a type change, a drop, an add and a reorder on one table at once:
# the renamed columns keep their values through the rebuild
warn_up=yes
lost="item.junk"
after_up() {
	expect_sql a.db "SELECT id, name, cost, qty, typeof(qty), added FROM item ORDER BY id" "1|cup|1.5|3|integer|today
2|pot|2.0|10|integer|today"
	expect_sql a.db "SELECT name FROM pragma_index_xinfo('ix_item_nm') WHERE key" name
}
