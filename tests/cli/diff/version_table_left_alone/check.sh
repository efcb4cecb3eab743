# retort's own tables in the database are not the models' business: never
# dropped, never diffed
unmanaged="retort_version retort_history"
after_up() {
	grep -q 'retort_version\|retort_history' up.sql down.sql && fail "the scripts touch retort's tables: $(cat up.sql down.sql)"
	expect_sql a.db "SELECT revision FROM retort_version" 4c2e9a1f7b3d
	expect_sql a.db "SELECT count(*) FROM retort_history" 1
}
