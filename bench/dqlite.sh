#!/usr/bin/env bash
# `retort upgrade head` of a 100-revision chain against a real 3-node dqlite
# cluster on loopback, beside the same statements sent by go-dqlite's
# `dqlite` shell, in the same run (issue 17; goal: retort within 1.5x).
#
# The chain is chain.sh's (write_chain, bench/common.sh): in turn a revision
# creates a small table (every fifth with a foreign key to the one before),
# adds a column to it, or indexes that column. The shell gets each revision's
# upgrade section as one line on its standard input; it runs every line in a
# transaction of its own, so both tools make one transaction per revision,
# each replicated to the cluster before the next. retort does more: its
# version table and a history row in each transaction, the foreign-key check
# a rebuild needs, finding the leader and reading the revision files; that is
# the overhead measured.
#
# The cluster: three dqlite-demo nodes (tests/cli/dqlite/cluster.bash) on
# 127.0.0.1 ports 19251-19256, data under the work folder, stopped at the end.
# Every run starts from a database of its own (a new name on the cluster), the
# two tools alternate which goes first, and the times are wall-clock medians
# (bash's EPOCHREALTIME around each process). Before timing, both tools'
# results are checked: the same schema, and retort's version table at the
# head with a history row per revision.
#
# Writes bench/results/dqlite-<UTC time>.md (also dqlite-latest.md) and
# prints it. Usage: bench/dqlite.sh (RETORT=path/to/retort, REVISIONS=N,
# RUNS=N: timed runs per tool, default 9; QUICK=1: 3 runs).
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/common.sh
source bench/common.sh
bench_need dqlite-demo:go-dqlite dqlite:go-dqlite

n=${REVISIONS:-100}
runs=${RUNS:-9}
[[ -z ${QUICK:-} ]] || runs=3
results=$PWD/bench/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$results"
work=$(mktemp -d -p "${BENCH_TMPDIR:-$([[ -w /dev/shm ]] && echo /dev/shm || echo "${TMPDIR:-/tmp}")}")

die() { echo "dqlite.sh: error: $*" >&2; exit 1; }
cluster_fail() { die "$@"; }
CLUSTER_BASE=19250
CLUSTER_DIR=$work/cluster
# shellcheck source=tests/cli/dqlite/cluster.bash
source tests/cli/dqlite/cluster.bash
trap 'cluster_stop; rm -rf "$work"' EXIT
cd "$work"

# ---------------------------------------------------------------------------
# 1. The chain, and the shell's input: each upgrade section in chain order,
#    one line per revision (the sections hold no comments).
load0=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir revisions models
write_chain "$n" revisions
awk '
FNR == 1 { sec = "" }
/^-- retort revision:/ { rid = $4 }
/^-- parent:/ { child[$3] = rid }
/^-- retort:upgrade$/ { sec = "up"; next }
/^-- retort:downgrade$/ { sec = "down"; next }
sec == "up" && NF { up[rid] = up[rid] (up[rid] == "" ? "" : " ") $0 }
END {
	for (r = child["none"]; r != ""; r = child[r]) {
		print up[r] > "shell.sql"
		count++; head = r
	}
	print head, count > "chain.txt"
}' revisions/*.sql
read -r head count < chain.txt
[[ $count -eq $n ]] || die "the chain read back from revisions/ has $count revisions, not $n"
printf 'models: models/\nrevisions: revisions/\n' > retort.yaml

echo "starting a 3-node dqlite cluster in $CLUSTER_DIR"
cluster_start

# run_retort DB / run_shell DB: one upgrade of the whole chain into database
# DB on the cluster; the shell reports a failed line on its output, not in
# its exit status
run_retort() {
	"$retort" -q --db "dqlite://$servers/$1" upgrade head > /dev/null 2> retort.err ||
		die "retort upgrade head into $1 failed: $(head -c 2000 retort.err)"
}
run_shell() {
	dqlite -s "$servers" "$1" < shell.sql > shell.out 2>&1 || die "the dqlite shell failed on $1: $(head -c 2000 shell.out)"
	! grep -q 'Error' shell.out || die "the dqlite shell failed on $1: $(grep -m3 Error shell.out)"
}

# ---------------------------------------------------------------------------
# 2. Before timing: both give the same schema; retort's version table is at
#    the head, with a history row per revision.
# (the shell got each section on one line: line ends read as spaces)
schema_of() {
	dqlite -s "$servers" "$1" "SELECT type || ' ' || name || ' ' || replace(coalesce(sql, ''), char(10), ' ') FROM sqlite_master
		WHERE name NOT LIKE 'retort_%' AND name NOT LIKE 'sqlite_%' ORDER BY name"
}
run_retort check_retort
run_shell check_shell
schema_of check_retort > schema-retort.txt
schema_of check_shell > schema-shell.txt
[[ -s schema-shell.txt ]] || die "the shell's database has no schema"
cmp -s schema-retort.txt schema-shell.txt || die "retort and the shell give different schemas:
$(diff schema-retort.txt schema-shell.txt | head -20)"
[[ $(dqlite -s "$servers" check_retort "SELECT group_concat(revision) FROM retort_version") == "$head" ]] ||
	die "after retort upgrade head the version table does not hold the head $head"
[[ $(dqlite -s "$servers" check_retort "SELECT count(*) FROM retort_history WHERE direction = 'upgrade'") -eq $n ]] ||
	die "after retort upgrade head retort_history does not have $n upgrade rows"

# ---------------------------------------------------------------------------
# 3. Timing: one warm-up each, then `runs` each, alternating which goes first.
# elapsed_ms FUNCTION DB: the wall-clock milliseconds of one run
elapsed_ms() {
	local t0=$EPOCHREALTIME t1
	"$1" "$2"
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }'
}
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.1f", v[(NR + 1) / 2]; else printf "%.1f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
echo "timing: $n revisions, 1 warm-up and $runs runs per tool"
elapsed_ms run_retort warm_retort > /dev/null
elapsed_ms run_shell warm_shell > /dev/null
: > retort.ms
: > shell.ms
for ((i = 1; i <= runs; i++)); do
	if ((i % 2)); then
		elapsed_ms run_retort "r$i" >> retort.ms
		elapsed_ms run_shell "s$i" >> shell.ms
	else
		elapsed_ms run_shell "s$i" >> shell.ms
		elapsed_ms run_retort "r$i" >> retort.ms
	fi
done
t_retort=$(median < retort.ms)
t_shell=$(median < shell.ms)
ratio=$(awk -v a="$t_retort" -v b="$t_shell" 'BEGIN { printf "%.2f", a / b }')
met=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.5 ? "yes" : "no") }')
load1=$(cut -d' ' -f1-3 /proc/loadavg)

out=$results/dqlite-$stamp.md
{
	echo "# retort on a 3-node dqlite cluster beside the dqlite shell"
	echo
	echo "Written by \`bash bench/dqlite.sh\` on $(date -u '+%Y-%m-%d %H:%M') UTC, all figures from this one run."
	echo
	echo "- Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) of memory; load average $load0 at the start, $load1 at the end."
	echo "- Versions: retort: \`$("$retort" --version 2>&1 | head -1)\` (\`$retort\`); go-dqlite $(dpkg-query -W -f='${Version}' go-dqlite 2>/dev/null || echo '?'), libdqlite0 $(dpkg-query -W -f='${Version}' libdqlite0 2>/dev/null || echo '?')."
	echo "- Cluster: three \`dqlite-demo\` nodes on 127.0.0.1 (ports $((CLUSTER_BASE + 1))-$((CLUSTER_BASE + 6))), data in \`$work\`."
	echo "- Workload: \`upgrade head\` of a $n-revision chain (bench/common.sh write_chain) into a new database; the shell reads the same upgrade sections, one line (one transaction) per revision, from its standard input."
	echo "- Times: wall-clock medians of $runs runs each, after one warm-up, the tools alternating."
	echo
	echo "| workload | retort | dqlite shell | retort / shell | goal | met |"
	echo "|---|---:|---:|---:|---:|---|"
	echo "| \`upgrade head\`, $n revisions | $t_retort ms | $t_shell ms | ${ratio}x | 1.5x | $met |"
	echo
	echo "Every run, in ms: retort $(paste -sd' ' retort.ms); shell $(paste -sd' ' shell.ms)."
} > "$out"
cp "$out" "$results/dqlite-latest.md"
cat "$out"
