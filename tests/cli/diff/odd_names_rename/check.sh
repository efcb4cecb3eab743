# odd names renamed (a table and two columns), used by an index, a view, a
# trigger, a CHECK and a foreign key
warn_up=no
warn_down=no
after_up() {
	expect_sql a.db "SELECT \"the café\" FROM \"view 名前\" ORDER BY 1" "flat \"white\"
latte
mocha"
	expect_ok a.db "INSERT INTO \"order\" (\"select\", \"from \"\"café\"\"\", \"the \"\"quoted\"\" col\") VALUES (4, 'cortado', 1)"
	expect_sql a.db "SELECT \"naïve \"\"2\"\"\" FROM \"group by 'v2'\" ORDER BY 1" "cortado
flat \"white\""
	expect_sql a.db "SELECT \"table\" FROM pragma_foreign_key_list('order')" "group by 'v2'"
	expect_ok a.db "PRAGMA foreign_keys=ON; DELETE FROM \"group by 'v2'\" WHERE \"key word\" = 2"
	expect_sql a.db "SELECT count(*) FROM \"order\"" 2
}
