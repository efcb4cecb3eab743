# an FTS5 table (with its shadow tables post_fts_data, ...) beside a rebuilt
# table: left as it is, its index still answers
after_up() {
	grep -q 'post_fts' up.sql down.sql && fail "the scripts touch the FTS table: $(cat up.sql down.sql)"
	expect_sql a.db "SELECT rowid FROM post_fts WHERE post_fts MATCH 'second'" 2
	expect_sql a.db "INSERT INTO post_fts (post_fts) VALUES ('integrity-check'); SELECT 'ok'" ok
}
