# a trigger whose body holds END; in a string, a comment and a CASE ... END,
# on a table that is rebuilt (name becomes NOT NULL)
after_up() {
	expect_ok a.db "UPDATE item SET state = 'old' WHERE id = 1; UPDATE item SET state = 'gone' WHERE id = 2"
	expect_sql a.db "SELECT what FROM log" "END; aged
END; changed"
	expect_sql a.db "SELECT name FROM item ORDER BY id" "cup;
pot;"
}
