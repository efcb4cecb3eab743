#!/usr/bin/env bash
# SIGKILL inside in-place revisions (issue 20). Over a table of many rows
# (its color column added by ADD COLUMN after them, so the rows store no
# color), autogenerate writes three in-place revisions: r2 drops a CHECK and
# a NOT NULL, r3 adds a CHECK, the NOT NULL back and a foreign key (each
# first looked for among the rows: a read of every row), r4 changes color's
# default (the old rows get the old default stored first: a write). `upgrade
# head`, then `downgrade base`, are killed at every line of their --echo
# output (each statement: writable_schema, the edit of sqlite_schema, the
# cookie bump, the guards; the engine's BEGIN, version update, history row
# and COMMIT) and at fixed delays. Each time the database must be exactly at
# a revision boundary (schema, every row and the history those of the
# reference run, integrity_check ok, the old rows' color kept), and a plain
# rerun must then finish the job.
# fewer rows than kill_upgrade.sh: every kill is followed by a rerun over
# them, and the in-place revisions have more statements to kill at
RETORT_KILL_ROWS=${RETORT_KILL_ROWS:-30000}
here=$(realpath "$(dirname "$0")")
source "$here/kill.bash"
source "$here/inplace.bash"

project
r1=aaaa00000001
rev $r1 none "items" "CREATE TABLE owner (id INTEGER PRIMARY KEY, name TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) INSERT INTO owner SELECT i, 'owner ' || i FROM n;
CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL CHECK (qty >= 0), note TEXT, owner_id INTEGER);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows) INSERT INTO item SELECT i, 'item ' || i, i % 100, CASE WHEN i % 7 = 0 THEN NULL ELSE 'n' || i END, 1 + i % 10 FROM n;
ALTER TABLE item ADD COLUMN color TEXT DEFAULT 'black';
CREATE INDEX ix_item_name ON item (name);
CREATE INDEX ix_item_color ON item (color);
" \
	"DROP TABLE item;
DROP TABLE owner;"

# models STEP: the models at r1 (1) .. r4 (4)
models() {
	local name=', nullable: false' qty=', nullable: false, check: "qty >= 0"' owner='' color=black
	case $1 in
	2) name='' qty=', nullable: false' ;;
	3 | 4) qty=', nullable: false, check: "qty < 1000"' owner=', references: owner.id' ;;
	esac
	(($1 == 4)) && color=red
	cat > models/items.yaml <<-YAML
	tables:
	  owner:
	    columns:
	      id: {type: INTEGER, primary_key: true}
	      name: {type: TEXT}
	  item:
	    columns:
	      id: {type: INTEGER, primary_key: true}
	      name: {type: TEXT$name}
	      qty: {type: INTEGER$qty}
	      note: {type: TEXT}
	      owner_id: {type: INTEGER$owner}
	      color: {type: TEXT, default: $color}
	    indexes:
	      ix_item_name: {columns: [name]}
	      ix_item_color: {columns: [color]}
	YAML
}
models 1
run_rc 0 diff --from head --to models
ok "test bug check: the models are r1's schema"
for step in 2 3 4; do
	models $step
	run_ok revision -m "step $step" --autogenerate --offline
	f=$(head -n 1 "$work/out")
	expect_in_place "$f" upgrade "r$step's upgrade is in place"
	expect_in_place "$f" downgrade "r$step's downgrade is in place"
	printf -v "r$step" '%s' "$(sed -n 's/^-- retort revision: //p' "$f")"
done

# the color of the rows written before ADD COLUMN, in every state
old_colors() {
	expect_q "SELECT count(*) FROM item WHERE color = 'black'" "$rows" "" "the old rows keep color black"
}

# the statements that run long enough for a kill to land inside them: the
# guards and the old defaults stored, at the boundary before their revision
long_statement_boundary() {
	case $1 in
	*'WITH RECURSIVE'*) [[ $phase == up ]] && echo base ;;
	*'INSERT INTO retort_inplace_guard'*) echo "$r2" ;;
	*'UPDATE "item" SET'*) [[ $phase == up ]] && echo "$r3" || echo "$r4" ;;
	esac
}

# up: the reference run, one revision at a time, from an empty database file
phase=up
order=(base "$r1" "$r2" "$r3" "$r4")
sqlite3 app.db "VACUUM"
record_boundary
for r in "${order[@]:1}"; do
	run_ok upgrade "$r"
	expect_version "$r"
	expect_integrity
	old_colors
	record_boundary
done
kill_everywhere "$r4" upgrade head
((long_checked >= 2)) || fail "only $long_checked kills landed inside a long statement"
ok "up: $long_checked kills landed inside a long statement, at the boundary before it"
old_colors

# down: the same from head (the in-place downgrades write other definitions
# than r1's hand-written SQL, so the boundaries are recorded anew)
phase=down long_checked=0
fresh "$work/ref/$r4.db"
rm -f "$work"/ref/*
order=("$r4" "$r3" "$r2" "$r1" base)
record_boundary
for r in "${order[@]:1}"; do
	run_ok downgrade "$r"
	record_boundary
done
expect_version ""
kill_everywhere base downgrade base
((long_checked >= 1)) || fail "only $long_checked kills landed inside a long statement"
ok "down: $long_checked kills landed inside a long statement, at the boundary before it"
finish
