# the user's own tables have the names a rebuild might use for its copy
leftover_ok="_retort_new_point _retort_tmp"
after_up() {
	expect_sql a.db "SELECT note FROM _retort_new_point" "mine, not retort's"
	expect_sql a.db "SELECT x FROM point" 1.5
}
