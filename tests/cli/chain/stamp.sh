#!/usr/bin/env bash
# stamp TARGET: the version table becomes exactly TARGET's revisions and
# nothing runs; one history row per revision, direction 'stamp', with the
# SHA-256 of its upgrade section (a row with no revision for base). A
# database built by hand adopts the chain with stamp and then upgrades from
# there. Also: stamp heads on a branched chain, stamp down, stamp base, and
# the refusals (ambiguous head, unknown id, missing target).
source "$(dirname "$0")/common.bash"

project
a=aaaa00000001 b=bbbb00000002 c=cccc00000003 d=dddd00000004
rev $a none "pets" "CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO pet (name) VALUES ('from revision a');" "DROP TABLE pet;"
rev $b $a "kind" "ALTER TABLE pet ADD COLUMN kind TEXT;" "ALTER TABLE pet DROP COLUMN kind;"
rev $c $b "vets" "CREATE TABLE vet (id INTEGER PRIMARY KEY);
INSERT INTO vet VALUES (1);" "DROP TABLE vet;"
rev $d $b "toys" "CREATE TABLE toy (id INTEGER PRIMARY KEY);" "DROP TABLE toy;"

# a database made by hand at b's schema
sqlite3 app.db "CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT, kind TEXT); INSERT INTO pet (name, kind) VALUES ('by hand', 'cat');"
run_ok stamp $b
expect_version $b
expect_q "SELECT group_concat(name) FROM pet" "by hand" "" "nothing ran: a's row is not there"
expect_q "SELECT revision || ' ' || direction || ' ' || sha256 FROM retort_history" "$b stamp $(section_sha "$(rev_file $b)" upgrade)" "" \
	"one stamp row with b's upgrade SHA-256"
expect_q "SELECT count(*) FROM retort_history WHERE started LIKE '____-__-__T__:__:__.___Z' AND finished LIKE '____-__-__T__:__:__.___Z' AND duration_ms >= 0 AND retort_version <> ''" 1 "" \
	"UTC times with milliseconds"

# from there, upgrade runs only what comes after b
run_ok upgrade $c
expect_version $c
expect_q "SELECT count(*) FROM vet" 1
expect_q "SELECT group_concat(name) FROM pet" "by hand"

# stamp heads: both heads of the branch, one row each
run_ok stamp heads
expect_version "$c $d"
expect_q "SELECT group_concat(revision, ' ') FROM (SELECT revision FROM retort_history WHERE direction = 'stamp' AND id > (SELECT max(id) FROM retort_history WHERE direction = 'upgrade') ORDER BY revision)" "$c $d" "" \
	"one stamp row per head"
has_table toy && fail "stamp heads ran d's upgrade"
ok

# stamp down: no downgrade runs
run_ok stamp $a
expect_version $a
has_table vet || fail "stamp $a ran c's downgrade"
ok

# stamp base
run_ok stamp base
expect_version ""
expect_q "SELECT coalesce(revision, 'NULL') || ' ' || direction FROM retort_history ORDER BY id DESC LIMIT 1" "NULL stamp"
has_table pet || fail "stamp base ran a downgrade"
ok

# refusals
refused 2 stamp head
expect_err "$c" "lists the heads"
expect_err "$d" "lists the heads"
refused 2 stamp 0123456789ab
refused 2 stamp
expect_version ""
finish
