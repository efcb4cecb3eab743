#!/usr/bin/env bash
# Rows on a real 3-node dqlite cluster (where foreign keys are on for every
# connection): upgrades that rebuild a table with a CASCADE child (user, whose
# pets go with it on delete; pet, whose toys do) and downgrades that rebuild
# them back or drop a column keep every row of parent and children. A
# failing statement rolls its revision back whole (schema, rows, version
# table, history), with the file:line and SQLite's message, and the
# revisions before it in the same run stay applied; a revision that leaves a
# row without its parent is rolled back too. Each state is also checked
# against the same chain on a local SQLite file.
CLUSTER_BASE=19210
source "$(dirname "$0")/dqlite.bash"

project
r1=815b67093b86 r2=fdc24948574a r3=aaaa00000003 r4=aaaa00000004 r5=aaaa00000005 r6=aaaa00000006
cp "$RETORT_SOURCE_DIR"/revisions/*.sql revisions/
rev_seq=100
rev $r3 $r2 "toys" "CREATE TABLE toy (id INTEGER PRIMARY KEY, pet_id INTEGER NOT NULL REFERENCES pet (id) ON DELETE CASCADE, label TEXT NOT NULL);
CREATE INDEX ix_toy_pet ON toy (pet_id);" "DROP TABLE toy;"
# a rebuild of user, the parent of pet (ON DELETE CASCADE)
rev $r4 $r3 "user email" "CREATE TABLE _retort_new_user (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL CHECK (length(name) > 0), email TEXT NOT NULL DEFAULT '');
INSERT INTO _retort_new_user (id, name, email) SELECT id, name, lower(name) || '@example.com' FROM user;
DROP TABLE user;
ALTER TABLE _retort_new_user RENAME TO user;" \
"CREATE TABLE _retort_new_user (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL);
INSERT INTO _retort_new_user (id, name) SELECT id, name FROM user;
DROP TABLE user;
ALTER TABLE _retort_new_user RENAME TO user;"
# a rebuild of pet: the child of user and the parent of toy (ON DELETE CASCADE)
pet_old='CREATE TABLE _retort_new_pet ("id" INTEGER PRIMARY KEY, "name" VARCHAR NOT NULL, "kind" TEXT NOT NULL DEFAULT '"'cat'"' CHECK (kind IN ('"'cat','dog','frog'"')), "born" DATE DEFAULT CURRENT_DATE, "owner_id" INTEGER REFERENCES "user" ("id") ON DELETE CASCADE'
rev $r5 $r4 "pet names" "$pet_old, CHECK (length(name) > 1));
INSERT INTO _retort_new_pet SELECT * FROM pet;
DROP TABLE pet;
ALTER TABLE _retort_new_pet RENAME TO pet;
CREATE INDEX ix_pet_name ON pet (name);" \
"$pet_old);
INSERT INTO _retort_new_pet SELECT * FROM pet;
DROP TABLE pet;
ALTER TABLE _retort_new_pet RENAME TO pet;
CREATE INDEX ix_pet_name ON pet (name);"

fill="INSERT INTO user (id, name) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) SELECT i, 'user' || i FROM n;
INSERT INTO pet (id, name, kind, born, owner_id) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) SELECT i, 'pet' || i, 'dog', '2020-01-01', 1 + i % 500 FROM n;
INSERT INTO toy (pet_id, label) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) SELECT 1 + i % 2000, 'toy' || i FROM n;"

# rows_sql: a fingerprint of every table's rows that reads the same through
# the dqlite shell and the sqlite3 shell (no NULLs shown)
rows_sql() {
	local s="SELECT (SELECT count(*) || ':' || sum(id) || ':' || total(length(name)) FROM user)
		|| ' ' || (SELECT count(*) || ':' || sum(id) || ':' || total(length(name)) || ':' || total(owner_id) || ':' || count(owner_id) || ':' || count(born) FROM pet)"
	dq_has toy && s+=" || ' ' || (SELECT count(*) || ':' || sum(id) || ':' || sum(pet_id) || ':' || total(length(label)) FROM toy)"
	printf '%s' "$s"
}

# same_as_local WHAT: the cluster and the local twin app.db hold the same
# version, schema and rows
same_as_local() {
	local sql got want
	[[ $(dq_version) == "$(version_of)" ]] || fail "$1: the cluster is at '$(dq_version)', the local file at '$(version_of)'"
	sql=$(rows_sql)
	got=$(dq "$sql")
	want=$(q "$sql")
	[[ $got == "$want" ]] || fail "$1: the cluster's rows are '$got', the local file's '$want' (after $last_cmd)"
	sql="SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name"
	[[ $(dq "$sql") == "$(q "$sql")" ]] || fail "$1: the cluster's schema differs from the local file's:
$(diff <(dq "$sql") <(q "$sql"))"
	ok "$1: same version, schema and rows as on a local file"
}

# both ARGS...: retort ARGS on the local twin, then on the cluster; both exit 0
both() {
	run_ok "$@"
	rd_ok "$@"
}

# 1. up to the toys, with rows: 500 users, 2000 pets, 3000 toys
both upgrade $r3
dq "$fill"
q "$fill"
start=$(dq "$(rows_sql)")
[[ $start == "500:125250:3392.0 2000:2001000:12893.0:501000.0:2000:2000 3000:4501500:2502500:19893.0" ]] ||
	fail "the rows as filled: $start"
same_as_local "filled"

# 2. upgrade head: user rebuilt under its CASCADE child pet, pet rebuilt
# under its CASCADE child toy; every row kept
both upgrade head
expect_dq_version $r5
expect_dq "$(rows_sql)" "$start" "every user, pet and toy kept through both rebuilds"
expect_dq "SELECT count(*) FROM user WHERE email = lower(name) || '@example.com'" 500 "every user has the email the rebuild gave"
expect_dq "SELECT count(*) FROM pragma_table_info('user') WHERE name = 'email'" 1
expect_dq "SELECT count(*) FROM sqlite_master WHERE name LIKE '_retort_new%'" 0 "no rebuild table left"
expect_dq_integrity "after the rebuilds"
same_as_local "at head"

# 3. downgrade through the rebuilds back: every row kept again
both downgrade $r3
expect_dq_version $r3
expect_dq "$(rows_sql)" "$start" "every row kept through the downgrades' rebuilds"
expect_dq_integrity "after the downgrades"
same_as_local "back at $r3"

# 4. downgrade to r1: toy dropped, pet rebuilt without owner_id: the pets stay
both downgrade $r1
expect_dq_version $r1
expect_dq "SELECT count(*) || ' ' || total(length(name)) FROM pet" "2000 12893.0" "every pet kept through the downgrade that drops owner_id"
expect_dq "SELECT count(*) FROM user" 500
expect_dq "SELECT revision || ' ' || direction FROM retort_history ORDER BY id" "$r1 upgrade
$r2 upgrade
$r3 upgrade
$r4 upgrade
$r5 upgrade
$r5 downgrade
$r4 downgrade
$r3 downgrade
$r2 downgrade" "the history table"
same_as_local "back at $r1"

# 5. a statement that fails in the middle of r6, in a run from r4: r5 (a
# rebuild) commits, r6 is rolled back whole; the error names the file, line
# and SQLite's message
both upgrade $r5
refill="UPDATE pet SET owner_id = 1 + id % 500;
INSERT INTO toy (pet_id, label) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) SELECT 1 + i % 2000, 'toy' || i FROM n;"
dq "$refill"
q "$refill"
both downgrade $r4
before=$(dq "$(rows_sql)")
same_as_local "refilled at $r4"
rev $r6 $r5 "audit" "CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);
INSERT INTO audit (what) SELECT name FROM user;
DELETE FROM toy WHERE id % 2 = 0;
UPDATE user SET name = name || '!';
INSERT INTO nosuch (a) VALUES (1);
CREATE TABLE never (a);" "DROP TABLE audit;"
f6=$(rev_file $r6)
line=$(line_of "$f6" "INSERT INTO nosuch")
rd_rc 3 upgrade head
expect_err "$(basename "$f6"):$line(:[0-9]+)?: .*no such table: nosuch" "names $(basename "$f6"):$line and SQLite's message"
expect_dq_version $r5 "r5, applied before r6 in the same run, stays applied"
dq_has audit && fail "the failed revision's table audit is there"
dq_has never && fail "a table after the failing statement is there"
ok "no table of the failed revision"
expect_dq "$(rows_sql)" "$before" "no row of the failed revision's DELETE or UPDATE"
expect_dq "SELECT count(*) FROM user WHERE email = lower(name) || '@example.com'" 500
expect_dq "SELECT count(*) FROM retort_history WHERE revision = '$r6'" 0 "no history row for the failed revision"
expect_dq_integrity
run_rc 3 upgrade head
same_as_local "after the failed revision"

# 6. a revision that orphans toys (pet rebuilt without its first ten rows):
# with foreign keys off or deferred and checked before commit, the check
# fails and names the child table; were the DROP TABLE to cascade, the toys
# would go and the check pass. Rolled back, every row still there.
rm "$f6"
rev $r6 $r5 "orphans" "CREATE TABLE _retort_new_pet AS SELECT * FROM pet WHERE id > 10;
DROP TABLE pet;
ALTER TABLE _retort_new_pet RENAME TO pet;" "SELECT 1;"
run_rc 3 upgrade head
expect_said "toy" "on a local file the foreign-key failure names the child table"
rd_rc 3 upgrade head
expect_said "toy" "the foreign-key failure names the child table"
expect_dq_version $r5
expect_dq "$(rows_sql)" "$before" "the orphaning revision left every row"
expect_dq_integrity "after the orphaning revision"
same_as_local "after the orphaning revision"
finish
