warn_up=no
warn_down=no
after_up() {
	expect_sql a.db "SELECT pet, owner, active FROM pet_owner ORDER BY pet" "kit|ann|1
rex|ann|1
tom|bob|0"
	expect_sql a.db "SELECT id, name FROM active_user" "2|bob"
}
after_down() {
	expect_sql a.db "SELECT id FROM active_user ORDER BY id" "1
3"
}
