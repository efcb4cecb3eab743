# a dropped table whose name holds a newline and SQL: the warning comment
# (-- warning: drops table 'evil<newline>DROP TABLE keep; --' ...) must not
# turn the rest of the name into SQL that the shell runs
warn_up=yes
lost="evil*"
after_up() {
	expect_sql a.db "SELECT id, name FROM keep ORDER BY id" "1|ann
2|bob"
}
