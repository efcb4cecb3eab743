# b.sql is a.sql written another way, except for where the parentheses of
# the view's WHERE are: (qty > 0 and price < 10) or flags = 16 is another
# view. That change is found, and nothing else is touched.
warn_up=no
warn_down=no
only_the_view() {
	local f
	for f in up.sql down.sql; do
		grep -q 'CREATE VIEW "stock"' $f || fail "$f does not recreate the view"
		! grep -Eq '_retort_new_|DROP TRIGGER|DROP INDEX|CREATE INDEX' $f ||
			fail "$f touches what only changed its spelling: $(grep -E '_retort_new_|TRIGGER|INDEX' $f)"
	done
}
after_up() {
	only_the_view
	expect_sql a.db "SELECT name FROM stock ORDER BY name" "cup
pot"
}
after_down() {
	expect_sql a.db "SELECT name FROM stock ORDER BY name" "cup"
}
