# renaming the parent's key columns (a single and a composite key): the
# children's foreign keys follow, no row is lost, the cascades still work
warn_up=no
warn_down=no
after_up() {
	expect_sql a.db "SELECT \"to\" FROM pragma_foreign_key_list('pet')" id
	expect_sql a.db "SELECT group_concat(\"to\") FROM pragma_foreign_key_list('member')" "org,num"
	expect_ok a.db "PRAGMA foreign_keys=ON; DELETE FROM user WHERE id = 1; DELETE FROM team WHERE num = 2"
	expect_sql a.db "SELECT (SELECT group_concat(id) FROM pet), (SELECT group_concat(id) FROM member)" "2|1"
}
