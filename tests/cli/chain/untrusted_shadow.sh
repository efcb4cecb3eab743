#!/usr/bin/env bash
# Revisions that write a virtual table's shadow tables (crafted FTS3 shadow
# rows were SQLite's "Magellan" bugs) or sqlite_schema beyond an in-place
# definition edit: `check` and `verify`, which replay the chain of a pull
# request in memory, refuse them at their file and line (exit 2), outside a
# PRAGMA writable_schema window (SQLite's defensive mode) and inside one
# (retort's seal); an in-place step still replays.
source "$(dirname "$0")/common.bash"

# refuse_rev LINE UP WANT WHAT: a chain of a base (an FTS5 table, an R*Tree,
# a plain table) and a revision with upgrade UP (from line 7): check and
# verify exit 2 with WANT at line LINE of its file
refuse_rev() {
	local line=$1
	shift
	rm -rf revisions && mkdir revisions
	rev aaaa00000001 none "base" "CREATE VIRTUAL TABLE docs USING fts5(body);
INSERT INTO docs VALUES ('a b');
CREATE VIRTUAL TABLE geo USING rtree(id, x0, x1);
CREATE TABLE t (a);" "DROP TABLE t; DROP TABLE geo; DROP TABLE docs;"
	rev aaaa00000002 aaaa00000001 "evil" "$1" "SELECT 1;"
	local at
	at="^$(rev_file aaaa00000002):$line:1: error: .*$2"
	refused 2 check
	expect_err "$at" "check: $3"
	refused 2 verify
	expect_err "$at" "verify: $3"
}

project
refuse_rev 7 "INSERT INTO docs_data VALUES (99, x'00');" \
	"table docs_data may not be modified" "an FTS5 shadow table written"
refuse_rev 7 "UPDATE geo_node SET data = x'00';" \
	"table geo_node may not be modified" "an R\\*Tree shadow table written"
refuse_rev 8 "PRAGMA writable_schema = ON;
DELETE FROM docs_idx;
PRAGMA writable_schema = RESET;" \
	"'docs_idx' is a virtual table or may be one's shadow table" \
	"an FTS5 shadow table written while writable_schema is on"
refuse_rev 8 "PRAGMA writable_schema = ON;
UPDATE geo_rowid SET nodeno = 7;
PRAGMA writable_schema = RESET;" \
	"'geo_rowid' is a virtual table or may be one's shadow table" \
	"an R\\*Tree shadow table written while writable_schema is on"
# the window is judged where it closes: at RESET, or at the section's last
# statement when left open
refuse_rev 10 "PRAGMA writable_schema = ON;
INSERT INTO sqlite_schema VALUES ('table', 'evil', 'evil', 0,
  'CREATE VIRTUAL TABLE evil USING fts5(x)');
PRAGMA writable_schema = RESET;" \
	"sqlite_schema changed more than ordinary tables' definitions" \
	"a virtual table slipped into sqlite_schema"
refuse_rev 8 "PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET rootpage = (SELECT rootpage FROM sqlite_schema
  WHERE name = 'docs_data') WHERE name = 't';" \
	"sqlite_schema changed more than ordinary tables' definitions" \
	"a table pointed at a shadow table's b-tree, the window left open"

# what an in-place step writes between writable_schema ON and RESET (a
# definition edited, a view made and dropped; a default's old value kept in
# older rows between two windows) still replays: revision --offline builds
# on it, check and verify pass
rm -rf revisions && mkdir revisions
cat > models/t.yaml <<'YAML'
tables:
  t:
    columns:
      id: {type: INTEGER, primary_key: true}
      qty: {type: INTEGER, check: "qty > 0"}
YAML
run_ok revision -m "t" --autogenerate --offline
sed -i 's/^      qty: .*/&\n      legacy: {type: INTEGER, default: 5}/' models/t.yaml
run_ok revision -m "legacy" --autogenerate --offline
sed -i 's/check: "qty > 0"/check: "qty > 1"/; s/default: 5/default: 6/' models/t.yaml
run_ok revision -m "in place" --autogenerate --offline
rf=$(rev_file "$(ls revisions | grep _in_place | cut -c1-12)")
grep -q '^PRAGMA writable_schema = ON;$' "$rf" || fail "no in-place step: $(cat "$rf")"
ok "the revision changes t in place"
run_ok check
run_ok verify
finish
