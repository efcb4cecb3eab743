# renamed and rebuilt: the sequence follows the new name; other's is untouched
after_up() {
	expect_sql a.db "SELECT name, seq FROM sqlite_sequence ORDER BY name" "event|4
other|2"
	expect_ok a.db "INSERT INTO event (msg) VALUES ('e')"
	expect_sql a.db "SELECT max(id) FROM event" 5
}
after_down() {
	expect_sql a.db "SELECT name, seq FROM sqlite_sequence ORDER BY name" "ev|4
other|2"
}
