# sqlite_stat1 (ANALYZE) is SQLite's: never dropped nor diffed
after_up() {
	expect_sql a.db "SELECT name FROM sqlite_schema WHERE name = 'sqlite_stat1'" sqlite_stat1
	grep -q sqlite_stat up.sql && fail "the upgrade touches sqlite_stat1: $(cat up.sql)"
}
