# type changes under which no value can change: INTEGER and NUMERIC convert
# alike, SQLite does not enforce a declared size, BLOB keeps every value as
# it is. No warning says otherwise (the rebuild is still told), and every
# value is as it was.
warn_up=yes
after_up() {
	! grep -q "changes 'item" up.err || fail "a type change warning where nothing can change: $(cat up.err)"
	expect_sql a.db "SELECT id, n, typeof(n), code, note, typeof(note) FROM item ORDER BY id" "1|7|integer|a-long-code-here|007|text
2||null|x|abc|text"
}
