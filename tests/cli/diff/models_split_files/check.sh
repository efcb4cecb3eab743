# the target spread over two model files (.yaml and .yml) with a stray file
after_up() {
	expect_sql a.db "SELECT pet, owner FROM pet_owner" "rex|ann"
	expect_sql a.db "SELECT on_delete FROM pragma_foreign_key_list('pet')" CASCADE
}
