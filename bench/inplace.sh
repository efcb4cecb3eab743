#!/usr/bin/env bash
# In-place constraint changes against the table rebuild (issue 20), on
# t(id, a, b, c) with 1,000,000 rows and two indexes, in the same run:
#
#  1. drop: the models drop `a`'s NOT NULL and `b`'s CHECK (b >= 0).
#  2. add:  the models add CHECK (c >= 0) on `c`, which every row meets.
#
# For each, a retort project whose database is at the base revision (the
# table and its rows) and whose head is that change, written by
# `retort revision --autogenerate` against the database. Timed, each on a
# fresh copy of the 1M-row file (hyperfine --prepare):
#   retort upgrade      `retort --db work.db upgrade` (the in-place step)
#   retort's SQL        `retort upgrade --sql`'s script, run by sqlite3 -bail
#   12-step rebuild     SQLite's "Making Other Kinds Of Table Schema Changes"
#                       written by hand for the same change, run by sqlite3
# Before timing, each way is checked: the database is the models' schema
# (`retort diff` finds nothing), every row kept (a hash of the table),
# integrity_check ok, and retort's revision edits the definition in place
# (writable_schema) and makes no new table to copy the rows into.
#
# Goals: drop at least 50x faster than the rebuild (rebuild median / retort
# median); add at most 0.5x the rebuild's time (retort median / rebuild
# median).
#
# Writes bench/results/inplace-<UTC time>.md (also inplace-latest.md) and
# hyperfine's JSON exports in bench/results/inplace-<UTC time>/; prints the
# summary. About 2 minutes (the rebuilds dominate).
# Usage: bench/inplace.sh   (RETORT=path/to/retort to time another binary;
#                            QUICK=1 for fewer runs; ROWS=N for another size)
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/common.sh
source bench/common.sh
bench_need hyperfine:hyperfine sqlite3:sqlite3

rows=${ROWS:-1000000}
if [[ ${QUICK:-} ]]; then
	rebuild_runs=(--warmup 0 --runs 2)
	inplace_runs=(--warmup 1 --runs 5)
else
	rebuild_runs=(--warmup 1 --runs 5)
	inplace_runs=(--warmup 2 --runs 20)
fi

results=$PWD/bench/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$results/inplace-$stamp"
# In memory when /dev/shm is there (BENCH_TMPDIR to choose), as diff.sh: a
# VM disk's flush times vary too much from run to run.
work=$(mktemp -d -p "${BENCH_TMPDIR:-$([[ -w /dev/shm ]] && echo /dev/shm || echo "${TMPDIR:-/tmp}")}")
trap 'rm -rf "$work"' EXIT
cd "$work"

warn() { echo "inplace.sh: warning: $*" >&2; }
die() { echo "inplace.sh: error: $*" >&2; exit 1; }

base_cols='id INTEGER PRIMARY KEY, a TEXT NOT NULL, b INTEGER CHECK (b >= 0), c REAL'
declare -A new_cols=(
	[drop]='id INTEGER PRIMARY KEY, a TEXT, b INTEGER, c REAL'
	[add]='id INTEGER PRIMARY KEY, a TEXT NOT NULL, b INTEGER CHECK (b >= 0), c REAL CHECK (c >= 0)'
)
declare -A what=(
	[drop]="drop a's NOT NULL and b's CHECK (b >= 0)"
	[add]="add CHECK (c >= 0), which every row meets"
)

# models NAME: t's models for the base ("base") or for a case
models() {
	local a=', nullable: false' b=', check: "b >= 0"' c=''
	case $1 in
	drop) a='' b='' ;;
	add) c=', check: "c >= 0"' ;;
	esac
	cat <<-YAML
	tables:
	  t:
	    columns:
	      id: {type: INTEGER, primary_key: true}
	      a: {type: TEXT$a}
	      b: {type: INTEGER$b}
	      c: {type: REAL$c}
	    indexes:
	      ix_t_a: {columns: [a]}
	      ix_t_b: {columns: [b]}
	YAML
}

rt() { "$retort" -q "$@"; }

# the table, its rows and indexes, as retort's base revision makes them
# (the rows written by sqlite3 after it; the version table stamped)
echo "making a $rows-row table in $work"
mkdir -p drop/models drop/revisions
printf 'database: sqlite:///big.db\nmodels: models/\nrevisions: revisions/\n' >drop/retort.yaml
models base >drop/models/t.yaml
(cd drop && rt revision -m base --autogenerate && rt upgrade)
sqlite3 -bail drop/big.db "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < $rows)
	INSERT INTO t SELECT i, 'name-' || i, i % 1000, i * 0.5 FROM r; VACUUM;"
cp -r drop add
rows_hash=$(sqlite3 drop/big.db "SELECT hex(sha3_query('SELECT * FROM t ORDER BY id'))")

# check_result FILE PROJECT WHAT: the checks every way must pass
check_result() {
	local got
	rt --db "sqlite:///$PWD/$1" -c "$2/retort.yaml" diff --from db --to models >/dev/null ||
		warn "$3: the database is not the models' schema"
	got=$(sqlite3 "$1" "PRAGMA integrity_check")
	[[ $got == ok ]] || die "$3: integrity_check: $got"
	[[ $(sqlite3 "$1" "SELECT hex(sha3_query('SELECT * FROM t ORDER BY id'))") == "$rows_hash" ]] ||
		die "$3: the rows changed"
}

for k in drop add; do
	models "$k" >"$k/models/t.yaml"
	(cd "$k" && rt revision -m "$k" --autogenerate >/dev/null)
	# retort's SQL, as --sql prints it (version table updates included)
	(cd "$k" && rt upgrade --sql >up.sql)
	write_rebuild_sql "$k/rebuild.sql" "${new_cols[$k]}"
	up=$(ls "$k"/revisions/*_"$k".sql)
	if grep -q '_retort_new_' "$up" || ! grep -qi 'writable_schema' "$up"; then
		warn "$k: retort's revision is not in place (it copies the rows to a new table, or edits no definition): $up"
	fi
	cp "$k/big.db" "$k/work.db"
	(cd "$k" && rt --db sqlite:///work.db upgrade) || die "$k: retort upgrade failed"
	check_result "$k/work.db" "$k" "$k, retort upgrade"
	for script in up.sql rebuild.sql; do
		cp "$k/big.db" "$k/work.db"
		sqlite3 -bail "$k/work.db" ".read $k/$script" >/dev/null || die "$k: sqlite3 could not run $script"
		check_result "$k/work.db" "$k" "$k, $script"
	done
done

load0=$(cut -d' ' -f1-3 /proc/loadavg)
: >all.csv
for k in drop add; do
	echo
	echo "== $k: ${what[$k]}"
	cd "$k"
	hyperfine -N "${inplace_runs[@]}" --prepare 'cp big.db work.db' \
		--export-csv inplace.csv --export-json "$results/inplace-$stamp/$k-inplace.json" \
		-n "$k retort upgrade" "$retort -q --db sqlite:///work.db upgrade" \
		-n "$k retort's SQL" "sqlite3 -bail work.db '.read up.sql'"
	hyperfine -N "${rebuild_runs[@]}" --prepare 'cp big.db work.db' \
		--export-csv rebuild.csv --export-json "$results/inplace-$stamp/$k-rebuild.json" \
		-n "$k 12-step rebuild" "sqlite3 -bail work.db '.read rebuild.sql'"
	cd ..
	if [[ -s all.csv ]]; then tail -q -n +2 "$k/inplace.csv" "$k/rebuild.csv" >>all.csv
	else { cat "$k/inplace.csv"; tail -n +2 "$k/rebuild.csv"; } >all.csv; fi
done

summary=$results/inplace-$stamp.md
{
	echo "# In-place constraint changes against the 12-step rebuild"
	echo
	echo "bench/inplace.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), $("$retort" --version), sqlite3 $(sqlite3 --version | cut -d' ' -f1),"
	echo "$(nproc) cores, load average $load0 at the start and $(cut -d' ' -f1-3 /proc/loadavg) at the end, files on $(df --output=fstype "$work" | tail -n1)"
	awk -v l="${load0%% *}" 'BEGIN { if (l > 0.5) print "\n**The machine was busy when this run started: the times may not be reliable.**" }'
	echo
	echo "t($base_cols), $rows rows, indexes on a and b; each command on a fresh copy."
	echo
	awk -F, -v drop="${what[drop]}" -v add="${what[add]}" '
		function t(s) { return s < 1 ? sprintf("%.1f ms", s * 1000) : sprintf("%.3f s", s) }
		function yn(ok) { return ok ? "yes" : "**no**" }
		FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{ gsub(/"/, "", $col["command"]); med[$col["command"]] = $col["median"] }
		END {
			print "| change | retort upgrade | retort'"'"'s SQL by sqlite3 | 12-step rebuild by sqlite3 | rebuild / retort | retort / rebuild |"
			print "|---|---:|---:|---:|---:|---:|"
			split("drop add", k, " ")
			for (i = 1; i <= 2; i++) {
				r = med[k[i] " retort upgrade"]; s = med[k[i] " retort'"'"'s SQL"]; b = med[k[i] " 12-step rebuild"]
				printf "| %s: %s | %s | %s | %s | %.1fx | %.3fx |\n", k[i], k[i] == "drop" ? drop : add,
					t(r), t(s), t(b), r ? b / r : 0, b ? r / b : 0
				ratio[k[i]] = r ? b / r : 0; frac[k[i]] = b ? r / b : 1
			}
			print ""
			print "Medians. Goals: drop at least 50x faster than the rebuild: " yn(ratio["drop"] >= 50) \
				sprintf(" (%.1fx)", ratio["drop"]) "; add at most 0.5x the rebuild'"'"'s time: " \
				yn(frac["add"] <= 0.5) sprintf(" (%.3fx).", frac["add"])
		}' all.csv
} >"$summary"
cp "$summary" "$results/inplace-latest.md"
echo
cat "$summary"
echo
echo "results: $summary (hyperfine JSON: $results/inplace-$stamp/)"
