#!/usr/bin/env bash
# Startup time: retort against the sqlite3 shell, in one hyperfine run.
# Writes bench/results/startup-<UTC time>.{md,csv} (and startup-latest.md) and
# prints each command's median with its ratio to `sqlite3 --version`.
# Usage: bench/startup.sh   (RETORT=path/to/retort to time another binary)
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/common.sh
source bench/common.sh
bench_need hyperfine:hyperfine sqlite3:sqlite3

results=bench/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$results"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The pet app's schema as a database file, for the `.schema` and `db:` runs.
sqlite3 "$work/pet.db" <<'SQL'
CREATE TABLE user (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL);
CREATE TABLE pet (
	id INTEGER PRIMARY KEY,
	name VARCHAR NOT NULL,
	kind TEXT NOT NULL DEFAULT 'cat' CHECK (kind IN ('cat','dog','frog')),
	born DATE DEFAULT CURRENT_DATE
);
CREATE INDEX ix_pet_name ON pet (name);
SQL

# -N: no shell in between, so the numbers are the programs' own.
hyperfine -N --warmup 20 --min-runs 200 \
	--export-markdown "$results/startup-$stamp.md" \
	--export-csv "$results/startup-$stamp.csv" \
	-n 'retort --version' "$retort --version" \
	-n 'retort inspect models' "$retort inspect models" \
	-n 'retort inspect db:pet.db' "$retort inspect db:$work/pet.db" \
	-n 'sqlite3 --version' "sqlite3 --version" \
	-n 'sqlite3 pet.db .schema' "sqlite3 $work/pet.db .schema"
cp "$results/startup-$stamp.md" "$results/startup-latest.md"

echo
echo "median times (ratio to sqlite3 --version):"
awk -F, '
	NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{ name[NR] = $col["command"]; med[NR] = $col["median"] * 1000
	  if ($col["command"] == "sqlite3 --version") base = med[NR] }
	END {
		for (i = 2; i <= NR; i++)
			printf "  %-26s %7.2f ms  %5.2fx\n", name[i], med[i], base ? med[i] / base : 0
	}' "$results/startup-$stamp.csv"
echo "results: $results/startup-$stamp.md"
