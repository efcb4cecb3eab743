#!/usr/bin/env bash
# The pet app's chain on a real 3-node dqlite cluster, through
# --db dqlite://HOST:PORT[,...]/app, every command that reads or changes a
# database: --sql (prints the script, changes nothing), upgrade through one
# node and read back through another (retort and the dqlite shell), current,
# history (the history table, history -i), status (pending, at head, an
# applied file edited, drift), check, inspect, diff --from db, revision
# --autogenerate against the live cluster, stamp, downgrade, --json; the URL
# also from retort.yaml and DATABASE_URL. Where a command's answer does not
# depend on where the database lives, it must be the one the same command
# gives on a local SQLite file taken through the same chain.
CLUSTER_BASE=19200
source "$(dirname "$0")/dqlite.bash"

project
cp "$RETORT_SOURCE_DIR"/models/*.yaml models/
cp "$RETORT_SOURCE_DIR"/revisions/*.sql revisions/
r1=815b67093b86 r2=fdc24948574a
url1=$(url_of "${node_addr[1]}")
url3=$(url_of "${node_addr[3]}")

# local_schema: the sqlite_master rows of the local twin app.db, as dq_schema
local_schema() {
	q "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master
		WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name NOT LIKE 'retort\_%' ESCAPE '\' ORDER BY type, name"
}

# same_out WHAT ARGS...: `retort ARGS` prints on the cluster what it prints
# on the local twin app.db, with the same exit code
same_out() {
	local what=$1 want_rc
	shift
	rt "$@"
	want_rc=$rc
	cp "$work/out" "$work/local.out"
	rd "$@"
	[[ $rc == "$want_rc" ]] || fail "$what: $last_cmd exited $rc, on a local file $want_rc
$(shown)"
	cmp -s "$work/out" "$work/local.out" || fail "$what: $last_cmd printed
$(cat "$work/out")
but on a local file
$(cat "$work/local.out")"
	ok "$what"
}

# 1. nothing applied yet: status lists both pending revisions, exit 1
rd_rc 1 status
expect_said "$r1" "status lists $r1 as pending"
expect_said "$r2" "status lists $r2 as pending"
rd_ok current
expect_out_empty "current at base prints nothing"

# 2. --sql prints the script and changes nothing on the cluster
rd_ok upgrade head --sql
expect_out 'CREATE TABLE "pet"' "--sql prints the upgrade"
expect_out 'retort_version' "--sql prints the version-table updates"
dq_has pet && fail "upgrade --sql created table pet on the cluster"
dq_has retort_version && fail "upgrade --sql created the version table on the cluster"
ok "upgrade --sql changed nothing"

# 3. upgrade through node 1 only; read back through node 3 only
URL=$url1 rd_ok --json upgrade head
expect_json "(SELECT group_concat(value ->> '\$.id', ' ') FROM json_each(j, '\$.revisions'))" "$r1 $r2" \
	"upgrade --json reports both revisions"
expect_dq_version "$r2" "node 3 sees the version table at $r2" "${node_addr[3]}"
expect_dq "SELECT revision || ' ' || direction FROM retort_history ORDER BY id" "$r1 upgrade
$r2 upgrade" "one history row per revision, read on node 3" "${node_addr[3]}"
URL=$url3 rd_ok current
expect_out "^$r2" "current through node 3 says $r2"
run_ok upgrade head
[[ $(dq_schema "${node_addr[3]}") == "$(local_schema)" ]] ||
	fail "the cluster's schema is not the local file's:
$(diff <(dq_schema "${node_addr[3]}") <(local_schema))"
ok "node 3 holds the schema the chain gives a local file"
dq "INSERT INTO user (id, name) VALUES (1, 'ann'); INSERT INTO pet (id, name, kind, owner_id) VALUES (1, 'rex', 'dog', 1)"
q "INSERT INTO user (id, name) VALUES (1, 'ann'); INSERT INTO pet (id, name, kind, owner_id) VALUES (1, 'rex', 'dog', 1)"

# 4. current, history, status, check, inspect, diff --from db: as on a file
same_out "current" current
same_out "current --json" --json current
same_out "history -i" history -i
same_out "history -i --json" --json history -i
same_out "check" check
same_out "inspect" inspect
same_out "diff --from db (nothing to change)" diff --from db
rd_rc 0 status
expect_said "pending: none" "status at head: nothing pending"
expect_said "drift: none" "status at head: no drift"
rd_ok --json status
expect_json "json_valid(j) AND instr(j, '$r2') > 0" 1 "status --json names $r2"

# 5. an applied revision file edited: status and check say so, as on a file
f2=$(rev_file "$r2")
cp "$f2" "$work/r2.sql"
sed -i 's/^ALTER TABLE "pet" ADD COLUMN "owner_id".*/& -- edited/' "$f2"
same_out "check, an applied file edited" check
expect_rc 1 "check exits 1 on an edited applied file"
rd_rc 1 status
expect_said "$r2" "status names the edited revision"
cp "$work/r2.sql" "$f2"

# 6. drift made by hand on the cluster: status names it; diff --from db shows it
dq "CREATE TABLE extra (a INTEGER)"
rd_rc 1 status
expect_said "extra" "status names the table made by hand"
rd diff --from db
expect_said 'extra' "diff --from db sees the table made by hand"
dq "DROP TABLE extra"
rd_rc 0 status

# 7. revision --autogenerate against the live cluster: the same revision as
# against the local file
cat >> models/pet.yaml <<'EOF'
  vet:
    columns:
      id: {type: INTEGER, primary_key: true}
      pet_id: {type: INTEGER, references: pet.id, on_delete: CASCADE}
      name: {type: TEXT, nullable: false, default: ''}
EOF
same_out "diff --from db (a new table in the models)" diff --from db
mkdir "$work/twin"
cp -r retort.yaml models revisions app.db "$work/twin/"
cd "$work/twin" || fail "no twin"
run_ok revision -m "vets" --autogenerate
cd "$work/project" || fail "no project"
rd_ok revision -m "vets" --autogenerate
new=$(ls revisions/ | grep -v -e "^$r1" -e "^$r2")
[[ $(wc -l <<< "$new") == 1 && -n $new ]] || fail "revision --autogenerate wrote '$new', expected one new file"
r3=${new%%_*}
twin=$(cd "$work/twin/revisions" && ls | grep -v -e "^$r1" -e "^$r2")
for s in upgrade downgrade; do
	[[ $(section_sha "revisions/$new" $s) == $(section_sha "$work/twin/revisions/$twin" $s) ]] ||
		fail "the $s section autogenerated against the cluster differs from the local one:
$(diff "revisions/$new" "$work/twin/revisions/$twin")"
done
ok "autogenerate against the cluster writes the revision a local file gets"
grep -q 'CREATE TABLE "vet"' "revisions/$new" || fail "the autogenerated revision does not create vet: $(cat "revisions/$new")"
rd_ok upgrade head
expect_dq_version "$r3" "at the autogenerated revision"
dq_has vet || fail "no table vet after upgrade head"
rd_ok check
rd_rc 0 status
rd_ok revision -m "nothing" --autogenerate
expect_said "nothing to change" "autogenerate at the models says there is nothing to change"
ls revisions/*nothing* > /dev/null 2>&1 && fail "an empty autogenerate wrote a file"
ok "nothing to change: no file"

# 8. downgrade --sql changes nothing; downgrade runs; stamp writes the
# version only
rd_ok downgrade "$r2" --sql
expect_out 'DROP TABLE "vet"'
expect_dq_version "$r3" "downgrade --sql left the version"
dq_has vet || fail "downgrade --sql dropped vet"
rd_ok downgrade "$r2"
expect_dq_version "$r2"
dq_has vet && fail "downgrade did not drop vet"
expect_dq "SELECT name FROM pet" rex "the pet is still there"
rd_ok stamp "$r3"
expect_dq_version "$r3" "stamp moved the version"
dq_has vet && fail "stamp ran the upgrade"
expect_dq "SELECT direction FROM retort_history ORDER BY id DESC LIMIT 1" stamp "stamp wrote a history row"
rd_ok stamp "$r2"
expect_dq_integrity

# 9. the URL from retort.yaml and from DATABASE_URL
sed "s|^database: .*|database: $url3|" retort.yaml > dq.yaml
rt -c dq.yaml current
expect_rc 0 "current with the URL in retort.yaml"
expect_out "^$r2"
env -u RETORT_DATABASE_URL DATABASE_URL=$url1 timeout 60 "$bin" current > "$work/out" 2> "$work/err"
# retort.yaml names app.db, and DATABASE_URL comes before the config
grep -q "^$r2" "$work/out" || fail "current with DATABASE_URL=$url1 printed: $(cat "$work/out" "$work/err")"
ok "current with the URL in DATABASE_URL"
finish
