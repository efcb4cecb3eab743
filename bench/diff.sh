#!/usr/bin/env bash
# `retort diff` and a 1,000,000-row table rebuild, each against the plain
# sqlite3 shell doing the same work in the same hyperfine run (issue 4).
#
#  1. diff: schemas of 10, 100, 500 and 1,000 tables (4-10 columns of mixed
#     types, NOT NULL, DEFAULT, CHECK, foreign keys to earlier tables, 1-2
#     indexes each) as a database file, and YAML models of the same schema
#     with every tenth table changed (a column added, a type changed, an index
#     added, a default changed).
#       retort:  retort diff --from db:db_N.db --to models:models_N
#       sqlite3: sqlite3 :memory: '.read target_N.sql' .schema '.open db_N.db' .schema
#                (build the target schema in memory, open the database, print both)
#     Targets: 500 tables under 0.3 s and 20 MiB; time linear in the tables.
#  2. rebuild: t(id, a, b, c) with 1,000,000 rows and two indexes; the models
#     make b NOT NULL, which ALTER TABLE cannot do. The script of
#     `retort diff --from db:big.db --to models:models_big` and the hand-written rebuild
#     of SQLite's "Making Other Kinds Of Table Schema Changes" each run in the
#     sqlite3 shell on a fresh copy of big.db.
#     Targets: within 10% of the hand-written script; retort's memory flat in
#     the rows (peak RSS of the diff on 1,000 rows vs 1,000,000).
#
# Writes bench/results/diff-<UTC time>.md (the summary, also diff-latest.md)
# and hyperfine's JSON exports in bench/results/diff-<UTC time>/; prints the
# summary. About 4 minutes while a 1,000-table diff takes 20 s (the runs of a
# size are fewer when its first diff is slow), under 2 when it is fast.
# Usage: bench/diff.sh   (RETORT=path/to/retort to time another binary;
#                         QUICK=1 for fewer runs while working on it)
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/common.sh
source bench/common.sh
bench_need hyperfine:hyperfine sqlite3:sqlite3 /usr/bin/time:time

sizes=(10 100 500 1000)
rows=1000000
if [[ ${QUICK:-} ]]; then
	rebuild_runs=(--warmup 0 --runs 2)
else
	rebuild_runs=(--warmup 1 --runs 10)
fi
# hyperfine's runs for a diff that took SECONDS the first time
diff_runs() {
	if [[ ${QUICK:-} ]]; then
		echo --warmup 0 --runs 2
	else
		awk -v t="$1" 'BEGIN { print (t >= 5 ? "--warmup 0 --runs 2" : t >= 2 ? "--warmup 0 --runs 3" :
			t >= 0.3 ? "--warmup 1 --min-runs 5" : "--warmup 3 --min-runs 10") }'
	fi
}

results=$PWD/bench/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$results/diff-$stamp"
# In memory when /dev/shm is there (BENCH_TMPDIR to choose): both rebuild
# scripts write the same pages, and a VM disk's flush times vary by a third
# from run to run, which would drown a 10% difference.
work=$(mktemp -d -p "${BENCH_TMPDIR:-$([[ -w /dev/shm ]] && echo /dev/shm || echo "${TMPDIR:-/tmp}")}")
trap 'rm -rf "$work"' EXIT
cd "$work"

warn() { echo "diff.sh: warning: $*" >&2; }
die() { echo "diff.sh: error: $*" >&2; exit 1; }

# Peak resident set of a command, in MiB (its exit status is ignored).
peak_mib() {
	/usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>&1 || true
	awk 'END { printf "%.1f", $1 / 1024 }' "$work/rss" # after any "exited with" line
}

# `retort diff`, which must find a difference (exit 1) and print a script.
# Appends "NAME SECONDS PEAK-MiB" to probe.txt.
retort_diff() { # FROM TO OUT NAME
	local rc=0
	/usr/bin/time -f '%e %M' -o "$work/time" \
		"$retort" -q diff --from "$1" --to "$2" >"$3" 2>"$work/diff.err" || rc=$?
	[[ $rc -eq 1 && -s $3 ]] ||
		die "retort diff --from $1 --to $2 exited $rc, expected 1 and a script: $(head -c 2000 "$work/diff.err")"
	awk -v name="$4" 'END { printf "%s %s %.1f\n", name, $1, $2 / 1024 }' "$work/time" >>probe.txt
}

# Whether FILE's schema is MODELS exactly, as retort sees them.
matches_models() { # FILE MODELS
	"$retort" -q diff --from "db:$1" --to "models:$2" >/dev/null 2>&1
}

# ---------------------------------------------------------------------------
# 1. Schemas of N tables: current_N.sql (the database), target_N.sql and
#    models_N/ (the same target as SQL and as YAML, 50 tables a file).
#    Deterministic: a Park-Miller generator with a fixed seed.
gen_schema='
function rnd(k) { seed = (seed * 16807) % 2147483647; return seed % k }
function q(s) { return "\"" s "\"" }
BEGIN {
	seed = 20261124
	nw = split("account order invoice product customer shipment payment review " \
		"supplier warehouse coupon ticket session device report", word, " ")
	nc = split("name email created_at amount qty status note price flag code score payload", col, " ")
	split("TEXT|VARCHAR(120)|DATETIME|NUMERIC(10, 2)|INTEGER|TEXT|TEXT|REAL|BOOLEAN|VARCHAR(16)|REAL|BLOB",
		ctype, "|")
	# per column: SQL constraints, and the same as YAML keys
	csql["name"] = " NOT NULL";                 cyml["name"] = ", nullable: false"
	csql["email"] = " NOT NULL COLLATE NOCASE"; cyml["email"] = ", nullable: false, collate: NOCASE"
	csql["created_at"] = " DEFAULT CURRENT_TIMESTAMP"
	cyml["created_at"] = ", default: {sql: CURRENT_TIMESTAMP}"
	csql["amount"] = " NOT NULL DEFAULT 0";      cyml["amount"] = ", nullable: false, default: 0"
	csql["qty"] = " DEFAULT 1 CHECK (qty >= 0)"; cyml["qty"] = ", default: 1, check: \"qty >= 0\""
	csql["status"] = " NOT NULL DEFAULT '\''new'\'' CHECK (status IN ('\''new'\'', '\''open'\'', '\''closed'\''))"
	cyml["status"] = ", nullable: false, default: new, check: \"status IN ('\''new'\'', '\''open'\'', '\''closed'\'')\""
	csql["price"] = " CHECK (price > 0)";       cyml["price"] = ", check: \"price > 0\""
	csql["flag"] = " NOT NULL DEFAULT 0";        cyml["flag"] = ", nullable: false, default: 0"
	csql["score"] = " DEFAULT 0.5";              cyml["score"] = ", default: 0.5"

	cur = dir "/current_" n ".sql"; tgt = dir "/target_" n ".sql"
	for (i = 1; i <= n; i++) {
		if ((i - 1) % 50 == 0) {
			if (yml) close(yml)
			yml = sprintf("%s/models_%d/m%03d.yaml", dir, n, (i - 1) / 50 + 1)
			print "tables:" > yml
		}
		t = word[(i - 1) % nw + 1] "_" i
		tname[i] = t
		# every tenth table differs in the models, four kinds of change in turn
		change = (i % 10 == 0) ? (i / 10) % 4 + 1 : 0
		k = 3 + rnd(7)                           # 3-9 columns besides id
		fk = (i > 1 && rnd(10) < 4)              # 40% refer to an earlier table
		nk = k - fk; if (nk < 3) nk = 3
		off = rnd(nc)
		for (j = 1; j <= nk; j++) { c = (off + j - 1) % nc + 1; cn[j] = col[c]; ct[j] = ctype[c] }
		# s, y: the current table as SQL and YAML; sx, yx: the target
		s = "CREATE TABLE " t " (\n  id INTEGER PRIMARY KEY"
		yx = "  " t ":\n    columns:\n      id: {type: INTEGER, primary_key: true}\n"
		sx = s
		for (j = 1; j <= nk; j++) {
			ty = ct[j]; cs = csql[cn[j]]; cy = cyml[cn[j]]
			s = s ",\n  " cn[j] " " ty cs
			if (change == 2 && j == 1)           # a changed type: a rebuild
				ty = (ty == "TEXT") ? "VARCHAR(200)" : "TEXT"
			if (change == 4 && j == nk) {        # a changed (or new) default: a rebuild
				sub(/ DEFAULT [^ ]+/, "", cs); cs = " DEFAULT 7" cs
				sub(/, default: (\{[^}]*\}|[^,]*)/, "", cy); cy = ", default: 7" cy
			}
			sx = sx ",\n  " cn[j] " " ty cs
			yx = yx "      " cn[j] ": {type: " q(ty) cy "}\n"
		}
		if (fk) {
			p = tname[1 + rnd(i - 1)]
			act = rnd(2) ? "CASCADE" : "SET NULL"
			s = s ",\n  parent_id INTEGER REFERENCES " p " (id) ON DELETE " act
			sx = sx ",\n  parent_id INTEGER REFERENCES " p " (id) ON DELETE " act
			yx = yx "      parent_id: {type: INTEGER, references: " p ".id, on_delete: " act "}\n"
		}
		if (change == 1) {                       # an added column: ALTER TABLE ADD COLUMN
			sx = sx ",\n  extra_note TEXT"
			yx = yx "      extra_note: {type: TEXT}\n"
		}
		# indexes: one on the first column; half the tables have a second on
		# two columns, a fifth of those unique and partial
		ix = "ix_" t "_" cn[1]
		is = "\nCREATE INDEX " ix " ON " t " (" cn[1] ");"
		iy = "    indexes:\n      " ix ": {columns: [" cn[1] "]}\n"
		if (rnd(2)) {
			ix = "ix_" t "_" cn[2] "_" cn[3]
			if (rnd(5) == 0) {
				is = is "\nCREATE UNIQUE INDEX " ix " ON " t " (" cn[2] ", " cn[3] ") WHERE " cn[2] " IS NOT NULL;"
				iy = iy "      " ix ": {columns: [" cn[2] ", " cn[3] "], unique: true, where: \"" cn[2] " IS NOT NULL\"}\n"
			} else {
				is = is "\nCREATE INDEX " ix " ON " t " (" cn[2] ", " cn[3] ");"
				iy = iy "      " ix ": {columns: [" cn[2] ", " cn[3] "]}\n"
			}
		}
		print s "\n);" is > cur
		if (change == 3) {                       # an added index
			is = is "\nCREATE INDEX ix_" t "_new ON " t " (" cn[2] ");"
			iy = iy "      ix_" t "_new: {columns: [" cn[2] "]}\n"
		}
		print sx "\n);" is > tgt
		printf "%s%s", yx, iy > yml
	}
}'

gen_all() {
	local n
	for n in "${sizes[@]}"; do
		mkdir -p "models_$n"
		awk -v n="$n" -v dir="$work" "$gen_schema"
		sqlite3 -bail "db_$n.db" <"current_$n.sql"
	done
}

# ---------------------------------------------------------------------------
# 2. The 1,000,000-row table (and a 1,000-row one for the memory check), the
#    models that make b NOT NULL, and the hand-written rebuild of SQLite's
#    documentation ("Making Other Kinds Of Table Schema Changes").
make_big() { # FILE ROWS
	sqlite3 -bail "$1" <<-SQL
	CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER, c REAL);
	WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < $2)
	INSERT INTO t SELECT i, 'name-' || i, i % 1000, i * 0.5 FROM r;
	CREATE INDEX ix_t_a ON t (a);
	CREATE INDEX ix_t_b ON t (b);
	SQL
}

gen_big() {
	make_big big.db "$rows"
	make_big small.db 1000
	mkdir -p models_big
	cat >models_big/t.yaml <<-'YAML'
	tables:
	  t:
	    columns:
	      id: {type: INTEGER, primary_key: true}
	      a: {type: TEXT}
	      b: {type: INTEGER, nullable: false}
	      c: {type: REAL}
	    indexes:
	      ix_t_a: {columns: [a]}
	      ix_t_b: {columns: [b]}
	YAML
	write_rebuild_sql rebuild.sql
}

# ---------------------------------------------------------------------------
load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "generating schemas of ${sizes[*]} tables and a $rows-row table in $work"
gen_all
gen_big

# Before timing anything: every diff finds the difference, and its script,
# run by sqlite3, gives the models exactly (and keeps every row). The first
# diff of each size also tells its peak memory and how many runs to time.
: >probe.txt
for n in "${sizes[@]}"; do
	retort_diff "db:db_$n.db" "models:models_$n" "up_$n.sql" "retort N=$n"
	cp "db_$n.db" check.db
	sqlite3 -bail check.db <"up_$n.sql" >/dev/null ||
		die "sqlite3 could not run retort's script for $n tables (up_$n.sql)"
	matches_models check.db "models_$n" ||
		warn "after retort's script for $n tables the database still differs from models_$n"
done
retort_diff db:small.db models:models_big up_small.sql "retort small"
retort_diff db:big.db models:models_big up_big.sql "retort big"
grep -qi 'INSERT INTO' up_big.sql || warn "retort's script for big.db copies no rows: not a rebuild?"
for script in up_big.sql rebuild.sql; do
	cp big.db check.db
	sqlite3 -bail check.db ".read $script" >/dev/null || die "sqlite3 could not run $script on big.db"
	[[ $(sqlite3 check.db 'SELECT count(*) FROM t') -eq $rows ]] || die "$script lost rows"
	matches_models check.db models_big || warn "after $script big.db still differs from models_big"
done
rm -f check.db
for n in "${sizes[@]}"; do
	echo "sqlite3 N=$n - $(peak_mib sqlite3 -bail :memory: ".read target_$n.sql" .schema ".open --readonly db_$n.db" .schema)" >>probe.txt
done
echo "first runs (name, seconds, peak MiB):"
sed 's/^/  /' probe.txt

echo
echo "== diff: retort diff against the sqlite3 shell"
: >diff.csv
for n in "${sizes[@]}"; do
	# -N: no shell in between; -i: retort diff exits 1 on a difference (checked above).
	# shellcheck disable=SC2046 # diff_runs prints options to split
	hyperfine -N -i $(diff_runs "$(awk -v k="N=$n" '$2 == k { print $3 }' probe.txt)") \
		--export-csv "diff-$n.csv" --export-json "$results/diff-$stamp/diff-$n.json" \
		-n "retort N=$n" "$retort -q diff --from db:db_$n.db --to models:models_$n" \
		-n "sqlite3 N=$n" "sqlite3 -bail :memory: '.read target_$n.sql' .schema '.open --readonly db_$n.db' .schema"
	if [[ -s diff.csv ]]; then tail -n +2 "diff-$n.csv" >>diff.csv; else cat "diff-$n.csv" >diff.csv; fi
done

echo
echo "== rebuild: $rows rows, retort's script against the hand-written one, both run by sqlite3"
hyperfine -N "${rebuild_runs[@]}" --prepare 'cp big.db work.db' \
	--export-csv rebuild.csv --export-json "$results/diff-$stamp/rebuild.json" \
	-n "retort's script" "sqlite3 -bail work.db '.read up_big.sql'" \
	-n "hand-written" "sqlite3 -bail work.db '.read rebuild.sql'"

# ---------------------------------------------------------------------------
# 3. The summary, in markdown.
summary=$results/diff-$stamp.md
{
	echo "# retort diff and a table rebuild against the sqlite3 shell"
	echo
	echo "bench/diff.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), $("$retort" --version), sqlite3 $(sqlite3 --version | cut -d' ' -f1),"
	echo "$(nproc) cores, load average $load0 at the start and $(cut -d' ' -f1-3 /proc/loadavg) at the end, files on $(df --output=fstype "$work" | tail -n1)"
	awk -v l="${load0%% *}" 'BEGIN { if (l > 0.5) print "\n**The machine was busy when this run started: the times may not be reliable.**" }'
	echo
	awk -F, -v sizes="${sizes[*]}" -v rows="$rows" '
		function ms(s) { return s * 1000 }
		function mib(x) { return x == "" ? "?" : x " MiB" }
		function yn(ok) { return ok ? "yes" : "**no**" }
		function commas(x) { x = sprintf("%d", x); while (x ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", x); return x }
		FILENAME == "probe.txt" { split($0, f, " "); rss[f[1] " " f[2]] = f[4]; next }
		FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{ gsub(/"/, "", $col["command"]); med[$col["command"]] = $col["median"]
		  cpu[$col["command"]] = $col["user"] + $col["system"] }
		END {
			ns = split(sizes, n, " ")
			print "## diff: `retort diff --from db:db_N.db --to models:models_N`"
			print ""
			print "Against `sqlite3 :memory: \".read target_N.sql\" .schema \".open db_N.db\" .schema`: the shell builds"
			print "the target schema (the models as SQL) in memory, opens the database and prints both schemas."
			print "Every tenth table differs. Per table: the median over N; marginal: the time each table"
			print "added since the previous size (constant when the time is linear in the schema)."
			print ""
			print "| tables | retort median | sqlite3 median | retort/sqlite3 | retort per table | retort marginal per table | sqlite3 marginal per table | retort peak RSS | sqlite3 peak RSS |"
			print "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
			for (i = 1; i <= ns; i++) {
				r = med["retort N=" n[i]]; s = med["sqlite3 N=" n[i]]
				marg = i == 1 ? "" : sprintf("%.0f µs", (r - pr) * 1e6 / (n[i] - n[i - 1]))
				smarg = i == 1 ? "" : sprintf("%.0f µs", (s - ps) * 1e6 / (n[i] - n[i - 1]))
				printf "| %d | %.1f ms | %.1f ms | %.2fx | %.0f µs | %s | %s | %s | %s |\n",
					n[i], ms(r), ms(s), s ? r / s : 0, r * 1e6 / n[i], marg, smarg,
					mib(rss["retort N=" n[i]]), mib(rss["sqlite3 N=" n[i]])
				pr = r; ps = s
				if (n[i] == 500) { t500 = r; m500 = rss["retort N=500"] }
			}
			print ""
			printf "Targets at 500 tables (Alembic autogenerate: 3.4 s, 112 MiB): under 0.3 s: %s (%.0f ms); under 20 MiB: %s (%s MiB).\n",
				yn(t500 < 0.3), ms(t500), yn(m500 < 20), m500
			print ""
			a = med["retort'"'"'s script"]; b = med["hand-written"]
			printf "## rebuild of %s rows (`b INTEGER` becomes `NOT NULL`), each script run by `sqlite3 work.db \".read SCRIPT\"` on a fresh copy\n", commas(rows)
			print ""
			print "| script | median | vs hand-written | CPU (user+sys, mean) | vs hand-written |"
			print "|---|---:|---:|---:|---:|"
			ca = cpu["retort'"'"'s script"]; cb = cpu["hand-written"]
			printf "| `retort diff --from db:big.db --to models:models_big` | %.3f s | %.3fx | %.3f s | %.3fx |\n",
				a, b ? a / b : 0, ca, cb ? ca / cb : 0
			printf "| hand-written (SQLite docs, 12 steps) | %.3f s | 1.000x | %.3f s | 1.000x |\n", b, cb
			print ""
			printf "Target: within 10%% of the hand-written script: wall %s, CPU %s.\n",
				yn(b && a <= 1.1 * b), yn(cb && ca <= 1.1 * cb)
			print ""
			print "| retort diff peak RSS | 1,000 rows | " commas(rows) " rows |"
			print "|---|---:|---:|"
			printf "| `--from db:FILE --to models:models_big` | %s | %s |\n", mib(rss["retort small"]), mib(rss["retort big"])
			print ""
			printf "Target: flat in the rows: %s.\n", yn(rss["retort big"] <= rss["retort small"] + 1)
		}' probe.txt diff.csv rebuild.csv
} >"$summary"
cp "$summary" "$results/diff-latest.md"
echo
cat "$summary"
echo
echo "results: $summary (hyperfine JSON: $results/diff-$stamp/)"
