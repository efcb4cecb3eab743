#!/usr/bin/env bash
# `retort upgrade` over a chain of 1,000 small revisions, against the plain
# sqlite3 shell running the same statements in the same hyperfine run, and
# the everyday commands on that chain (issue 5).
#
# The chain: revisions/<id>_<slug>.sql in the SPEC 3 format, each naming the
# previous one as its parent (ids: 12 lower-case hex digits, a fixed
# bijection of the revision's number, so file names are not in chain order).
# In turn a revision creates a small table (every fifth with a foreign key to
# the one before), adds a column to it, or indexes that column; each with the
# matching downgrade. 334 tables, 333 columns, 333 indexes at the head.
#
#  1. From a fresh copy of an empty database before each run (--prepare):
#       retort upgrade head             vs  sqlite3 db.sqlite '.read per_rev.sql'
#         (a transaction per revision)       (PRAGMA foreign_keys = OFF, then
#                                            BEGIN IMMEDIATE; ...; COMMIT; per revision)
#       retort upgrade head --one-transaction
#                                       vs  sqlite3 db.sqlite '.read one_tx.sql'
#                                            (one BEGIN IMMEDIATE ... COMMIT around all)
#     Both scripts are built from the revision files' upgrade sections, in
#     chain order. retort does more than the shell (the version table and a
#     history row in every transaction, PRAGMA foreign_key_check when a
#     statement may orphan a row, reading and checking the 1,000 files): that
#     is the overhead measured. To split it, the same hyperfine run also times
#     the shell running retort's own script (`retort upgrade head --sql`
#     [--one-transaction], the very statements retort runs): the difference to
#     the plain shell is the engine's SQL, the rest is retort's own process.
#     Targets: within 1.2x of the shell per revision, 1.3x in one transaction.
#  2. On the upgraded database (a fresh copy before each run): retort current,
#     retort history, retort downgrade -1, each next to the nearest sqlite3
#     command (read the version table; run the head's downgrade section).
#     Target: a few milliseconds each, taken as under 10 ms (Alembic: 0.6-0.8 s).
#  Both with retort's cache of parsed revision files as the runs before left
#  it, and again without it (deleted before each run, as in a fresh checkout).
#  Peak RSS (/usr/bin/time -f %M) of every command, from one extra run.
#
# retort finds its database and revisions through retort.yaml in the work
# dir (database: sqlite:///db.sqlite, revisions: revisions/). Files live in
# /dev/shm when it is writable (BENCH_TMPDIR to choose): both tools then pay
# the same near-zero fsync, which on a VM disk would dominate and vary.
# Before timing, the script checks that retort's upgrade (both ways) gives
# the shell's schema, and that downgrade -1 leaves the previous revision.
#
# Writes bench/results/chain-<UTC time>.md (the summary, also chain-latest.md)
# and hyperfine's JSON exports in bench/results/chain-<UTC time>/; prints the
# summary. About a minute (20 s with QUICK=1, for fewer runs while working on it).
# Usage: bench/chain.sh   (RETORT=path/to/retort to time another binary;
#                          REVISIONS=N for another chain length)
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/common.sh
source bench/common.sh
bench_need hyperfine:hyperfine sqlite3:sqlite3 /usr/bin/time:time

n=${REVISIONS:-1000}
if [[ ${QUICK:-} ]]; then
	upgrade_runs=(--warmup 0 --runs 3)
	read_runs=(--warmup 1 --runs 5)
else
	upgrade_runs=(--warmup 1 --min-runs 10)
	read_runs=(--warmup 3 --min-runs 30)
fi

results=$PWD/bench/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$results/chain-$stamp"
work=$(mktemp -d -p "${BENCH_TMPDIR:-$([[ -w /dev/shm ]] && echo /dev/shm || echo "${TMPDIR:-/tmp}")}")
trap 'rm -rf "$work"' EXIT
cd "$work"

die() { echo "chain.sh: error: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------
# 1. The chain (write_chain, bench/common.sh).
# The shell's scripts, read back from the files: each upgrade section in
# chain order (the base, then each revision's child), and the downgrade
# section of the head.
gen_scripts='
FNR == 1 { sec = "" }
/^-- retort revision:/ { rid = $4 }
/^-- parent:/ { parent[rid] = $3; child[$3] = rid }
/^-- retort:upgrade$/ { sec = "up"; next }
/^-- retort:downgrade$/ { sec = "down"; next }
sec == "up" { up[rid] = up[rid] $0 "\n" }
sec == "down" { down[rid] = down[rid] $0 "\n" }
END {
	print "PRAGMA foreign_keys = OFF;" > "per_rev.sql"
	print "PRAGMA foreign_keys = OFF;\nBEGIN IMMEDIATE;" > "one_tx.sql"
	for (r = child["none"]; r != ""; r = child[r]) {
		printf "BEGIN IMMEDIATE;\n%sCOMMIT;\n", up[r] > "per_rev.sql"
		printf "%s", up[r] > "one_tx.sql"
		count++; head = r
	}
	print "COMMIT;" > "one_tx.sql"
	printf "PRAGMA foreign_keys = OFF;\nBEGIN IMMEDIATE;\n%sCOMMIT;\n", down[head] > "down_head.sql"
	print head, parent[head], count > "chain.txt"
}'

# The schema without retort's own tables, to compare the tools' results.
schema_of() {
	sqlite3 "$1" "SELECT type, name, tbl_name, sql FROM sqlite_schema
		WHERE name NOT IN ('retort_version', 'retort_history') AND name NOT LIKE 'sqlite_%'
		ORDER BY name"
}

# Peak resident set of a command run after PREPARE, in MiB (its exit status is ignored).
peak_mib() { # PREPARE COMMAND...
	eval "$1"
	shift
	/usr/bin/time -f %M -o rss "$@" >/dev/null 2>&1 || true
	awk 'END { printf "%.1f", $1 / 1024 }' rss # after any "exited with" line
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "generating a chain of $n revisions in $work"
mkdir revisions models
write_chain "$n" revisions
awk "$gen_scripts" revisions/*.sql
read -r head prev count <chain.txt
[[ $count -eq $n ]] || die "the chain read back from revisions/ has $count revisions, not $n"
printf 'database: sqlite:///db.sqlite\nmodels: models/\nrevisions: revisions/\n' >retort.yaml
: >empty.db # a zero-length file is an empty SQLite database

# ---------------------------------------------------------------------------
# 2. Before timing anything: the shell's scripts run, and so do retort's
#    (--sql); retort's upgrade (both ways) gives the shell's schema, the
#    version table holds the head and the history a row per revision;
#    current names the head, history lists every revision; downgrade -1
#    goes back one revision.
for script in per_rev one_tx; do
	cp empty.db db.sqlite
	sqlite3 -bail db.sqlite ".read $script.sql" >/dev/null || die "sqlite3 could not run $script.sql"
	schema_of db.sqlite >"schema-$script.txt"
done
cmp -s schema-per_rev.txt schema-one_tx.txt || die "per_rev.sql and one_tx.sql give different schemas"
sqlite3 -bail db.sqlite .read\ down_head.sql || die "sqlite3 could not run the head's downgrade"
# retort's scripts (a dry run from base: db.sqlite is not there)
rm -f db.sqlite
"$retort" upgrade head --sql >rt_per_rev.sql 2>sql.err || die "retort upgrade head --sql failed: $(head -c 2000 sql.err)"
"$retort" upgrade head --sql --one-transaction >rt_one_tx.sql 2>sql.err ||
	die "retort upgrade head --sql --one-transaction failed: $(head -c 2000 sql.err)"
for script in rt_per_rev rt_one_tx; do
	cp empty.db db.sqlite
	sqlite3 -bail db.sqlite ".read $script.sql" >/dev/null || die "sqlite3 could not run $script.sql"
	schema_of db.sqlite | cmp -s - schema-per_rev.txt || die "$script.sql gives another schema than the shell's"
done
for opt in "" --one-transaction; do
	cp empty.db db.sqlite
	"$retort" -q upgrade head ${opt:+"$opt"} 2>upgrade.err ||
		die "retort upgrade head $opt failed: $(head -c 2000 upgrade.err)"
	schema_of db.sqlite | cmp -s - schema-per_rev.txt ||
		die "after retort upgrade head $opt the schema differs from the shell's"
	[[ $(sqlite3 db.sqlite 'SELECT group_concat(revision) FROM retort_version') == "$head" ]] ||
		die "after retort upgrade head $opt the version table does not hold the head $head"
	[[ $(sqlite3 db.sqlite "SELECT count(*) FROM retort_history WHERE direction = 'upgrade'") -eq $n ]] ||
		die "after retort upgrade head $opt retort_history does not have $n upgrade rows"
done
cp db.sqlite upgraded.db
"$retort" current 2>&1 | grep -q "^$head" || die "retort current does not print the head $head"
[[ $("$retort" history 2>/dev/null | wc -l) -ge $n ]] || die "retort history prints fewer than $n lines"
"$retort" -q downgrade -1 2>downgrade.err || die "retort downgrade -1 failed: $(head -c 2000 downgrade.err)"
[[ $(sqlite3 db.sqlite 'SELECT group_concat(revision) FROM retort_version') == "$prev" ]] ||
	die "after retort downgrade -1 the version table does not hold $prev"

# Peak memory, one run each, as "NAME,MiB" (the names of the timings below).
fresh='cp empty.db db.sqlite'
upgraded='cp upgraded.db db.sqlite'
# As in a fresh checkout (docs/revisions.md). hyperfine -N runs --prepare
# without a shell too, so a prepare of two commands is a bash -c.
no_cache='rm -rf revisions/.retort-cache'
{
	echo "retort upgrade head,$(peak_mib "$fresh" "$retort" upgrade head)"
	echo "sqlite3 per revision,$(peak_mib "$fresh" sqlite3 -bail db.sqlite .read\ per_rev.sql)"
	echo "retort upgrade head --one-transaction,$(peak_mib "$fresh" "$retort" upgrade head --one-transaction)"
	echo "sqlite3 one transaction,$(peak_mib "$fresh" sqlite3 -bail db.sqlite .read\ one_tx.sql)"
	echo "retort current,$(peak_mib "$upgraded" "$retort" current)"
	echo "sqlite3 version table,$(peak_mib "$upgraded" sqlite3 db.sqlite 'SELECT revision FROM retort_version')"
	echo "retort history,$(peak_mib "$upgraded" "$retort" history)"
	echo "retort downgrade -1,$(peak_mib "$upgraded" "$retort" downgrade -1)"
	echo "sqlite3 head's downgrade,$(peak_mib "$upgraded" sqlite3 -bail db.sqlite .read\ down_head.sql)"
} >rss.txt

# ---------------------------------------------------------------------------
# 3. Timing. -N: no shell in between; --prepare: a fresh copy of the
#    database before every run (warmups included).
echo
echo "== upgrade: $n revisions from an empty database"
hyperfine -N "${upgrade_runs[@]}" --prepare "$fresh" \
	--export-csv upgrade.csv --export-json "$results/chain-$stamp/upgrade.json" \
	-n "retort upgrade head" "$retort upgrade head" \
	-n "sqlite3 per revision" "sqlite3 -bail db.sqlite '.read per_rev.sql'" \
	-n "retort upgrade head --one-transaction" "$retort upgrade head --one-transaction" \
	-n "sqlite3 one transaction" "sqlite3 -bail db.sqlite '.read one_tx.sql'" \
	-n "sqlite3 retort's script per revision" "sqlite3 -bail db.sqlite '.read rt_per_rev.sql'" \
	-n "sqlite3 retort's script one transaction" "sqlite3 -bail db.sqlite '.read rt_one_tx.sql'"
hyperfine -N "${upgrade_runs[@]}" --prepare "bash -c '$fresh; $no_cache'" \
	--export-csv upgrade-no-cache.csv --export-json "$results/chain-$stamp/upgrade-no-cache.json" \
	-n "retort upgrade head (no cache)" "$retort upgrade head"

echo
echo "== current, history, downgrade -1 on the upgraded database"
hyperfine -N "${read_runs[@]}" --prepare "$upgraded" \
	--export-csv read.csv --export-json "$results/chain-$stamp/read.json" \
	-n "retort current" "$retort current" \
	-n "sqlite3 version table" "sqlite3 db.sqlite 'SELECT revision FROM retort_version'" \
	-n "retort history" "$retort history" \
	-n "retort downgrade -1" "$retort downgrade -1" \
	-n "sqlite3 head's downgrade" "sqlite3 -bail db.sqlite '.read down_head.sql'"
hyperfine -N "${read_runs[@]}" --prepare "bash -c '$upgraded; $no_cache'" \
	--export-csv read-no-cache.csv --export-json "$results/chain-$stamp/read-no-cache.json" \
	-n "retort current (no cache)" "$retort current" \
	-n "retort history (no cache)" "$retort history" \
	-n "retort downgrade -1 (no cache)" "$retort downgrade -1"

# ---------------------------------------------------------------------------
# 4. The summary, in markdown.
summary=$results/chain-$stamp.md
{
	echo "# retort upgrade over a chain of $n revisions, against the sqlite3 shell"
	echo
	echo "bench/chain.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), $("$retort" --version), sqlite3 $(sqlite3 --version | cut -d' ' -f1),"
	echo "$(nproc) cores, load average $load0 at the start and $(cut -d' ' -f1-3 /proc/loadavg) at the end,"
	echo "database files on $(df --output=fstype "$work" | tail -n1) ($work): fsync costs next to nothing there."
	awk -v l="${load0%% *}" 'BEGIN { if (l > 0.5) print "\n**The machine was busy when this run started: the times may not be reliable.**" }'
	echo
	awk -F, -v n="$n" '
		function ms(s) { return sprintf(s < 0.1 ? "%.1f ms" : "%.0f ms", s * 1000) }
		function yn(ok) { return ok ? "yes" : "**no**" }
		FILENAME == "rss.txt" { rss[$1] = $2 " MiB"; next }
		FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{ gsub(/"/, "", $col["command"]); c = $col["command"]
		  med[c] = $col["median"]; sd[c] = $col["stddev"]; cpu[c] = $col["user"] + $col["system"] }
		function row(rt, vs, sh, target,   r) {
			r = med[sh] ? med[rt] / med[sh] : 0
			printf "| `%s` vs %s | %s ± %s | %s ± %s | **%.2fx** | %.2fx | %.1fx | %s | %s | %s |\n", rt, vs,
				ms(med[rt]), ms(sd[rt]), ms(med[sh]), ms(sd[sh]), r, cpu[sh] ? cpu[rt] / cpu[sh] : 0,
				target, yn(r <= target), rss[rt], rss[sh]
		}
		function split_row(what, sh, sq, rt) {
			printf "| %s | %s | %s (%.2fx) | %s (%.2fx) | %+.0f µs | %+.0f µs |\n", what, ms(cpu[sh]),
				ms(cpu[sq]), cpu[sh] ? cpu[sq] / cpu[sh] : 0, ms(cpu[rt]), cpu[sh] ? cpu[rt] / cpu[sh] : 0,
				(cpu[sq] - cpu[sh]) * 1e6 / n, (cpu[rt] - cpu[sq]) * 1e6 / n
		}
		# The target is on the commands as they run day to day, with the cache;
		# without it is the first command after a checkout, shown for what it costs.
		function quick(rt, what, sh) {
			printf "| `%s` | %s ± %s | %s | %s | %s | %s |\n", rt, ms(med[rt]), ms(sd[rt]),
				what, sh == "" ? "" : ms(med[sh]),
				rt ~ /no cache/ ? "n/a: the first command after a checkout" : yn(med[rt] < 0.01), rss[rt]
		}
		END {
			print "## upgrade head, from an empty database (a fresh copy before each run)"
			print ""
			print "The shell runs the revisions'"'"' upgrade sections, read from the same files, after"
			print "`PRAGMA foreign_keys = OFF`. retort also writes the version table and a history row in every"
			print "transaction, checks foreign keys when a statement may orphan a row, and reads and checks the chain."
			print "Wall time: median ± standard deviation; the target is on its ratio. CPU: user + system, means"
			print "(less sensitive than wall time to other processes on the machine)."
			print ""
			print "| command | retort | sqlite3 | retort/sqlite3 | CPU ratio | target | met | retort peak RSS | sqlite3 peak RSS |"
			print "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
			row("retort upgrade head", "`BEGIN IMMEDIATE; ...; COMMIT;` per revision", "sqlite3 per revision", 1.2)
			row("retort upgrade head --one-transaction", "one `BEGIN IMMEDIATE ... COMMIT`",
				"sqlite3 one transaction", 1.3)
			row("retort upgrade head (no cache)", "`BEGIN IMMEDIATE; ...; COMMIT;` per revision",
				"sqlite3 per revision", 1.2)
			print ""
			print "retort reads the chain from its cache of parsed files (`revisions/.retort-cache/`,"
			print "docs/revisions.md), written by the runs before; the \"(no cache)\" rows delete it before each"
			print "run, as in a fresh checkout, so they read and parse all the files and write the cache."
			print ""
			print "Where retort'"'"'s overhead goes, in CPU time: the shell running retort'"'"'s own script (`--sql`,"
			print "the statements retort runs, with the version table and history row) against the plain shell"
			print "(the engine'"'"'s SQL), then retort against that script (its process: reading the files, the"
			print "revision graph, events and output)."
			print ""
			print "| transactions | sqlite3 | sqlite3, retort'"'"'s script | retort | engine SQL per revision | retort'"'"'s process per revision |"
			print "|---|---:|---:|---:|---:|---:|"
			split_row("one per revision", "sqlite3 per revision", "sqlite3 retort'"'"'s script per revision",
				"retort upgrade head")
			split_row("one for all", "sqlite3 one transaction", "sqlite3 retort'"'"'s script one transaction",
				"retort upgrade head --one-transaction")
			print ""
			print "## current, history, downgrade -1 on the upgraded database (a fresh copy before each run)"
			print ""
			print "| command | retort | nearest sqlite3 command | its median | under 10 ms (Alembic: 0.6-0.8 s) | retort peak RSS |"
			print "|---|---:|---|---:|---:|---:|"
			quick("retort current", "`SELECT revision FROM retort_version`", "sqlite3 version table")
			quick("retort history", "", "")
			quick("retort downgrade -1", "the head'"'"'s downgrade section", "sqlite3 head'"'"'s downgrade")
			quick("retort current (no cache)", "", "")
			quick("retort history (no cache)", "", "")
			quick("retort downgrade -1 (no cache)", "", "")
		}' rss.txt upgrade.csv upgrade-no-cache.csv read.csv read-no-cache.csv
} >"$summary"
cp "$summary" "$results/chain-latest.md"
echo
cat "$summary"
echo
echo "results: $summary (hyperfine JSON: $results/chain-$stamp/)"
