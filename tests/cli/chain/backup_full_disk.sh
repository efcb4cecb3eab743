#!/usr/bin/env bash
# --backup FILE onto a full disk: the copy fails with exit 3 and a message
# naming FILE, and leaves nothing behind (no FILE, no FILE-journal); the
# migration does not run and the database is byte for byte as it was. The
# database is larger than SQLite's page cache, so the copy spills pages to
# FILE before it fails: that is when a journal used to be left.
#
# The full disk is a 1 MB tmpfs when this runs as root and may mount one;
# else the same copy runs under `ulimit -f` (SIGXFSZ ignored), which fails
# the write the same way, so the test never skips.
source "$(dirname "$0")/common.bash"

project
r1=aaaa00000001 r2=bbbb00000002
rev $r1 none "items" "CREATE TABLE item (id INTEGER PRIMARY KEY, note TEXT NOT NULL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40000) INSERT INTO item SELECT i, hex(randomblob(50)) FROM n;" "DROP TABLE item;"
rev $r2 $r1 "more" "CREATE TABLE more (a INTEGER);" "DROP TABLE more;"

run_ok upgrade $r1
size=$(stat -c %s app.db)
((size > 3000000)) || fail "test bug: app.db is $size bytes, not larger than the page cache"
cp app.db "$work/before.db"

full=$work/full
mkdir -p "$full"
if mount -t tmpfs -o size=1m tmpfs "$full" 2>/dev/null; then
	trap 'umount "$full"; cleanup' EXIT
	echo "# the full disk: a 1 MB tmpfs"
	rt upgrade head --backup "$full/b.db"
else
	echo "# the full disk: ulimit -f 1024 (cannot mount a tmpfs here)"
	last_cmd="retort upgrade head --backup $full/b.db (ulimit -f 1024)"
	(
		trap '' XFSZ
		ulimit -f 1024
		env -u DATABASE_URL -u RETORT_DATABASE_URL NO_COLOR=1 "$bin" upgrade head \
			--backup "$full/b.db" > "$work/out" 2> "$work/err"
	)
	rc=$?
fi
expect_rc 3 "the failed backup is a database error"
expect_err "cannot back the database up to '[^']*/full/b\.db'" "the message names the backup file"
left=$(ls -A "$full")
[[ -z $left ]] || fail "the failed backup left files behind: $left"
ok "no backup file and no journal are left"
cmp -s app.db "$work/before.db" || fail "the database changed although the backup failed"
ok "the database is unchanged"
[[ ! -e app.db-journal && ! -e app.db-wal ]] || fail "the database has a journal left"
ok "the database has no journal left"
expect_version $r1 app.db "the migration did not run"
expect_integrity app.db

# the same run with room for the copy works
run_ok upgrade head --backup backup.db
expect_version $r2
expect_version $r1 backup.db "the backup is at the old revision"
expect_integrity backup.db
finish
