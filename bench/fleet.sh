#!/usr/bin/env bash
# A database per tenant (issue 19): 1,000 tenant files, each with its own
# rows, brought from base to head (3 revisions: a new table, a column added
# to the tenant's table and filled, another table), in one hyperfine run:
#
#   retort upgrade --each 'tenants/*.db' --jobs 2     (one process, 2 workers)
#   retort upgrade --each 'tenants/*.db' --jobs 1     (one process, 1 worker)
#   a shell loop of 1,000 `retort --db FILE upgrade`  (what Alembic users script)
#   a shell loop of 1,000 `sqlite3 FILE < rt_one_tx.sql`
#       (the shell running, file by file, the very statements retort runs on
#       each: `retort upgrade --sql --one-transaction`, the version table and
#       history rows included)
#
# Goals (the issue): --jobs 2 at most 0.6x the retort loop; within 1.2x of
# the sqlite3 loop per core (--jobs 2 time x 2 cores against the loop's one
# core; --jobs 1 against the loop directly).
#
# A fresh copy of the 1,000 base files before every run (--prepare). Files
# live in /dev/shm when it is writable (BENCH_TMPDIR to choose), so that both
# tools pay the same near-zero fsync. Before timing, each way's result is
# checked: every file at head with the shell's schema and its rows.
#
# Writes bench/results/fleet-<UTC time>.md (also fleet-latest.md) and
# hyperfine's JSON; prints the summary. A few minutes; QUICK=1: fewer runs.
# Usage: bench/fleet.sh   (RETORT=path/to/retort; TENANTS=N for another count)
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/common.sh
source bench/common.sh
bench_need hyperfine:hyperfine sqlite3:sqlite3

n=${TENANTS:-1000}
if [[ ${QUICK:-} ]]; then
	runs=(--warmup 0 --runs 2)
else
	runs=(--warmup 1 --runs 5)
fi

results=$PWD/bench/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$results/fleet-$stamp"
work=$(mktemp -d -p "${BENCH_TMPDIR:-$([[ -w /dev/shm ]] && echo /dev/shm || echo "${TMPDIR:-/tmp}")}")
trap 'rm -rf "$work"' EXIT
cd "$work"

die() { echo "fleet.sh: error: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------
# 1. The project and the 1,000 tenants at base (one sqlite3 process makes them).
mkdir revisions models
rev() { # ID PARENT MESSAGE UP DOWN
	printf -- '-- retort revision: %s\n-- parent: %s\n-- message: %s\n-- created: 2026-01-01T00:00:0%sZ\n\n-- retort:upgrade\n%s\n\n-- retort:downgrade\n%s\n' \
		"$1" "$2" "$3" "${1:11:1}" "$4" "$5" >"revisions/$1_$3.sql"
}
rev aaaa00000001 none pets "CREATE TABLE pet (id INTEGER PRIMARY KEY, owner INTEGER REFERENCES account, name TEXT NOT NULL);" \
	"DROP TABLE pet;"
rev bbbb00000002 aaaa00000001 plans "ALTER TABLE account ADD COLUMN plan TEXT NOT NULL DEFAULT 'free';
UPDATE account SET plan = 'pro' WHERE id % 7 = 0;
CREATE INDEX account_plan ON account (plan);" "DROP INDEX account_plan;
ALTER TABLE account DROP COLUMN plan;"
rev cccc00000003 bbbb00000002 vets "CREATE TABLE vet (id INTEGER PRIMARY KEY, name TEXT);" "DROP TABLE vet;"
printf 'database: sqlite:///one.db\nmodels: models/\nrevisions: revisions/\n' >retort.yaml

mkdir base
for ((i = 1; i <= n; i++)); do
	printf -v t 't-%04d' "$i"
	echo "ATTACH 'base/$t.db' AS t; CREATE TABLE t.account (id INTEGER PRIMARY KEY, name TEXT);
WITH RECURSIVE k(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM k WHERE x < 20)
INSERT INTO t.account (name) SELECT '$t-' || x FROM k; DETACH t;"
done | sqlite3 -bail :memory: || die "cannot make the tenants"
fresh='bash -c "rm -rf tenants && cp -r base tenants"'
# retort's own statements for one file, from base, in one transaction
"$retort" --db base/t-0001.db upgrade --sql --one-transaction >rt_one_tx.sql 2>sql.err ||
	die "retort upgrade --sql failed: $(head -c 2000 sql.err)"
cat >loop_retort.sh <<EOF
for f in tenants/*.db; do "$retort" -q --db "\$f" upgrade || exit 1; done
EOF
cat >loop_sqlite3.sh <<'EOF'
for f in tenants/*.db; do sqlite3 -bail "$f" < rt_one_tx.sql > /dev/null || exit 1; done
EOF

# ---------------------------------------------------------------------------
# 2. Before timing: each way leaves every file at head, with the same schema
#    and rows.
state() { # every tenant's version, schema and rows, as one text
	for f in tenants/*.db; do
		sqlite3 "$f" "SELECT group_concat(revision) FROM retort_version;
			SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'retort_%' ORDER BY name;
			SELECT id, name, plan FROM account ORDER BY id;"
	done | md5sum
}
eval "$fresh"
bash loop_sqlite3.sh || die "the sqlite3 loop failed"
want=$(state)
for way in "$retort -q upgrade --each 'tenants/*.db' --jobs 2" "bash loop_retort.sh"; do
	eval "$fresh"
	eval "$way" 2>run.err || die "$way failed: $(head -c 2000 run.err)"
	[[ $(state) == "$want" ]] || die "$way left the tenants otherwise than the sqlite3 loop"
done
[[ $(sqlite3 tenants/t-0001.db 'SELECT group_concat(revision) FROM retort_version') == cccc00000003 ]] ||
	die "the tenants are not at head"

# ---------------------------------------------------------------------------
# 3. Timing.
load0=$(cut -d' ' -f1-3 /proc/loadavg)
hyperfine "${runs[@]}" --prepare "$fresh" \
	--export-json "$results/fleet-$stamp/upgrade.json" \
	-n "retort --each --jobs 2" "$retort -q upgrade --each 'tenants/*.db' --jobs 2" \
	-n "retort --each --jobs 1" "$retort -q upgrade --each 'tenants/*.db' --jobs 1" \
	-n "loop of $n retort processes" "bash loop_retort.sh" \
	-n "loop of $n sqlite3 processes" "bash loop_sqlite3.sh"
load1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------
# 4. The summary.
median() { # NAME
	sqlite3 :memory: "SELECT printf('%.3f', json_extract(value, '\$.median')) FROM
		json_each(readfile('$results/fleet-$stamp/upgrade.json'), '\$.results')
		WHERE json_extract(value, '\$.command') = '$1'"
}
j2=$(median "retort --each --jobs 2")
j1=$(median "retort --each --jobs 1")
lr=$(median "loop of $n retort processes")
ls=$(median "loop of $n sqlite3 processes")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
{
	echo "# fleet.sh, $stamp"
	echo
	echo "$n tenant files (20 rows each), base to head (3 revisions), $(nproc) CPUs, load $load0 -> $load1,"
	echo "files in $(dirname "$work"); retort $("$retort" --version | head -1)."
	echo
	echo "| way | median | ratio |"
	echo "|---|---:|---:|"
	echo "| \`retort upgrade --each --jobs 2\` | ${j2} s | 1 |"
	echo "| \`retort upgrade --each --jobs 1\` | ${j1} s | $(ratio "$j1" "$j2") |"
	echo "| loop of $n \`retort --db F upgrade\` | ${lr} s | $(ratio "$lr" "$j2") |"
	echo "| loop of $n \`sqlite3 F < retort's statements\` | ${ls} s | $(ratio "$ls" "$j2") |"
	echo
	echo "- --jobs 2 / the retort loop: **$(ratio "$j2" "$lr")x** (goal: at most 0.6x)"
	echo "- per core: --jobs 2 x 2 / the sqlite3 loop: **$(ratio "$(awk -v a="$j2" 'BEGIN { print a * 2 }')" "$ls")x**;" \
		"--jobs 1 / the sqlite3 loop: **$(ratio "$j1" "$ls")x** (goal: within 1.2x)"
} >"$results/fleet-$stamp.md"
cp "$results/fleet-$stamp.md" "$results/fleet-latest.md"
echo
cat "$results/fleet-$stamp.md"
