#!/usr/bin/env bash
# The leader of a real 3-node dqlite cluster killed with SIGKILL in the
# middle of a long revision: `retort --echo upgrade head` is rebuilding a
# table of 200,000 rows (CREATE, INSERT ... SELECT, DROP, RENAME, CREATE
# INDEX) when the leader dies, as soon as the INSERT ... SELECT has started.
# retort must end (no hang), name the revision that was under way and say
# whether it was applied, and what it says must be what the surviving nodes
# hold: the version table at a revision boundary, the rows of that boundary,
# integrity_check ok. A rerun against the two survivors then reaches head
# with every row, each revision applied once; and a URL that still names the
# dead node works too (it is passed over).
CLUSTER_BASE=19230
source "$(dirname "$0")/dqlite.bash"

rows=${RETORT_KILL_ROWS:-200000}
r1=aaaa00000001 r2=bbbb00000002 r3=cccc00000003
project
rev $r1 none "items" "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL, note TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows) INSERT INTO item (id, name, qty, note) SELECT i, 'item ' || i, i % 100, CASE WHEN i % 7 = 0 THEN NULL ELSE printf('%.*c', i % 40, 'x') END FROM n;" \
	"DROP TABLE item;"
rev $r2 $r1 "rebuild item with a price" "CREATE TABLE _retort_new_item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL CHECK (qty >= 0), note TEXT, price REAL NOT NULL DEFAULT 0);
INSERT INTO _retort_new_item (id, name, qty, note, price) SELECT id, name, qty, note, qty * 0.5 FROM item;
DROP TABLE item;
ALTER TABLE _retort_new_item RENAME TO item;
CREATE INDEX ix_item_name ON item (name);" \
	"DROP INDEX ix_item_name;
CREATE TABLE _retort_new_item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL, note TEXT);
INSERT INTO _retort_new_item (id, name, qty, note) SELECT id, name, qty, note FROM item;
DROP TABLE item;
ALTER TABLE _retort_new_item RENAME TO item;"
rev $r3 $r2 "tags" "CREATE TABLE tag (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES item (id), label TEXT NOT NULL);
INSERT INTO tag (item_id, label) SELECT id, 'even ' || id FROM item WHERE id % 2 = 0;" \
	"DROP TABLE tag;"

# the rows, as at r1 and (with the price) after r2
items_sql="SELECT count(*) || ' ' || sum(id) || ' ' || sum(qty) || ' ' || total(length(name)) || ' ' || count(note) || ' ' || total(length(note)) FROM item"
rd_ok upgrade $r1
expect_dq_version $r1
items=$(dq "$items_sql")
[[ $items == "$rows "* ]] || fail "r1 made these rows: $items"
prices="$rows $(((rows / 100) * 4950 / 2)).0"

# 1. the leader dies while r2's INSERT ... SELECT copies the 200,000 rows
l=$(leader)
[[ -n $l ]] || fail "no leader before the kill"
victim=$(node_of "$l")
env -u DATABASE_URL -u RETORT_DATABASE_URL NO_COLOR=1 timeout -s KILL 120 "$bin" --db "$url" --echo upgrade head \
	> "$work/out" 2> "$work/err" &
pid=$!
for ((k = 0; k < 3000; k++)); do
	grep -q 'INSERT INTO _retort_new_item' "$work/err" && break
	kill -0 "$pid" 2> /dev/null || break
	sleep 0.01
done
grep -q 'INSERT INTO _retort_new_item' "$work/err" || fail "retort never started r2's copy:
$(cat "$work/err")"
kill -0 "$pid" 2> /dev/null || fail "retort had finished before the leader could be killed: $(cat "$work/err")"
node_kill "$victim"
# the statement retort had sent last when the leader died (--echo prints
# each one before running it)
landed=$(grep -v -E '^(upgrade|downgrade|retort:) ' "$work/err" | tail -1 | cut -c1-60)
[[ $landed == 'INSERT INTO _retort_new_item'* ]] ||
	fail "the kill landed after r2's copy, at: $landed"
ok "leader node $victim ($l) killed with SIGKILL while r2 copied the rows"
wait "$pid"
rc=$?
echo "retort said (the end of its stderr):"
tail -3 "$work/err" | cut -c1-300
last_cmd="retort --db $url --echo upgrade head (leader killed mid-rebuild)"
((rc != 137)) || fail "retort did not finish within 120 s of the leader's death: $(tail -c 2000 "$work/err")"
((rc < 128)) || fail "$last_cmd crashed (exit $rc): $(tail -c 2000 "$work/err")"
ok "retort ended (exit $rc) after the leader died"
new=$(wait_leader "$survivors")
ok "the survivors elected $new"

# 2. what retort said is what the survivors hold
at=$(dq_version "$survivors")
case $at in
"$r1" | "$r2" | "$r3") ok "the survivors' version table is at a revision boundary ($at)" ;;
*) fail "after the kill the survivors' version table holds '$at'" ;;
esac
expect_said "$r2" "retort names the revision under way"
if grep -Eiq "$r2.*(not applied|was not|rolled back)|(not applied|rolled back).*$r2" "$work/out" "$work/err"; then
	[[ $at == "$r1" ]] || fail "retort said $r2 was not applied, but the survivors are at $at"
	ok "retort said $r2 was not applied, and it was not"
elif grep -Eiq "$r2.*applied|applied.*$r2" "$work/out" "$work/err"; then
	[[ $at != "$r1" ]] || fail "retort said $r2 was applied, but the survivors are at $r1"
	ok "retort said $r2 was applied, and it was"
else
	fail "retort did not say whether $r2 was applied:
$(shown)"
fi
((rc == 0)) && [[ $at != "$r3" ]] && fail "retort exited 0 but the survivors are at $at, not head"
if [[ $at == "$r1" ]]; then
	expect_dq "$items_sql" "$items" "at r1 the survivors hold r1's rows" "$survivors"
	expect_dq "SELECT count(*) FROM sqlite_master WHERE name = '_retort_new_item'" 0 "no half-made rebuild table" "$survivors"
else
	expect_dq "SELECT count(*) || ' ' || total(price) FROM item" "$prices" "past r2 the survivors hold every row with its price" "$survivors"
fi
expect_dq_integrity "after the kill" "$survivors"

# 3. a rerun against the survivors reaches head with every row
URL=$(url_of "$survivors") rd_ok upgrade head
expect_dq_version $r3 "the rerun reached head" "$survivors"
expect_dq "SELECT count(*) || ' ' || total(price) FROM item" "$prices" "every row, with its price" "$survivors"
expect_dq "$items_sql" "$items" "every row as r1 made it" "$survivors"
expect_dq "SELECT count(*) FROM tag" "$((rows / 2))" "r3's tags" "$survivors"
expect_dq "SELECT revision || ' ' || count(*) FROM retort_history WHERE direction = 'upgrade' GROUP BY revision ORDER BY revision" "$r1 1
$r2 1
$r3 1" "each revision applied once" "$survivors"
expect_dq_integrity "at head" "$survivors"

# 4. the URL that still names the dead node
rd_ok current
expect_out "^$r3" "current through a URL naming the dead node too"
rd_ok status
finish
