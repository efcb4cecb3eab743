# views (one over the other), an index, a trigger on the table and an
# INSTEAD OF trigger on the view all work after the rebuild
after_up() {
	expect_sql a.db "SELECT name, price FROM cheap ORDER BY name" "cup|2.5
pan|9.99"
	expect_sql a.db "SELECT n FROM cheap_count" 2
	expect_sql a.db "SELECT name FROM pragma_index_list('product') WHERE origin = 'c'" ix_product_price
	expect_ok a.db "UPDATE product SET price = 3 WHERE id = 1; INSERT INTO cheap VALUES ('mug', 1)"
	expect_sql a.db "SELECT what FROM audit" cup
	expect_sql a.db "SELECT n FROM cheap_count" 3
}
after_down() {
	expect_sql a.db "SELECT n FROM cheap_count" 2
	expect_ok a.db "UPDATE product SET price = 3 WHERE id = 1; INSERT INTO cheap VALUES ('mug', 1)"
	expect_sql a.db "SELECT what FROM audit" cup
	expect_sql a.db "SELECT n FROM cheap_count" 3
}
