#!/usr/bin/env bash
# Growth: the paths that were quadratic (issue 12 item 7), each timed at an
# input of size N and 4N, with the sqlite3 shell doing the same work beside
# it. Target: 4x the input costs at most about 4-5x the time; where SQLite
# itself grows faster than that, the shell's ratio is the floor.
#
#  1. split   a revision whose seed INSERT holds N `;` inside string
#             literals (4 per row, about 70 bytes per `;`: 24,000 make 1.6 MB):
#             retort upgrade head --sql (a dry run: read, split and print)
#             vs sqlite3 :memory: '.read up.sql' (split and run)
#  2. inspect a database of N tables (every fifth with a foreign key to the
#             one before, every tenth with an index): retort inspect db:FILE
#             vs sqlite3 FILE .schema
#  3. verify  a chain of N revisions (write_chain, bench/common.sh):
#             retort verify vs sqlite3 :memory: '.read updownup.sql' (each
#             revision's upgrade, downgrade and upgrade again, in chain
#             order); and on the same chain, which replay it once:
#             retort check, retort diff --from head (the models being the
#             chain's head) vs sqlite3 :memory: '.read up.sql'
#  retort's cache of parsed revision files is deleted before each run (as in
#  a fresh checkout, and so that the split is timed).
#
# Sizes: SEMICOLONS="6000 24000" TABLES="5000 20000" REVISIONS="500 2000"
# (each a pair N 4N); CASES="split inspect verify" to run only some (verify
# also times the replay of check and diff --from head). Medians of RUNS=3 runs (hyperfine -N). Making the
# 20,000-table database is most of the time (SQLite's CREATE TABLE scans
# sqlite_schema): a few minutes in all.
# Writes bench/results/growth-<UTC time>.md (and growth-latest.md), hyperfine's
# CSV exports in bench/results/growth-<UTC time>/; prints the summary.
# Usage: bench/growth.sh   (RETORT=path/to/retort to time another binary)
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/common.sh
source bench/common.sh
bench_need hyperfine:hyperfine sqlite3:sqlite3

read -r -a semicolons <<<"${SEMICOLONS:-6000 24000}"
read -r -a tables <<<"${TABLES:-5000 20000}"
read -r -a revisions <<<"${REVISIONS:-500 2000}"
cases=" ${CASES:-split inspect verify} "
[[ $cases == *" split "* ]] || semicolons=()
[[ $cases == *" inspect "* ]] || tables=()
[[ $cases == *" verify "* ]] || revisions=()
runs=(--warmup 0 --runs "${RUNS:-3}")

results=$PWD/bench/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
csv=$results/growth-$stamp
mkdir -p "$csv"
work=$(mktemp -d -p "${BENCH_TMPDIR:-$([[ -w /dev/shm ]] && echo /dev/shm || echo "${TMPDIR:-/tmp}")}")
trap 'rm -rf "$work"' EXIT

die() { echo "growth.sh: error: $*" >&2; exit 1; }
no_cache='rm -rf revisions/.retort-cache'
load0=$(cut -d' ' -f1-3 /proc/loadavg)

# time_pair CASE SIZE NAME COMMAND [NAME COMMAND...]: hyperfine's medians in
# $csv/CASE-SIZE.csv. The commands run in the current directory.
time_pair() {
	local case=$1 size=$2
	shift 2
	echo "== $case, $size"
	hyperfine -N "${runs[@]}" --prepare "$no_cache" --style basic \
		--export-csv "$csv/$case-$size.csv" "$@" | grep -E '^(Benchmark|  Time)' || true
}

# A project in directory $1 (revisions/, models/, retort.yaml; no database).
project() {
	mkdir -p "$1/revisions" "$1/models"
	printf 'database: sqlite:///db.sqlite\nmodels: models/\nrevisions: revisions/\n' >"$1/retort.yaml"
}

# 1. split
for n in "${semicolons[@]}"; do
	dir=$work/split-$n
	project "$dir"
	awk -v n="$n" -v dir="$dir" 'BEGIN {
		rows = int(n / 4)
		up = dir "/up.sql"
		print "CREATE TABLE seed (id INTEGER PRIMARY KEY, note TEXT NOT NULL);" > up
		print "INSERT INTO seed (id, note) VALUES" > up
		for (i = 1; i <= rows; i++)
			printf "  (%d, '\''row %d; first part of its note; second part; third part; and the last one'\'')%s\n",
				i, i, i < rows ? "," : ";" > up
		close(up)
		f = dir "/revisions/5eed00000001_seed.sql"
		print "-- retort revision: 5eed00000001\n-- parent: none\n-- message: seed\n" > f
		print "-- retort:upgrade" > f
		while ((getline line < up) > 0)
			print line > f
		print "\n-- retort:downgrade\nDROP TABLE seed;" > f
	}'
	(
		cd "$dir"
		"$retort" upgrade head --sql >script.sql || die "retort upgrade head --sql failed on $n semicolons"
		[[ $(sqlite3 -bail :memory: '.read script.sql' 'SELECT count(*) FROM seed') -eq $((n / 4)) ]] ||
			die "retort's script of $n semicolons does not insert $((n / 4)) rows"
		time_pair split "$n" -n retort "$retort upgrade head --sql" -n sqlite3 "sqlite3 -bail :memory: '.read up.sql'"
	)
done

# 2. inspect
for n in "${tables[@]}"; do
	db=$work/tables-$n.db
	echo "making a database of $n tables"
	awk -v n="$n" 'BEGIN {
		print "BEGIN;"
		for (i = 1; i <= n; i++) {
			printf "CREATE TABLE t_%05d (id INTEGER PRIMARY KEY, name TEXT NOT NULL, v REAL DEFAULT 0%s);\n", i,
				i % 5 == 0 ? sprintf(", parent_id INTEGER REFERENCES t_%05d (id)", i - 1) : ""
			if (i % 10 == 0)
				printf "CREATE INDEX ix_t_%05d_name ON t_%05d (name);\n", i, i
		}
		print "COMMIT;"
	}' | sqlite3 -bail "$db"
	(
		cd "$work"
		[[ $("$retort" inspect "db:$db" | grep -c '^  t_') -eq $n ]] || die "retort inspect does not list $n tables"
		time_pair inspect "$n" -n retort "$retort inspect db:$db" -n sqlite3 "sqlite3 $db .schema"
	)
done

# 3. verify, check, diff --from head
for n in "${revisions[@]}"; do
	dir=$work/chain-$n
	project "$dir"
	write_chain "$n" "$dir/revisions"
	(
		cd "$dir"
		# the chain in order: upgrade sections, and upgrade, downgrade, upgrade
		awk 'FNR == 1 { sec = "" }
			/^-- retort revision:/ { rid = $4 }
			/^-- parent:/ { child[$3] = rid }
			/^-- retort:upgrade$/ { sec = "up"; next }
			/^-- retort:downgrade$/ { sec = "down"; next }
			sec == "up" { up[rid] = up[rid] $0 "\n" }
			sec == "down" { down[rid] = down[rid] $0 "\n" }
			END {
				for (r = child["none"]; r != ""; r = child[r]) {
					printf "%s", up[r] > "up.sql"
					printf "%s%s%s", up[r], down[r], up[r] > "updownup.sql"
				}
			}' revisions/*.sql
		"$retort" inspect head >models/schema.yaml || die "retort inspect head failed on $n revisions"
		"$retort" -q check >/dev/null || die "retort check is not ok on $n revisions"
		time_pair verify "$n" -n retort "$retort verify" -n sqlite3 "sqlite3 -bail :memory: '.read updownup.sql'"
		time_pair replay "$n" -n "retort check" "$retort check" -n "retort diff --from head" "$retort diff --from head" \
			-n sqlite3 "sqlite3 -bail :memory: '.read up.sql'"
	)
done

# The summary: per case, both sizes' medians and their ratio.
summary=$results/growth-$stamp.md
{
	echo "# Growth of the paths that were quadratic"
	echo
	echo "bench/growth.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), $("$retort" --version), sqlite3 $(sqlite3 --version | cut -d' ' -f1),"
	echo "$(nproc) cores, load average $load0 at the start and $(cut -d' ' -f1-3 /proc/loadavg) at the end;"
	echo "medians of ${RUNS:-3} runs (wall time), and user + system CPU time (means)."
	echo
	echo "| case | command | N | 4N | median at N | at 4N | ratio | CPU at N | at 4N | ratio |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	for c in "split ${semicolons[*]} ; in strings" "inspect ${tables[*]} tables" \
		"verify ${revisions[*]} revisions" "replay ${revisions[*]} revisions"; do
		read -r case small big unit <<<"$c"
		[[ -f $csv/$case-$big.csv ]] || continue
		awk -F, -v case="$case" -v small="$small" -v big="$big" -v unit="$unit" '
			function t(s) { return s < 1 ? sprintf("%.0f ms", s * 1000) : sprintf("%.2f s", s) }
			FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; size = FILENAME == ARGV[1] ? "s" : "b"; next }
			{ gsub(/"/, "", $col["command"]); c = $col["command"]
			  if (!(c in seen)) { seen[c] = 1; order[++n] = c }
			  med[c, size] = $col["median"]; cpu[c, size] = $col["user"] + $col["system"] }
			END {
				for (i = 1; i <= n; i++) {
					c = order[i]
					printf "| %s | `%s` | %s | %s | %s | %s | **%.1fx** | %s | %s | %.1fx |\n", case, c,
						small, big " " unit, t(med[c, "s"]), t(med[c, "b"]), med[c, "b"] / med[c, "s"],
						t(cpu[c, "s"]), t(cpu[c, "b"]), cpu[c, "b"] / cpu[c, "s"]
				}
			}' "$csv/$case-$small.csv" "$csv/$case-$big.csv"
	done
} >"$summary"
cp "$summary" "$results/growth-latest.md"
echo
cat "$summary"
echo
echo "results: $summary (hyperfine CSV: $csv/)"
