warn_up=no
warn_down=yes
after_up() {
	expect_ok a.db "INSERT INTO a_pet_owner VALUES ('rex', 'bob')"
	expect_sql a.db "SELECT pet, owner FROM a_pet_owner" "rex|bob"
	expect_sql a.db "SELECT n FROM a_count" 1
}
