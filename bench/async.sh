#!/usr/bin/env bash
# The asynchronous API (issue 18): the same upgrade, a big table rebuild
# (ROWS rows, default 1,000,000: t(id, a, b, c) with b made NOT NULL and its
# two indexes, as bench/compare.sh's), through retort_upgrade() and through
# retort_op_start() in the same run, RUNS times each (default 5), in turn
# (and through retort_upgrade() with a progress callback that does nothing:
# what the async run asks of the engine, without its thread); wall and CPU;
# and during each async run, the largest gap between two ticks of a poll()
# loop that ticks every 50 ms while it takes the operation's events.
# Goals: async / sync within 1.05x; the largest gap under 100 ms.
# Writes bench/results/async-<UTC time>.csv and prints the medians.
# Usage: bench/async.sh   (ROWS=N RUNS=N; RETORT=... for another retort binary)
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/common.sh
source bench/common.sh
bench_need sqlite3:sqlite3

rows=${ROWS:-1000000}
runs=${RUNS:-5}
lib=$(dirname "$retort")/../lib/libretort.a
[[ -f $lib ]] || { echo "no $lib next to $retort" >&2; exit 1; }
results=bench/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$results"
work=$(mktemp -d "${TMPDIR:-/tmp}/retort-bench-async.XXXXXX")
trap 'rm -rf "$work"' EXIT

# shellcheck disable=SC2046
cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Ilib/include bench/async_bench.c "$lib" \
	$(pkg-config --libs sqlite3 yaml-0.1) -ldl -pthread -o "$work/async_bench"

mkdir "$work/revisions"
rev() { # rev ID PARENT UPGRADE DOWNGRADE
	printf -- '-- retort revision: %s\n-- parent: %s\n-- message: %s\n-- created: 2026-12-07T00:00:0%sZ\n\n-- retort:upgrade\n%s\n\n-- retort:downgrade\n%s\n' \
		"$1" "$2" "$1" "${1: -1}" "$3" "$4" > "$work/revisions/$1_rev.sql"
}
rev a5e000000001 none "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER, c REAL);
INSERT INTO t (a, b, c) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
  SELECT 'row ' || i, i % 1000, i / 7.0 FROM n;
CREATE INDEX ix_t_a ON t (a);
CREATE INDEX ix_t_b ON t (b);" "DROP TABLE t;"
rev a5e000000002 a5e000000001 "CREATE TABLE t_new (id INTEGER PRIMARY KEY, a TEXT, b INTEGER NOT NULL, c REAL);
INSERT INTO t_new (id, a, b, c) SELECT id, a, b, c FROM t;
DROP TABLE t;
ALTER TABLE t_new RENAME TO t;
CREATE INDEX ix_t_a ON t (a);
CREATE INDEX ix_t_b ON t (b);" "CREATE TABLE t_old (id INTEGER PRIMARY KEY, a TEXT, b INTEGER, c REAL);
INSERT INTO t_old SELECT * FROM t;
DROP TABLE t;
ALTER TABLE t_old RENAME TO t;
CREATE INDEX ix_t_a ON t (a);
CREATE INDEX ix_t_b ON t (b);"
printf 'database: sqlite:///base.db\nmodels: models/\nrevisions: revisions/\n' > "$work/retort.yaml"
(cd "$work" && "$retort" upgrade a5e000000001 >/dev/null 2>&1)

echo "$rows rows, $runs runs each; load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$work/async_bench" "$work/base.db" "$work/revisions" "$work" "$runs" | tee "$results/async-$stamp.csv"
echo
awk -F, '
	NR == 1 { next }
	{ k = ++n[$2]; t[$2, k] = $3; c[$2, k] = $4; if ($2 == "async" && $5 > gap) gap = $5 }
	function median(m, cpu,   i, j, k, v, a) {
		for (i = 1; i <= n[m]; i++) a[i] = cpu ? c[m, i] : t[m, i]
		for (i = 1; i <= n[m]; i++) for (j = i + 1; j <= n[m]; j++)
			if (a[j] < a[i]) { v = a[i]; a[i] = a[j]; a[j] = v }
		k = int((n[m] + 1) / 2)
		return n[m] % 2 ? a[k] : (a[k] + a[k + 1]) / 2
	}
	END {
		s = median("sync", 0); a = median("async", 0); p = median("sync_progress", 0)
		printf "median wall: retort_upgrade %.3f s, async %.3f s: %.3fx (goal: within 1.05x); " \
			"retort_upgrade with a progress callback %.3f s: %.3fx\n", s, a, a / s, p, p / s
		s = median("sync", 1); a = median("async", 1); p = median("sync_progress", 1)
		printf "median CPU:  retort_upgrade %.3f s, async %.3f s: %.3fx; with a progress " \
			"callback %.3f s: %.3fx\n", s, a, a / s, p, p / s
		printf "largest gap between two 50 ms ticks during an async run: %.1f ms (goal: under 100 ms)\n", gap
	}' "$results/async-$stamp.csv"
