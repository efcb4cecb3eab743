#!/usr/bin/env bash
# The pet app on an event loop (examples/petapp_async.c, issue 18): with a
# long revision pending, the loop's timer keeps ticking while the migration
# runs (several "tick" lines before the pets), progress lines come as they
# happen, then the user and the pet; --cancel-after cancels the migration
# and leaves the database byte for byte as it was.
source "$(dirname "$0")/common.bash"

app=$(dirname "$bin")/../examples/petapp_async
if [[ ! -x $app ]]; then
	# built only where pkg-config finds libuv (scripts/install-deps.sh installs it)
	pkg-config --exists libuv && fail "libuv is there but $app was not built"
	echo "no libuv: petapp_async is not built, nothing to run"
	finish
fi
app=$(cd "$(dirname "$app")" && pwd)/petapp_async

project
cp "$RETORT_SOURCE_DIR"/revisions/*.sql revisions/
head=$(sed -n 's/^-- retort revision: //p' revisions/fdc24948574a_*.sql)
run_ok upgrade "$head"
# a long pending revision: 3,000,000 rows written by one statement (a
# second or two)
rev 5107a4e00001 "$head" "visits" "CREATE TABLE visit (id INTEGER PRIMARY KEY, day INTEGER, note TEXT);
INSERT INTO visit (day, note) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000)
  SELECT i % 365, 'visit ' || i FROM n;" "DROP TABLE visit;"
cp app.db before.db

pet() { # pet ARGS...: run the app here; its output in $work/out, $work/err
	DATABASE_URL=sqlite+aiosqlite:///./app.db RETORT_REVISIONS=revisions "$app" "$@" \
		> "$work/out" 2> "$work/err"
	rc=$?
	last_cmd="petapp_async $*"
	((rc < 128)) || fail "$last_cmd crashed (exit $rc): $(head -c 3000 "$work/err")"
}

# cancelled after 300 ms: a line says so, exit 1, the file as it was
pet --cancel-after 300
expect_rc 1 "a cancelled migration exits 1"
expect_out "^migrating: 5107a4e00001 visits$"
expect_out "^the migration was cancelled: upgrade 5107a4e00001 cancelled and rolled back"
expect_no_out "^user:"
cmp -s app.db before.db || fail "the cancelled migration changed app.db"
[[ ! -e app.db-journal ]] || fail "a journal was left behind"
ok "the database is byte for byte as it was, no journal"
expect_version "$head"

# to the end: ticks while the revision runs, then the pets
pet
expect_rc 0 "the app migrates and adds its pets"
ticks=$(sed -n '/^migrating: 5107a4e00001/,/^migrated: 5107a4e00001/p' "$work/out" | grep -c '^tick ')
((ticks >= 5)) || fail "only $ticks tick lines while the revision ran:
$(cat "$work/out")"
ok "$ticks tick lines while the revision ran"
expect_out "^migrating: 5107a4e00001 line 8: [0-9]+ rows written"
[[ $(grep -n '^user:' "$work/out" | cut -d: -f1) -gt $(grep -n '^tick ' "$work/out" | tail -n 1 | cut -d: -f1) ]] ||
	fail "a tick after the pets: the timer was not stopped
$(cat "$work/out")"
ok "no tick after the migration"
expect_out "^user: id=1 name=chonky$"
expect_out "^pet: id=1 name=phroge kind=frog owner_id=1$"
expect_version 5107a4e00001
expect_q "SELECT count(*) FROM visit" 3000000
finish
