# b.sql is a.sql written another way, except for where the parentheses of
# item's CHECK are: (qty > 0 and price > 0) or flags = 1 is another rule.
# item is changed for it (in place); tag, whose CHECK is only spelled
# otherwise, is not.
after_up() {
	grep -q "^UPDATE sqlite_schema SET sql = 'CREATE TABLE \"item\"" up.sql ||
		fail "up.sql does not change item"
	! grep -q '"tag"' up.sql || fail "up.sql changes tag for a spelling"
	! grep -q '"tag"' down.sql || fail "down.sql changes tag for a spelling"
	expect_ok a.db "INSERT INTO item VALUES (3, 0, 1.0, 1)"
}
after_down() {
	expect_fails a.db "INSERT INTO item VALUES (3, 0, 1.0, 1)" "CHECK constraint failed"
}
