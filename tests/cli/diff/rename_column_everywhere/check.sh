# a column used by indexes (plain, on an expression, partial), a view and a
# trigger is renamed: all of them follow, the trigger fires
warn_up=no
warn_down=no
after_up() {
	expect_sql a.db "SELECT * FROM user_names" "ann
bob"
	expect_ok a.db "UPDATE user SET name = 'bobby' WHERE id = 2"
	expect_sql a.db "SELECT old, new FROM log" "bob|bobby"
	expect_fails a.db "INSERT INTO user VALUES (3, 'ANN', 0)" "UNIQUE constraint failed"
	expect_sql a.db "SELECT name FROM pragma_index_xinfo('ix_user_nme') WHERE key" name
	expect_sql a.db "EXPLAIN QUERY PLAN SELECT * FROM user WHERE name = 'ann'" "QUERY PLAN
\`--SEARCH user USING INDEX ix_user_nme (name=?)"
}
after_down() {
	expect_ok a.db "UPDATE user SET nme = 'bobby' WHERE id = 2"
	expect_sql a.db "SELECT old, new FROM log" "bob|bobby"
	expect_sql a.db "SELECT * FROM user_names" "ann
bobby"
}
