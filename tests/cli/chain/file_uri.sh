#!/usr/bin/env bash
# Database names are file names, never SQLite URIs (SQLite built with
# SQLITE_USE_URI, as Debian's is, reads any name starting with "file:" as
# one). A URL written as a URI (file:x.db, SQLAlchemy's
# sqlite:///file:x.db?mode=rwc&uri=true), from --db, the environment or the
# config, is refused with exit 2 by every command, and no file is made. A
# file whose name starts with "file:" is written ./file:x.db, and every
# command (upgrade, current, status, history, inspect, stamp, downgrade,
# diff, --backup) then opens that very file, never x.db.
source "$(dirname "$0")/common.bash"

project
a=aaaa00000001 b=bbbb00000002
rev $a none "pets" "CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT);" "DROP TABLE pet;"
rev $b $a "kind" "ALTER TABLE pet ADD COLUMN kind TEXT;" "ALTER TABLE pet DROP COLUMN kind;"

no_db_files() {
	local f
	for f in app.db x.db file:x.db y.db file:y.db; do
		[[ ! -e $f ]] || fail "$last_cmd made $f"
	done
	ok "${1:-no database file made}"
}

every_command=("upgrade head" "current" "status" "history -r base:current" "inspect" "inspect db"
	"stamp head" "downgrade base" "upgrade head --sql" "check" "diff --from db --to head")

# 1. URIs are refused, wherever the URL comes from
for url in 'file:x.db' 'file:x.db?mode=rwc' 'sqlite:///file:x.db?mode=rwc&uri=true' \
	'sqlite:///file:x.db' 'sqlite+pysqlite:///file:x.db?uri=true'; do
	for cmd in "${every_command[@]}"; do
		# shellcheck disable=SC2086
		rt --db "$url" $cmd
		expect_rc 2 "--db $url $cmd is refused"
		expect_err "database URL '[^']*' is a SQLite URI \(file:\.\.\.\), which retort does not open" \
			"--db $url $cmd says why"
		expect_err "sqlite:///relative.db" "--db $url $cmd names the supported forms"
		no_db_files
	done
done
last_cmd="DATABASE_URL=file:x.db retort current"
DATABASE_URL=file:x.db "$bin" current > "$work/out" 2> "$work/err"
rc=$?
expect_rc 2
expect_err "is a SQLite URI .*\(from \\\$DATABASE_URL\)"
no_db_files
cp retort.yaml "$work/retort.yaml"
sed -i 's|^database:.*|database: file:x.db?mode=rwc|' retort.yaml
for cmd in "${every_command[@]}"; do
	# shellcheck disable=SC2086
	rt $cmd
	expect_rc 2 "database: file:x.db in retort.yaml: $cmd is refused"
	expect_err "^retort.yaml:1:11: error: database: database URL 'file:x.db\?mode=rwc' is a SQLite URI"
	no_db_files
done
cp "$work/retort.yaml" retort.yaml

# 2. a file whose name starts with file: (./file:x.db, sqlite:///./file:x.db)
# is that file for every command
run_ok --db ./file:x.db upgrade $a
[[ -f file:x.db && ! -e x.db ]] || fail "upgrade did not write the file named file:x.db: $(ls)"
ok "upgrade writes file:x.db itself"
expect_version $a ./file:x.db
for url in ./file:x.db sqlite:///./file:x.db; do
	run_ok --db "$url" current
	expect_out "^$a" "current on $url reads the file upgrade wrote"
	rt --db "$url" status
	expect_rc 1 "status on $url: b is pending"
	expect_out "^  $b kind" "status on $url reads the file upgrade wrote"
	run_ok --db "$url" history -r base:current
	expect_out "pets" "history -r base:current on $url reads the file upgrade wrote"
	expect_no_out "kind"
	run_ok --db "$url" inspect
	expect_out "pet:" "inspect on $url reads the file upgrade wrote"
done
run_ok --db sqlite:///./file:x.db upgrade head --backup file:y.db
expect_version $b ./file:x.db
[[ -f file:y.db && ! -e y.db ]] || fail "--backup file:y.db wrote elsewhere: $(ls)"
ok "--backup file:y.db writes the file named file:y.db"
expect_q "SELECT group_concat(name) FROM pragma_table_info('pet')" "id,name" ./file:y.db "the backup is of the database before"
run_ok inspect db:file:x.db
expect_out "kind:" "inspect db:file:x.db reads the file named so"
rt --db ./file:x.db diff --from db --to head
expect_rc 0 "diff from the file upgrade wrote: no difference"
run_ok --db ./file:x.db stamp $a
expect_version $a ./file:x.db "stamp writes the same file"
run_ok --db ./file:x.db stamp $b
run_ok --db ./file:x.db downgrade base
expect_version "" ./file:x.db "downgrade writes the same file"
expect_q "SELECT count(*) FROM sqlite_schema WHERE name = 'pet'" 0 ./file:x.db
[[ ! -e x.db && ! -e y.db ]] || fail "x.db or y.db appeared: $(ls)"
ok "x.db and y.db were never made"

# the config's ./file:x.db, from the project folder and from below it
sed -i 's|^database:.*|database: sqlite:///./file:x.db|' retort.yaml
run_ok upgrade head
expect_version $b ./file:x.db
mkdir -p deeper
cd deeper || fail "no folder"
run_ok current
expect_out "^$b" "from a subfolder, the same file"
cd .. || fail "no folder"
[[ ! -e x.db && ! -e deeper/file:x.db ]] || fail "another file was made: $(ls . deeper)"
ok

finish
