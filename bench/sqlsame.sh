#!/usr/bin/env bash
# What judging SQL text as SQLite sees it costs `retort diff` (issue 14):
# a schema of N tables (default 500), each with CHECKs, DEFAULTs, a generated
# column, an index on an expression with a WHERE, and every fifth with a view
# and a trigger, diffed against
#   same.sql     the same schema, spelled the same (the token fast path);
#   respelled.sql the same schema spelled another way: parentheses, == and
#                !=, quoting, numbers, CHECKs on the table, no FOR EACH ROW
#                (every CHECK, index, view and trigger asks SQLite).
# Prints hyperfine's medians; respelled.sql must diff to nothing (exit 0).
# Usage: bench/sqlsame.sh [N]   (RETORT=path/to/retort to time another
#                                binary; BASE=path/to/retort to time a second
#                                one in the same runs, e.g. one built from main)
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/common.sh
source bench/common.sh
bench_need hyperfine:hyperfine sqlite3:sqlite3

n=${1:-500}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

awk -v n="$n" -v dir="$work" '
BEGIN {
	a = dir "/a.sql"; s = dir "/same.sql"; b = dir "/respelled.sql"
	for (i = 1; i <= n; i++) {
		t = "item_" i
		x = "CREATE TABLE " t " (\n  id INTEGER PRIMARY KEY,\n" \
			"  name TEXT NOT NULL DEFAULT '\''unnamed'\'' CHECK (length(trim(name)) > 0),\n" \
			"  qty INTEGER NOT NULL DEFAULT 0 CHECK (qty >= 0 AND qty <> 13),\n" \
			"  price REAL DEFAULT 1.5,\n  flags INTEGER DEFAULT 16,\n" \
			"  total REAL GENERATED ALWAYS AS (qty * price + 1) VIRTUAL,\n" \
			"  CONSTRAINT cheap_" i " CHECK (price < 1e3 OR name = '\''gold'\'')\n);\n" \
			"CREATE INDEX ix_" t " ON " t " (lower(name), qty + 1) WHERE qty <> 0;\n"
		y = "create table \"" t "\" (\n  [id] integer primary key,\n" \
			"  `name` text not null default ('\''unnamed'\''),\n" \
			"  \"qty\" integer not null default (0),\n" \
			"  price real default 1.50,\n  flags integer default 0x10,\n" \
			"  total real generated always as ((qty * price) + 1) virtual,\n" \
			"  check ((length(trim(\"name\")) > 0)),\n  check (((qty >= 0) and (qty != 13))),\n" \
			"  constraint \"cheap_" i "\" check ((price < 1000.0) or (name == '\''gold'\''))\n);\n" \
			"create index \"ix_" t "\" on " t " (LOWER(\"name\"), (qty + 1)) where (qty != 0);\n"
		if (i % 5 == 0) {
			x = x "CREATE VIEW stock_" i " AS SELECT name, qty FROM " t \
				" WHERE qty > 0 AND (price < 10 OR flags = 16);\n" \
				"CREATE TRIGGER log_" i " AFTER UPDATE OF qty, price ON " t \
				" FOR EACH ROW WHEN NEW.qty <> OLD.qty BEGIN UPDATE " t \
				" SET flags = NEW.flags + 1 WHERE id = NEW.id; END;\n"
			y = y "create view [stock_" i "] as select \"name\", qty from " t \
				" where (qty > 0) and (price < 10 or flags == 0x10);\n" \
				"create trigger \"log_" i "\" after update of price, \"qty\" on " t \
				" when (new.\"qty\" != old.qty) begin update " t \
				" set flags = (new.flags + 1) where id = NEW.\"id\"; end;\n"
		}
		printf "%s", x > a; printf "%s", x > s; printf "%s", y > b
	}
}'
sqlite3 -bail "$work/a.db" <"$work/a.sql"

rc=0
"$retort" -q diff --from "db:$work/a.db" --to "sql:$work/respelled.sql" >/dev/null || rc=$?
[[ $rc -eq 0 ]] || echo "sqlsame.sh: warning: $retort finds a difference in respelled.sql (exit $rc)" >&2

cmds=()
for bin in "$retort" ${BASE:+"$(realpath "$BASE")"}; do
	for to in same respelled; do
		cmds+=(-n "$(basename "$(dirname "$(dirname "$bin")")") $to" \
			"$bin -q diff --from db:$work/a.db --to sql:$work/$to.sql")
	done
done
hyperfine -N -i --warmup 1 --min-runs 5 --export-csv "$work/times.csv" "${cmds[@]}" >&2
# the CPU time too: on a shared machine the wall time says more about the
# neighbours than about retort
echo "N=$n tables: median wall, mean CPU (user+sys) seconds; load $(cut -d' ' -f1-3 /proc/loadavg)"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{ printf "  %-30s %7.3f %7.3f\n", $col["command"], $col["median"], $col["user"] + $col["system"] }' \
	"$work/times.csv"
