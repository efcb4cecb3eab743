#!/usr/bin/env bash
# --json never carries invalid UTF-8 (issue 12 item 2): a revision message
# and a table name holding a stray byte, a cut-short sequence and an encoded
# surrogate; the reports of upgrade, downgrade (data loss), history and
# upgrade --sql are valid UTF-8 (iconv) and parse (python3, when there is
# one), each byte that is not UTF-8 made U+FFFD.
source "$(dirname "$0")/common.bash"

project
bad=$'\xff\xc3(\xed\xa0\x80'
rev aaaa00000001 none "bad ${bad} message" "CREATE TABLE \"t${bad}\" (a);" "DROP TABLE \"t${bad}\";"
run_ok upgrade --json
cp "$work/out" "$work/up.json"
run_ok downgrade base --json
cp "$work/out" "$work/down.json"
grep -q '"table": "t' "$work/down.json" || fail "test bug: no data loss in $(cat "$work/down.json")"
run_ok history --json
cp "$work/out" "$work/history.json"
run_ok upgrade --sql --json
cp "$work/out" "$work/sql.json"
for j in up down history sql; do
	iconv -f UTF-8 -t UTF-8 "$work/$j.json" > /dev/null 2>&1 ||
		fail "$j --json is not valid UTF-8: $(cat -v "$work/$j.json")"
	ok "$j --json is valid UTF-8"
	if command -v python3 > /dev/null; then
		python3 -c 'import json,sys; json.load(sys.stdin)' < "$work/$j.json" ||
			fail "$j --json does not parse: $(cat -v "$work/$j.json")"
		ok "$j --json parses"
	fi
done
fffd=$'\xef\xbf\xbd'
grep -qF "\"message\": \"bad ${fffd}${fffd}(${fffd}${fffd}${fffd} message\"" "$work/history.json" ||
	fail "history --json: each stray byte is not one U+FFFD: $(cat -v "$work/history.json")"
ok "each byte that is not UTF-8 becomes U+FFFD"

finish
