# the view changes, its INSTEAD OF trigger does not (DROP VIEW drops the
# view's triggers: it must come back)
warn_up=no
warn_down=no
after_up() {
	expect_sql a.db "SELECT name FROM sqlite_schema WHERE type = 'trigger'" visible_item_insert
	expect_ok a.db "INSERT INTO visible_item (id, name) VALUES (3, 'pan')"
	expect_sql a.db "SELECT id, label FROM visible_item ORDER BY id" "1|CUP
3|PAN"
}
after_down() {
	expect_ok a.db "INSERT INTO visible_item (id, name) VALUES (3, 'pan')"
	expect_sql a.db "SELECT count(*) FROM visible_item" 2
}
