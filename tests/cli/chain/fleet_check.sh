#!/usr/bin/env bash
# check --each and history --each on a fleet (issue 19 item 1): 40 tenant
# files at head, one changed by hand (drift), one corrupt, one behind, one
# stamped at a revision the folder lacks. check names the drifted and the
# corrupt one in text and JSON, one line per file and a summary, and exits
# with the most serious code; history --each marks each revision with how
# many files are at it and lists the failed. Nothing is written to any file.
source "$(dirname "$0")/common.bash"

project
rev aaaa00000001 none "accounts" "CREATE TABLE account (id INTEGER PRIMARY KEY, name TEXT);" \
	"DROP TABLE account;"
rev bbbb00000002 aaaa00000001 "vets" "CREATE TABLE vet (id INTEGER PRIMARY KEY);" "DROP TABLE vet;"
run_ok inspect head
cp "$work/out" models/schema.yaml

n=40
mkdir tenants
for ((i = 1; i <= n; i++)); do
	printf -v t 't-%02d' "$i"
	: > "tenants/$t.db"
done
run_ok upgrade --each 'tenants/*.db' --jobs 2 -q
sqlite3 -bail tenants/t-07.db "CREATE TABLE extra (x); INSERT INTO account (name) VALUES ('seven');" ||
	fail "cannot drift t-07"
run_ok downgrade aaaa00000001 --db sqlite:///tenants/t-12.db -q
printf 'this is not a SQLite database\n%.0s' {1..20} > tenants/t-15.db
sums() { sha256sum tenants/*.db; }
before=$(sums)

# ---- check --each: the drifted and the corrupt named, the rest ok --------
rt check --each 'tenants/*.db' --jobs 2
expect_rc 2 "the corrupt file's code (2) outranks the drifted one's (1)"
expect_out '^tenants/t-07\.db: drift: create_table extra$' "the drifted file is named with its drift"
expect_out '^tenants/t-15\.db: failed \(exit 2\): .*not a SQLite database' "the corrupt file is named"
expect_out '^tenants/t-01\.db: ok, at bbbb00000002$' "a file at head is ok"
expect_out '^tenants/t-12\.db: ok, at aaaa00000001$' "a file behind, without drift, is ok (as check is for one)"
expect_out '^check of 40 databases: 38 ok, 1 with problems, 1 failed, 0 skipped$' "the summary"
[[ $(grep -c '^tenants/t-[0-9]*\.db: ' "$work/out") == "$n" ]] || fail "not one line per file: $(shown)"
grep '^tenants/' "$work/out" | sort -c || fail "the lines are not in path order: $(shown)"
ok "one line per file, in path order"

rt check --each 'tenants/*.db' --json
expect_rc 2
expect_json "json_extract(j, '\$.ok') || ' ' || json_extract(j, '\$.exit_code') || ' ' ||
	json_array_length(j, '\$.databases') || ' ' || json_array_length(j, '\$.problems')" "0 2 40 0" \
	"one document: not ok, exit 2, a row per file, no problem for all of them"
expect_json "(SELECT group_concat(json_extract(value, '\$.database') || '=' || json_extract(value, '\$.exit_code'), ' ')
	FROM json_each(j, '\$.databases') WHERE json_extract(value, '\$.exit_code') != 0)" \
	"tenants/t-07.db=1 tenants/t-15.db=2" "the rows name the drifted and the corrupt file with their codes"
expect_json "(SELECT json_extract(value, '\$.problems[0].kind') || ' ' || json_extract(value, '\$.problems[0].message')
	FROM json_each(j, '\$.databases') WHERE json_extract(value, '\$.database') = 'tenants/t-07.db')" \
	"drift drift: create_table extra" "the drifted row's problem"
expect_json "(SELECT json_extract(value, '\$.status') || ' ' || json_extract(value, '\$.error.message')
	FROM json_each(j, '\$.databases') WHERE json_extract(value, '\$.database') = 'tenants/t-15.db')" \
	"failed 'tenants/t-15.db' is not a SQLite database" "the corrupt row's error"

# without the corrupt one: the drift alone is exit 1
grep -v t-15 <(printf '%s\n' tenants/*.db) > "$work/list"
rt check --each "@$work/list"
expect_rc 1 "a drifted file alone: exit 1"
expect_out '^check of 39 databases: 38 ok, 1 with problems, 0 failed, 0 skipped$'
rt check --each 'tenants/t-0[1-5].db'
expect_rc 0 "all well: exit 0"
expect_out '^check of 5 databases: 5 ok, 0 with problems, 0 failed, 0 skipped$'

# what check finds once (the models) is said once, and counts
printf '  extra:\n    columns:\n      x: {type: TEXT}\n' >> models/schema.yaml
rt check --each 'tenants/t-0[1-5].db' --json
expect_rc 1 "models that differ from the revisions: exit 1 for the fleet"
expect_json "json_extract(j, '\$.problems[0].kind') || ' ' || json_array_length(j, '\$.databases')" \
	"models_differ 5" "said once, beside the rows"
run_ok inspect head
cp "$work/out" models/schema.yaml

# a revision file edited after the files at head applied it
sed -i 's/CREATE TABLE vet (id INTEGER PRIMARY KEY);/CREATE TABLE vet (id INTEGER PRIMARY KEY, n INT);/' \
	revisions/bbbb00000002_vets.sql
rt check --each 'tenants/t-1[0-4].db'
expect_rc 1
expect_out '^tenants/t-11\.db: revision bbbb00000002 \(.*\) changed after it was applied' \
	"a changed revision, for a file that applied it"
expect_out '^tenants/t-12\.db: ok, at aaaa00000001$' "not for the file that did not apply it"
rev bbbb00000002 aaaa00000001 "vets" "CREATE TABLE vet (id INTEGER PRIMARY KEY);" "DROP TABLE vet;"
[[ $(sums) == "$before" ]] || fail "check changed a file"
ok "check --each wrote nothing"

# ---- history --each: how many files are at each revision -----------------
cp tenants/t-20.db "$work/t-20.db"
sqlite3 -bail tenants/t-20.db "UPDATE retort_version SET revision = 'ffff00000009'" ||
	fail "cannot stamp t-20 off the folder"
before=$(sums)
rt history --each 'tenants/*.db'
expect_rc 2 "a corrupt file and one at an unknown revision: exit 2"
expect_out '^aaaa00000001 -> bbbb00000002 \(head\) \(current: 37 databases\), vets$' "the head's count"
expect_out '^<base> -> aaaa00000001 \(current: 1 database\), accounts$' "the behind one's count"
expect_out '^failed: 2 databases$'
expect_out '^  tenants/t-15\.db: .*not a SQLite database' "the corrupt file is named"
expect_out '^  tenants/t-20\.db: .*ffff00000009, which the folder does not have' "the unknown revision is named"
rt history -i --each 'tenants/*.db' --json
expect_rc 2
expect_json "(SELECT group_concat(json_extract(value, '\$.id') || '=' || json_extract(value, '\$.databases') || ':' ||
	json_extract(value, '\$.current'), ' ') FROM json_each(j, '\$.revisions')) || ' ' ||
	json_extract(j, '\$.databases') || ' ' || json_extract(j, '\$.exit_code')" \
	"bbbb00000002=37:1 aaaa00000001=1:1 40 2" "the JSON counts"
expect_json "(SELECT group_concat(json_extract(value, '\$.database') || '=' || json_extract(value, '\$.exit_code'), ' ')
	FROM json_each(j, '\$.failed'))" "tenants/t-15.db=2 tenants/t-20.db=2" "the JSON names the failed"
[[ $(sums) == "$before" ]] || fail "history changed a file"
ok "history --each wrote nothing"
cp "$work/t-20.db" tenants/t-20.db
run_ok downgrade base --db sqlite:///tenants/t-01.db -q
rt history --each 'tenants/t-0[1-3].db'
expect_rc 0
expect_out '^at base: 1 database$' "a file at base"
expect_out '\(current: 2 databases\), vets$'
rt history
expect_rc 0
expect_no_out 'current' "without -i or --each, no database is read"

# ---- misuse ---------------------------------------------------------------
rt check --each 'tenants/*.db' --db sqlite:///app.db
expect_rc 2 "--each with --db is a usage error"
rt history --jobs 2
expect_rc 2 "--jobs without a fleet is a usage error"
rt check --each 'nothing/*.db'
expect_rc 2 "a glob that matches nothing"
finish
