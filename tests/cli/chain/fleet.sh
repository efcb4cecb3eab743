#!/usr/bin/env bash
# A database per tenant (issue 19): 300 tenant files, each with its own
# rows, upgraded with one `retort upgrade --each`. One file is corrupt and
# one is held locked by another process (the sqlite3 shell): both are named
# in the text and the JSON, both stay byte-for-byte as they were, every
# other file reaches head with its rows, and the exit code is the most
# serious of theirs. A rerun does only what is left; once the lock is gone
# it finishes that file. --max-failures 1 starts nothing after the first
# failure and lists the rest as skipped; current and status group the files
# by revision; @FILE takes paths and URLs; the fleet goes back down; the
# config's `databases` key is the default; the misuses are usage errors.
source "$(dirname "$0")/common.bash"

project
rev aaaa00000001 none "pets" "CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL);" \
	"DROP TABLE pet;"
rev bbbb00000002 aaaa00000001 "plans" "ALTER TABLE account ADD COLUMN plan TEXT NOT NULL DEFAULT 'free';
UPDATE account SET plan = 'pro' WHERE id = 1;" "ALTER TABLE account DROP COLUMN plan;"
rev cccc00000003 bbbb00000002 "vets" "CREATE TABLE vet (id INTEGER PRIMARY KEY);" "DROP TABLE vet;"

n=300
mkdir tenants
# one sqlite3 process makes all 300 tenants, each with its own rows
for ((i = 1; i <= n; i++)); do
	printf -v t 't-%03d' "$i"
	echo "ATTACH 'tenants/$t.db' AS t; CREATE TABLE t.account (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO t.account (name) VALUES ('$t'), ('$t-second'); DETACH t;"
done | sqlite3 -bail :memory: || fail "cannot make the tenants"
printf 'this is not a SQLite database\n%.0s' {1..20} > tenants/t-150.db
cp tenants/t-150.db "$work/corrupt.before"
cp tenants/t-200.db "$work/locked.before"

# version_count SQL_WHERE: how many tenants answer the version query so
version_of_file() { sqlite3 -bail "$1" "SELECT coalesce(group_concat(revision, ','), 'base') FROM
	(SELECT revision FROM retort_version ORDER BY revision)" 2>/dev/null || echo base; }
# at_head_with_rows FROM TO: tenants FROM..TO (not 150, 200) are at head
# with their own rows, the one the revision changed and the other
at_head_with_rows() {
	local i t got
	for ((i = $1; i <= $2; i++)); do
		printf -v t 't-%03d' "$i"
		((i == 150 || i == 200)) && continue
		got=$(sqlite3 -bail "tenants/$t.db" "SELECT group_concat(name || ':' || plan, ' ')
			FROM account; SELECT group_concat(revision) FROM retort_version;
			SELECT count(*) FROM sqlite_schema WHERE name IN ('pet', 'vet');")
		[[ $got == "$t:pro $t-second:free"$'\n'"cccc00000003"$'\n'"2" ]] ||
			fail "tenant $t after the fleet upgrade: '$got'"
	done
	ok "tenants $1..$2 are at head with their rows"
}
unchanged() {
	cmp -s tenants/t-150.db "$work/corrupt.before" || fail "the corrupt tenant changed"
	cmp -s tenants/t-200.db "$work/locked.before" || fail "the locked tenant changed"
	ok "the corrupt and the locked tenant are byte-for-byte as they were${1:+ ($1)}"
}

# ---- the upgrade: a corrupt file, a locked one, 298 that succeed ---------
hold_until "$work/release" "BEGIN IMMEDIATE; INSERT INTO account (name) VALUES ('held');" tenants/t-200.db
rt upgrade --each 'tenants/*.db' --jobs 4 --busy-timeout 300
expect_rc 2 "the corrupt file's code (2) outranks the locked one's (4)"
expect_err '^tenants/t-150\.db: failed \(exit 2\): .*not a SQLite database' "the corrupt file is named"
expect_err '^tenants/t-200\.db: failed \(exit 4\): .*locked' "the locked file is named"
expect_err '^tenants/t-001\.db: base -> cccc00000003 \([0-9]+ ms\)$' "a line per file: from -> to (time)"
expect_err 'upgrade of 300 databases: 298 succeeded \(298 changed, 0 already at the target\), 2 failed, 0 skipped' \
	"the summary"
[[ $(grep -c '^tenants/t-[0-9]*\.db: ' "$work/err") == 300 ]] || fail "not one line per file: $(shown)"
grep '^tenants/' "$work/err" | sort -c || fail "the lines are not in path order: $(shown)"
ok "one line per file, in path order"
kill -0 "$holder" 2>/dev/null || fail "the lock holder was gone before the run ended: the test proves nothing"
unchanged "after the run"
at_head_with_rows 1 "$n"

# ---- a rerun does only what is left, told as JSON ------------------------
rt upgrade --each 'tenants/*.db' --busy-timeout 300 --json
expect_rc 2
expect_json "json_extract(j, '\$.summary.at_target') || ' ' || json_extract(j, '\$.summary.changed') || ' ' ||
	json_extract(j, '\$.summary.failed') || ' ' || json_extract(j, '\$.summary.exit_code')" "298 0 2 2" \
	"the rerun finds 298 at head and changes nothing"
expect_json "json_array_length(j, '\$.databases')" 300 "a row per file"
expect_json "(SELECT group_concat(json_extract(value, '\$.database') || '=' || json_extract(value, '\$.exit_code')
	|| '/' || json_extract(value, '\$.error.code'), ' ') FROM json_each(j, '\$.databases')
	WHERE json_extract(value, '\$.status') = 'failed')" "tenants/t-150.db=2/invalid tenants/t-200.db=4/locked" \
	"the JSON names both failures, with their exit codes and errors"
expect_json "(SELECT json_extract(value, '\$.before') || json_extract(value, '\$.after') FROM json_each(j, '\$.databases')
	WHERE json_extract(value, '\$.database') = 'tenants/t-200.db')" '[][]' \
	"the locked file was at base before and after"
unchanged "after the rerun"

# ---- the lock released: a rerun finishes that one -------------------------
touch "$work/release"
wait "$holder" || fail "the lock holder failed"
cp tenants/t-200.db "$work/locked.before"
rt upgrade --each 'tenants/*.db'
expect_rc 2 "the corrupt file still fails"
expect_err '^tenants/t-200\.db: base -> cccc00000003 ' "the released file is upgraded"
expect_err '299 succeeded \(1 changed, 298 already at the target\), 1 failed' "and only it"
got=$(sqlite3 tenants/t-200.db "SELECT group_concat(name || ':' || plan, ' ') FROM account")
[[ $got == "t-200:pro t-200-second:free held:free" ]] || fail "t-200 after its upgrade: $got"
ok "t-200 at head with its rows (and the holder's)"

# ---- @FILE: paths and URLs, a run where all succeed -----------------------
cat > "$work/list" <<EOF
# some tenants, as paths and as the app's URLs
tenants/t-001.db

sqlite:///tenants/t-002.db
sqlite+aiosqlite:///./tenants/t-003.db
  sqlite:///$work/project/tenants/t-004.db
EOF
run_ok downgrade aaaa00000001 --each "@$work/list" --jobs 2
expect_err 'downgrade of 4 databases: 4 succeeded \(4 changed' "@FILE: four databases"
for t in 001 002 003 004; do
	[[ $(version_of_file "tenants/t-$t.db") == aaaa00000001 ]] || fail "t-$t is not at aaaa00000001"
done
ok "@FILE with paths and URLs: each file moved"

# ---- current and status group the files by revision ------------------------
run_rc 2 current --each 'tenants/*.db'
expect_out '^cccc00000003 \(head\): 295 databases$' "current --each: the head group"
expect_out '^aaaa00000001: 4 databases$' "current --each: the group behind"
expect_out '^  tenants/t-003\.db$' "the files behind are listed"
expect_no_out '^  tenants/t-010\.db$' "the files at head are not (without -v)"
expect_out '^failed: 1 database$' "the failed group"
rt status --each 'tenants/*.db' --json
expect_rc 2 "status --each: a failure outranks the files behind (1)"
expect_json "(SELECT group_concat(json_extract(value, '\$.count') || ':' || json_extract(value, '\$.head') || ':' ||
	coalesce(json_extract(value, '\$.pending'), '-'), ' ') FROM json_each(j, '\$.groups'))" "295:1:0 4:0:2 1:0:-" \
	"status --each --json: groups with their pending revisions"
rt status --each "@$work/list"
expect_rc 1 "status --each: files behind exit 1"
expect_out '^aaaa00000001: 4 databases, 2 revisions pending$'

# ---- --max-failures 1: nothing starts after the first failure ---------------
rt downgrade base --each 'tenants/*.db' --jobs 1 --max-failures 1
expect_rc 2
expect_err '^tenants/t-150\.db: failed \(exit 2\)' "the failure"
expect_err '^tenants/t-151\.db: skipped \(--max-failures 1 reached\)' "a file after it is listed as skipped"
expect_err '^tenants/t-300\.db: skipped' "the last one too"
expect_err 'downgrade of 300 databases: 149 succeeded \(149 changed, 0 already at the target\), 1 failed, 150 skipped'
[[ $(version_of_file tenants/t-149.db) == base && $(version_of_file tenants/t-151.db) == cccc00000003 ]] ||
	fail "--max-failures 1: t-149 is at $(version_of_file tenants/t-149.db), t-151 at $(version_of_file tenants/t-151.db)"
ok "before the failure: downgraded; after it: untouched"

# ---- downgrade across the fleet -------------------------------------------
rt downgrade base --each 'tenants/*.db' --json
expect_rc 2
expect_json "json_extract(j, '\$.summary.changed') || ' ' || json_extract(j, '\$.summary.at_target')" "150 149"
for ((i = 1; i <= n; i++)); do
	printf -v t 't-%03d' "$i"
	((i == 150)) && continue
	got=$(sqlite3 -bail "tenants/$t.db" "SELECT group_concat(name, ' ') FROM account WHERE name LIKE 't-%';
		SELECT count(*) FROM retort_version; SELECT count(*) FROM pragma_table_info('account');")
	[[ $got == "$t $t-second"$'\n'"0"$'\n'"2" ]] || fail "tenant $t after the fleet downgrade: '$got'"
done
ok "every tenant back at base with its rows"
cmp -s tenants/t-150.db "$work/corrupt.before" || fail "the corrupt tenant changed"

# ---- in git: every file's history names the revision files' commit ---------
git init -q . && git add revisions && git -c user.name=T -c user.email=t@example.com commit -qm revisions ||
	fail "cannot make a git repository"
run_ok upgrade --each "@$work/list"
got=$(for t in 001 002 003 004; do sqlite3 "tenants/t-$t.db" "SELECT DISTINCT git_commit FROM retort_history
	WHERE direction = 'upgrade' AND started >= (SELECT max(started) FROM retort_history WHERE direction = 'downgrade')"; done | sort -u)
[[ $got == "$(git rev-parse HEAD)" ]] || fail "the fleet's history rows name commit '$got', not $(git rev-parse HEAD)"
ok "the git commit, looked up once for the fleet, is in every file's history"

# ---- a statement that fails on one tenant: that file stays as it was -------
sqlite3 tenants/t-010.db "ALTER TABLE account ADD COLUMN plan TEXT" || fail "cannot change t-010"
cp tenants/t-010.db "$work/t-010.before"
printf 'tenants/t-009.db\ntenants/t-010.db\ntenants/t-011.db\n' > "$work/list2"
rt upgrade --each "@$work/list2" --json
expect_rc 3 "a failing statement is exit 3"
expect_json "(SELECT json_extract(value, '\$.exit_code') || ' ' || json_extract(value, '\$.error.code') || ' ' ||
	(json_extract(value, '\$.error.message') LIKE '%duplicate column%') FROM json_each(j, '\$.databases')
	WHERE json_extract(value, '\$.database') = 'tenants/t-010.db')" "3 database 1" "the failing tenant's row"
cmp -s tenants/t-010.db "$work/t-010.before" ||
	fail "t-010 changed although its upgrade failed (the revisions before the failing one must roll back too)"
ok "the failing tenant is byte-for-byte as it was: not even the revision before the failing one stayed"
[[ $(version_of_file tenants/t-009.db) == cccc00000003 && $(version_of_file tenants/t-011.db) == cccc00000003 ]] ||
	fail "the tenants beside the failing one are not at head"
ok "the tenants beside it are at head"
sqlite3 tenants/t-010.db "ALTER TABLE account DROP COLUMN plan" || fail "cannot put t-010 back"
run_ok downgrade base --each "@$work/list2"

# ---- the config's `databases` key ------------------------------------------
rm tenants/t-150.db
run_ok downgrade base --each "@$work/list"
cat > retort.yaml <<'EOF'
databases: tenants/*.db
models: models/
revisions: revisions/
EOF
run_ok upgrade --jobs 3
expect_err 'upgrade of 299 databases: 299 succeeded \(299 changed' "databases: in retort.yaml is the default"
run_ok current
expect_out '^cccc00000003 \(head\): 299 databases$'
# SIGTERM part way: the database running rolls back, the rest are skipped
env -u DATABASE_URL -u RETORT_DATABASE_URL NO_COLOR=1 "$bin" downgrade base --jobs 1 > "$work/out" 2> "$work/err" &
pid=$!
sleep 0.2
kill -TERM "$pid"
wait "$pid"
rc=$? last_cmd="retort downgrade base --jobs 1 (SIGTERM after 0.2 s)"
expect_rc 143 "a fleet run stopped by SIGTERM"
expect_err ': skipped \(interrupted\): not touched$' "the databases not started are listed as skipped"
for f in tenants/*.db; do
	got=$(sqlite3 "$f" "SELECT coalesce((SELECT group_concat(revision) FROM retort_version), '') || ' ' ||
		(SELECT count(*) FROM sqlite_schema WHERE name IN ('pet', 'vet'))")
	[[ $got == "cccc00000003 2" || $got == " 0" ]] || fail "$f is half-way after SIGTERM: '$got'"
	[[ ! -e $f-journal ]] || fail "a journal was left beside $f"
done
ok "after SIGTERM each file is at head or at base, whole"
run_ok upgrade
# a project in a folder: its glob is read from the config's folder
mkdir "$work/elsewhere"
(cd "$work/elsewhere" && rt -c "$work/project/retort.yaml" status)
expect_rc 0 "status of the fleet from another folder"
rt --db tenants/t-001.db current
expect_rc 0 "--db names one database over the config's fleet"
expect_out '^cccc00000003' "the one database's revision"

sqlite3 tenants/t-001.db "UPDATE retort_version SET revision = 'ffff00000009'" || fail "cannot change t-001"
run_rc 2 current
expect_out '^ffff00000009: 1 database, at a revision the folder does not have$' \
	"a database at a revision the folder lacks is its own group, exit 2 as for one database"

# ---- misuse -----------------------------------------------------------------
rt upgrade --each 'tenants/*.db' --db tenants/t-001.db --json
expect_rc 2 "--each with --db"
expect_json "json_extract(j, '\$.error.code')" usage "--each with --db is a usage error"
printf 'database: sqlite:///app.db\nmodels: models/\nrevisions: revisions/\n' > retort.yaml
rt upgrade --jobs 2
expect_rc 2 "--jobs without a fleet"
expect_err 'usage|--jobs works on a fleet'
run_rc 2 upgrade --each 'nothing/*.db'
expect_err "no database matches 'nothing/\*\.db'"
run_rc 2 upgrade --each 'tenants/*.db' --jobs 0
run_rc 2 upgrade --each 'tenants/*.db' --sql
printf 'database: sqlite:///app.db\ndatabases: tenants/*.db\nmodels: models/\nrevisions: revisions/\n' > retort.yaml
run_rc 2 current
expect_err "retort.yaml:2:[0-9]+: error: databases: the config also has 'database'"

finish
