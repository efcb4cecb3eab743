# TEXT to INTEGER: values that are not numbers stay text (SQLite affinity),
# but the change is flagged
warn_up=yes
after_up() {
	expect_sql a.db "SELECT id, value, typeof(value) FROM code ORDER BY id" "1|10|integer
2|20|integer
3|abc|text
4||null"
}
