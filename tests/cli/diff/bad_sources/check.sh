# unknown sources, a database file that does not exist (and is not created),
# a missing SQL file, a missing models folder, SQL that does not parse, a
# stray operand: exit 2 with an error on stderr, nothing on stdout
mode=custom
custom() {
	build_db a.db a.sql
	local args
	for args in "--from nope:x --to db:a.db" "--from db:a.db --to postgres://x/y" \
		"--from db:a.db --to modelz" "--from db:a.db --to sql" \
		"--from db:nowhere.db --to db:a.db" "--from db:a.db --to db:nowhere.db" \
		"--from sql:nowhere.sql --to db:a.db" "--from db:a.db --to models:nowhere" \
		"--from db:a.db --to sql:broken.sql" "--from db:a.db --to db:a.db extra"; do
		# shellcheck disable=SC2086
		rt out.out out.err diff $args
		expect_code $? 2 "diff $args" out.err
		expect_empty out.out "diff $args"
		grep -q 'error' out.err || fail "diff $args: no error on stderr: $(cat out.err)"
		[[ ! -e nowhere.db ]] || { fail "diff $args created nowhere.db"; rm -f nowhere.db; }
	done
	rt out.out out.err diff --from nope:x --to db:a.db
	grep -qi 'unknown source' out.err || fail "diff --from nope:x: the error does not say 'unknown source': $(cat out.err)"
	rt out.out out.err diff --from db:nowhere.db --to db:a.db
	grep -q 'nowhere.db' out.err || fail "diff --from db:nowhere.db: the error does not name the file: $(cat out.err)"
	rt out.out out.err diff --from db:a.db --to sql:broken.sql
	grep -q '^broken.sql:1:[0-9]*: error: ' out.err || fail "diff --to sql:broken.sql: the error is not at broken.sql:1:col: $(cat out.err)"
	# not a database at all
	echo 'hello' > notadb.db
	rt out.out out.err diff --from db:notadb.db --to db:a.db
	code=$?
	[[ $code == 2 || $code == 3 ]] || fail "diff --from db:notadb.db: exit $code, expected 2 or 3: $(cat out.err)"
	expect_empty out.out "diff --from db:notadb.db"
}
