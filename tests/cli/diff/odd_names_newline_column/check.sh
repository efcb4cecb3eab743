# a dropped column and an added one whose names hold a newline: the warning
# comment (-- warning: drops column 'keep.two<newline>lines' ...) must stay a
# comment; a view and a trigger with a newline in their names are created
warn_up=yes
lost="keep.two*"
after_up() {
	expect_sql a.db "SELECT id, name, \"new
line\" = 'a' || char(10) || 'b' FROM keep ORDER BY id" "1|ann|1
2|bob|1"
	expect_sql a.db "SELECT count(*) FROM \"view
with a newline\"" 2
}
