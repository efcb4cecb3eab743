# 30000 rows (about 4 MB) rebuilt: the kill before COMMIT happens with pages
# spilled to the file; every row and every child survives
after_up() {
	expect_sql a.db "SELECT count(*), sum(n), (SELECT count(*) FROM child) FROM big" "30000|90000|10000"
	expect_sql a.db "SELECT count(*) FROM big JOIN child ON child.big_id = big.id" 10000
	expect_sql a.db "SELECT seq FROM sqlite_sequence WHERE name = 'big'" 30000
}
after_down() {
	expect_sql a.db "SELECT count(*), (SELECT count(*) FROM child) FROM big" "30000|10000"
}
