after_up() {
	# the columns that can refuse a value are named; ANY and the rowid cannot
	grep -q "makes 'reading' STRICT: a value of 'reading.sensor', 'reading.value', 'reading.raw' that does not fit" up.err ||
		fail "the STRICT warning does not name the typed columns: $(cat up.err)"
	expect_sql a.db "SELECT strict FROM pragma_table_list('reading')" 1
	expect_fails a.db "INSERT INTO reading VALUES (3, 's3', 'abc', NULL, NULL)" "cannot store TEXT value in REAL column"
	expect_sql a.db "SELECT id, sensor, value, hex(raw), extra, typeof(extra) FROM reading ORDER BY id" "1|s1|1.5|00FF|a|text
2|s2|2.0||3|integer"
}
after_down() {
	grep -q "makes 'reading' not STRICT: the values of its ANY column 'reading.extra' are converted" down.err ||
		fail "the downgrade does not name the ANY column: $(cat down.err)"
	expect_ok a.db "INSERT INTO reading VALUES (3, 's3', 'abc', NULL, NULL)"
}
