# renamed_from: a rename, not a drop and a create; rows, index, the child's
# foreign key, the view and the trigger follow the table
warn_up=no
warn_down=no
after_up() {
	grep -qiE 'RENAME[[:space:]]+TO' up.sql || fail "the upgrade does not use ALTER TABLE ... RENAME TO:
$(cat up.sql)"
	expect_sql a.db "SELECT group_concat(name) FROM (SELECT name FROM user ORDER BY id)" "ann,bob,cy"
	expect_sql a.db "SELECT \"table\" FROM pragma_foreign_key_list('pet')" user
	expect_sql a.db "SELECT count(*) FROM person_names" 3
	expect_sql a.db "SELECT count(*) FROM sqlite_schema WHERE name = 'person'" 0
	expect_ok a.db "PRAGMA foreign_keys=ON; DELETE FROM user WHERE id = 2"
	expect_sql a.db "SELECT count(*) FROM pet" 1
}
