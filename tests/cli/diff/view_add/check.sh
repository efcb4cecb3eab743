warn_up=no
after_up() {
	grep -qiE 'CREATE[[:space:]]+TABLE' up.sql && fail "adding views rebuilt a table: $(cat up.sql)"
	expect_sql a.db "SELECT pet, owner FROM pet_owner ORDER BY pet" "kit|ann
rex|ann
tom|bob"
	expect_sql a.db "SELECT uid, uname FROM active_user ORDER BY uid" "1|ann
3|cy"
}
