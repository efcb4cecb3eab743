# a view, and a view over that view: dropping them loses no data
warn_up=no
warn_down=no
after_up() {
	expect_sql a.db "SELECT count(*) FROM sqlite_schema WHERE type = 'view'" 0
}
after_down() {
	expect_sql a.db "SELECT owner, n FROM owner_count ORDER BY owner" "ann|2
bob|1"
}
