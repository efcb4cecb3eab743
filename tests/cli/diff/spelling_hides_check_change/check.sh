# b.sql is a.sql written another way, except for where the parentheses of
# item's CHECK are: (qty > 0 and price > 0) or flags = 1 is another rule.
# item is rebuilt for it; tag, whose CHECK is only spelled otherwise, is not.
after_up() {
	grep -q '_retort_new_item' up.sql || fail "up.sql does not rebuild item"
	! grep -q '_retort_new_tag' up.sql || fail "up.sql rebuilds tag for a spelling"
	! grep -q '_retort_new_tag' down.sql || fail "down.sql rebuilds tag for a spelling"
	expect_ok a.db "INSERT INTO item VALUES (3, 0, 1.0, 1)"
}
after_down() {
	expect_fails a.db "INSERT INTO item VALUES (3, 0, 1.0, 1)" "CHECK constraint failed"
}
