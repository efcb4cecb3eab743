warn_up=yes
lost="item.obsolete"
after_up() {
	grep -qi 'obsolete' up.err || fail "the warning on stderr does not name the column: $(cat up.err)"
	expect_sql a.db "SELECT * FROM item ORDER BY id" "1|cup|1.5
2|pot|2.25
3|pan|"
}
after_down() {
	expect_sql a.db "SELECT count(*) FROM item WHERE obsolete IS NULL" 3
}
