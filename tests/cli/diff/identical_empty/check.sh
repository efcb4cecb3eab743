# nothing to change: exit 0 and nothing on stdout, also with --downgrade and
# --json (which prints an empty plan), and between two empty schemas
mode=custom
custom() {
	build_db a.db a.sql
	: > empty.sql
	local args
	for args in "--from db:a.db --to db:a.db" "--from sql:a.sql --to db:a.db" \
		"--from db:a.db --to sql:a.sql --downgrade" "--from sql:empty.sql --to sql:empty.sql"; do
		# shellcheck disable=SC2086
		rt out.out out.err diff $args
		expect_code $? 0 "diff $args" out.err
		expect_empty out.out "diff $args"
	done
	rt out.out out.err diff --from db:a.db --to db:a.db --json
	expect_code $? 0 "diff --json (same schemas)" out.err
	if command -v python3 >/dev/null; then
		python3 -c '
import json, sys
plan = json.load(open("out.out"))
assert plan["upgrade"] == [] and plan["downgrade"] == [], plan
' 2> py.err || fail "diff --json of the same schemas is not {\"upgrade\": [], \"downgrade\": []}: $(cat out.out) $(cat py.err)"
	else
		grep -q '"upgrade"' out.out || fail "diff --json: no upgrade list: $(cat out.out)"
	fi
}
