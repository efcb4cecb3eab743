# TEXT to INTEGER: values that are not numbers stay text (SQLite affinity),
# but text that reads as a number becomes one: the warning says so
warn_up=yes
after_up() {
	grep -q "changes 'code.value' from TEXT to INTEGER: text that reads as a number becomes one" up.err ||
		fail "the warning does not say what is converted: $(cat up.err)"
	expect_sql a.db "SELECT id, value, typeof(value) FROM code ORDER BY id" "1|10|integer
2|20|integer
3|abc|text
4||null"
}
