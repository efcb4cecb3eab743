# an FTS5 table added (and dropped by the downgrade, with its shadow tables)
warn_up=no
warn_down=yes
after_up() {
	expect_ok a.db "INSERT INTO post_fts (rowid, title, body) SELECT id, title, body FROM post"
	expect_sql a.db "SELECT rowid FROM post_fts WHERE post_fts MATCH 'first'" 1
}
after_down() {
	expect_sql a.db "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'post_fts%'" 0
}
