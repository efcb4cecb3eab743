# a self-referencing parent and its child are both rebuilt
counts="SELECT (SELECT count(*) FROM node), (SELECT count(*) FROM leaf)"
after_up() {
	expect_sql a.db "$counts" "4|3"
	expect_ok a.db "PRAGMA foreign_keys=ON; DELETE FROM node WHERE id = 2"
	expect_sql a.db "$counts" "2|2"
}
after_down() {
	expect_sql a.db "$counts" "4|3"
}
