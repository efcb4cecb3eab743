# STRICT off with ANY columns: the warning names them and what happens to
# their values, which is what SQLite then does ('007' becomes 7, 1.0 becomes 1)
warn_up=yes
# converted, they do not come back on the downgrade
lost="reading.raw reading.extra"
after_up() {
	grep -q "makes 'reading' not STRICT: the values of its ANY columns 'reading.raw', 'reading.extra' are converted" up.err ||
		fail "no warning naming the ANY columns: $(cat up.err)"
	expect_sql a.db "SELECT id, hex(raw), typeof(raw), extra, typeof(extra) FROM reading ORDER BY id" "1|37|integer|1|integer
2|00FF|blob|a|text"
}
