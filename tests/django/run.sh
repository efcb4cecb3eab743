#!/usr/bin/env bash
# Real-world migration histories (issue 14): the migrations of Django's
# contrib apps and of Django apps packaged in Debian, run by Django itself on
# SQLite one at a time (gen_corpus.py). Each migration is a case: the schema
# before it (with rows) and after it. Per case, in a project of its own:
#  1. old.db is built from the schema before and its rows, new.db from the
#     schema after; the models are `retort inspect db:new.db`, with the
#     renames Django performed given as renamed_from;
#  2. `retort revision --autogenerate --from db:old.db` writes the revision
#     (or, for a migration that changes no table as SQLite sees it, must
#     find nothing: `retort diff` both ways exits 0);
#  3. upgrade, downgrade base, upgrade again, on a copy of old.db: after each,
#     `retort diff` finds nothing against new.db (old.db after the
#     downgrade) and against the models, the schema facts SQLite reports
#     (pragmas: columns with type, NOT NULL, default, key, hidden; indexes
#     and their columns; foreign keys with their actions; STRICT, WITHOUT
#     ROWID, AUTOINCREMENT, the number of CHECKs) are those of new.db
#     (old.db), integrity and foreign keys are fine, and every value of
#     every column that both schemas have (following the renames) is still
#     in its row.
# Then the whole history as one chain (run_chain below): a revision per
# migration with `revision --autogenerate --offline`, `verify`, `check`, and
# upgrade from base to the last schema, downgrade to an empty database.
# A table that gains a NOT NULL column without a default (one way or the
# other) is left empty: no tool can fill it (gen_corpus.py says which).
#
# known_failures lists "app migration reason" for cases that fail through a
# retort bug not fixed yet: such a case is run, and its failure is printed
# as a "known failure" and counted; a known case that passes, or any other
# failing case, fails the test.
#
# Usage: run.sh RETORT_BIN. Exit 77 (CTest skip) when Django is missing,
# except under CI=true, where that is a failure. RETORT_DJANGO_ONLY=REGEX
# runs only the cases whose "app migration" matches; RETORT_DJANGO_KEEP=1
# keeps the work folder; RETORT_DJANGO_PYTHON names the python (default
# /usr/bin/python3). Under CI=true an app of gen_corpus.py's lists that does
# not import is a failure too (install-deps.sh --ci installs them all).
set -uo pipefail
export LC_ALL=C.UTF-8

here=$(cd "$(dirname "$0")" && pwd)
bin=${1:?usage: run.sh RETORT_BIN}
[[ $bin == /* ]] || bin=$PWD/$bin
# Debian's python3, which has Debian's Django (not a pyenv one on PATH)
python=${RETORT_DJANGO_PYTHON:-/usr/bin/python3}

if ! [[ -x $python ]] || ! $python -c 'import django' 2> /dev/null; then
	if [[ ${CI:-} == true ]]; then
		echo "FAIL: Django is not installed (scripts/install-deps.sh --ci installs python3-django)" >&2
		exit 1
	fi
	echo "SKIP: Django is not installed for $python (Debian: apt-get install python3-django; scripts/install-deps.sh --ci)"
	exit 77
fi
command -v sqlite3 > /dev/null || { echo "FAIL: the sqlite3 shell is missing" >&2; exit 1; }

# thousands of small databases: in memory where there is a tmpfs (no fsync)
tmp=${TMPDIR:-/tmp}
[[ -z ${TMPDIR:-} && -d /dev/shm && -w /dev/shm ]] && tmp=/dev/shm
work=$(mktemp -d "$tmp/retort-django.XXXXXX")
if [[ -n ${RETORT_DJANGO_KEEP:-} ]]; then
	echo "work folder: $work"
else
	trap 'rm -rf "$work"' EXIT
fi

start=$SECONDS
$python "$here/gen_corpus.py" "$work/corpus" 2> "$work/gen.err" || {
	cat "$work/gen.err" >&2
	echo "FAIL: gen_corpus.py failed" >&2
	exit 1
}
grep -v '^gen_corpus: left out' "$work/gen.err" | grep '^gen_corpus:' || true
if grep '^gen_corpus: left out' "$work/gen.err" && [[ ${CI:-} == true ]]; then
	echo "FAIL: in CI every app of the corpus must be installed (scripts/install-deps.sh --ci)" >&2
	exit 1
fi
gen_seconds=$((SECONDS - start))

declare -A known=()
while read -r app mig reason; do
	[[ -z $app || $app == \#* ]] && continue
	known["$app $mig"]=$reason
done < "$here/known_failures"

# facts DB: what SQLite reports about the schema, in a stable order
facts() {
	sqlite3 -bail -batch "$1" "
CREATE TEMP VIEW managed AS SELECT * FROM sqlite_schema
  WHERE tbl_name NOT LIKE 'sqlite\_%' ESCAPE '\' AND tbl_name NOT LIKE 'retort\_%' ESCAPE '\';
SELECT 'object', type, name, tbl_name FROM managed WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\'
  ORDER BY type, name;
SELECT 'table', l.name, l.type, l.ncol, l.wr, l.strict,
       m.sql LIKE '%AUTOINCREMENT%',
       (length(upper(m.sql)) - length(replace(upper(m.sql), 'CHECK', ''))) / 5
  FROM pragma_table_list l JOIN managed m ON m.name = l.name
  WHERE l.schema = 'main' ORDER BY l.name;
SELECT 'column', m.name, c.cid, c.name, c.type,
       -- a rowid alias never holds NULL, declared NOT NULL or not (the one
       -- spelling SQLite reports differently that retort treats as equal)
       CASE WHEN c.pk = 1 AND upper(c.type) = 'INTEGER' AND NOT l.wr
            AND (SELECT count(*) FROM pragma_table_xinfo(m.name) k WHERE k.pk) = 1
            THEN 'rowid alias' ELSE c.\"notnull\" END,
       quote(c.dflt_value), c.pk, c.hidden
  FROM managed m JOIN pragma_table_list l ON l.name = m.name AND l.schema = 'main',
       pragma_table_xinfo(m.name) c
  WHERE m.type IN ('table', 'view')
  ORDER BY m.name, c.cid;
SELECT 'index', m.name, i.name, i.\"unique\", i.origin, i.partial
  FROM managed m, pragma_index_list(m.name) i WHERE m.type = 'table'
  ORDER BY m.name, i.name;
SELECT 'index column', i.name, x.seqno, x.cid, quote(x.name), x.desc, x.coll, x.key
  FROM managed m, pragma_index_list(m.name) i, pragma_index_xinfo(i.name) x
  WHERE m.type = 'table' ORDER BY m.name, i.name, x.seqno;
SELECT 'foreign key', m.name, f.id, f.seq, f.\"table\", f.\"from\", quote(f.\"to\"),
       f.on_update, f.on_delete, f.match
  FROM managed m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'
  ORDER BY m.name, f.id, f.seq;
PRAGMA integrity_check;
PRAGMA foreign_key_check;"
}

# models_with_renames RENAMES: inspect's YAML on stdin, with renamed_from
# added for each "table NEW OLD" and "column TABLE NEW OLD" line of RENAMES
models_with_renames() {
	awk -v renames="$1" '
		BEGIN {
			while ((getline line < renames) > 0) {
				split(line, f, " ")
				if (f[1] == "table") { tab[f[2]] = f[3]; want++ }
				else if (f[1] == "column") { col[f[2] " " f[3]] = f[4]; want++ }
			}
		}
		/^  [^ ]+:$/ {
			t = substr($0, 3, length($0) - 3)
			print
			if (t in tab) { print "    renamed_from: " tab[t]; done++ }
			next
		}
		/^      [^ ]+: \{/ {
			c = $0; sub(/^      /, "", c); sub(/: \{.*/, "", c)
			if ((t " " c) in col) {
				sub(/: \{/, ": {renamed_from: " col[t " " c] ", ")
				done++
			}
		}
		{ print }
		END { if (done != want) { print "renames applied: " done + 0 " of " want + 0 > "/dev/stderr"; exit 1 } }'
}

# rows_sql CHECK_FILE SIDE: the query of the rows of the surviving columns,
# SIDE old (fields 1-2 of each line of CHECK_FILE) or new (fields 3-4)
rows_sql() {
	local ot oe nt ne
	while IFS=$'\t' read -r ot oe nt ne; do
		if [[ $1 == old ]]; then
			printf "SELECT '== %s';\nSELECT %s FROM \"%s\" ORDER BY rowid;\n" "$ot" "$oe" "$ot"
		else
			printf "SELECT '== %s';\nSELECT %s FROM \"%s\" ORDER BY rowid;\n" "$ot" "$ne" "$nt"
		fi
	done < "$2"
}

# rt ARGS...: retort in the case's project; stdout in out, stderr in err
rt() {
	last="retort $*"
	env -u DATABASE_URL -u RETORT_DATABASE_URL NO_COLOR=1 "$bin" "$@" > out 2> err
	rc=$?
}

# why: what the last retort run said
said() {
	printf '%s exited %s\n--- stdout\n%s\n--- stderr\n%s\n' "$last" "$rc" \
		"$(head -c 2500 out)" "$(head -c 2500 err)"
}

# same_as DB_WANT RENAMED WHAT: app.db has DB_WANT's schema (retort diff both
# ways and the pragma facts) and the surviving values. Sets problem.
same_as() {
	local want=$1 side=$2 what=$3
	rt diff --from db:app.db --to "db:$want"
	if [[ $rc != 0 || -s out ]]; then
		problem="$what: diff to $want finds a difference: $(said)"
		return 1
	fi
	rt diff --from "db:$want" --to db:app.db
	if [[ $rc != 0 || -s out ]]; then
		problem="$what: diff from $want finds a difference: $(said)"
		return 1
	fi
	if [[ $side == new ]]; then
		rt diff
		if [[ $rc != 0 || -s out ]]; then
			problem="$what: diff from the database to the models finds a difference: $(said)"
			return 1
		fi
	fi
	facts app.db > facts.got
	facts "$want" > facts.want
	if ! cmp -s facts.got facts.want; then
		problem="$what: SQLite reports another schema than $want's:
$(diff facts.want facts.got | head -30)"
		return 1
	fi
	sqlite3 -bail -batch app.db < rows."$side".sql > rows.got
	if ! cmp -s rows.got rows.want."$side"; then
		problem="$what: values differ from old.db's:
$(diff rows.want."$side" rows.got | head -30)"
		return 1
	fi
	return 0
}

# run_case N APP MIGRATION: sets problem on failure
run_case() {
	local n=$1 c=$work/corpus dir=$work/case/$1
	mkdir -p "$dir/models" "$dir/revisions"
	cd "$dir" || return 1
	printf 'database: sqlite:///app.db\nmodels: models/\nrevisions: revisions/\n' > retort.yaml
	cat "$c/$n.old.sql" "$c/$n.rows.sql" | sqlite3 -bail -batch old.db || {
		problem="test bug: old.db cannot be built"
		return 1
	}
	sqlite3 -bail -batch new.db < "$c/$n.new.sql" || {
		problem="test bug: new.db cannot be built"
		return 1
	}
	# the schema before the first migration is empty: an empty file, then
	[[ -f old.db ]] || sqlite3 old.db VACUUM
	rows_sql old "$c/$n.check" > rows.old.sql
	rows_sql new "$c/$n.check" > rows.new.sql
	sqlite3 -bail -batch old.db < rows.old.sql > rows.want.old
	cp rows.want.old rows.want.new
	rt inspect db:new.db
	if [[ $rc != 0 ]]; then
		problem="inspect of the new schema: $(said)"
		return 1
	fi
	models_with_renames "$c/$n.renames" < out > models/schema.yaml 2> err || {
		problem="test bug: $(cat err)"
		return 1
	}
	cp old.db app.db
	rt revision -m "$2 $3" --autogenerate --from db:old.db
	if [[ $rc != 0 ]]; then
		problem="revision --autogenerate: $(said)"
		return 1
	fi
	if [[ -z $(ls revisions) ]]; then
		# nothing to change: the two schemas must be the same as SQLite sees them
		same_as new.db new "no revision" || return 1
		return 0
	fi
	rt upgrade
	if [[ $rc != 0 ]]; then
		problem="upgrade: $(said)"
		return 1
	fi
	same_as new.db new "after upgrade" || return 1
	rt downgrade base
	if [[ $rc != 0 ]]; then
		problem="downgrade base: $(said)"
		return 1
	fi
	same_as old.db old "after downgrade" || return 1
	rt upgrade
	if [[ $rc != 0 ]]; then
		problem="upgrade again: $(said)"
		return 1
	fi
	same_as new.db new "after upgrade again" || return 1
	return 0
}

pass=0 failed=0 known_failed=0 fixed=0 revisions=0 unchanged=0 withheld=0
apps=()
while read -r n app mig; do
	key="$app $mig"
	[[ -n ${RETORT_DJANGO_ONLY:-} && ! $key =~ $RETORT_DJANGO_ONLY ]] && continue
	apps+=("$app")
	problem=
	[[ -s $work/corpus/$n.withheld ]] && withheld=$((withheld + 1))
	if run_case "$n" "$app" "$mig"; then
		if [[ -n ${known[$key]+x} ]]; then
			echo "FAIL $n $key: listed in known_failures but passes now (remove it from the list)"
			fixed=$((fixed + 1))
		else
			pass=$((pass + 1))
		fi
		if [[ -z $(ls "$work/case/$n/revisions") ]]; then
			unchanged=$((unchanged + 1))
		else
			revisions=$((revisions + 1))
		fi
	elif [[ -n ${known[$key]+x} ]]; then
		echo "known failure $n $key (${known[$key]})"
		known_failed=$((known_failed + 1))
	else
		echo "FAIL $n $key: $problem"
		echo "  case files: old.sql new.sql rows.sql renames in the corpus, as $n.*; project in case/$n"
		failed=$((failed + 1))
	fi
	cd "$work" || exit 1
	[[ -n ${RETORT_DJANGO_KEEP:-} ]] || rm -rf "$work/case/$n"
done < "$work/corpus/cases"

# run_chain: the whole history as one chain, as a project adopting retort
# would write it: per migration, the models are the schema after it and
# `revision --autogenerate --offline` writes the next revision against the
# chain replayed so far; then `verify` and `check` pass over the whole chain,
# and `upgrade` from an empty database gives the last schema exactly and
# `downgrade base` an empty one. Sets problem on failure.
run_chain() {
	local dir=$work/chain n app mig
	mkdir -p "$dir/models" "$dir/revisions"
	cd "$dir" || return 1
	printf 'database: sqlite:///app.db\nmodels: models/\nrevisions: revisions/\n' > retort.yaml
	while read -r n app mig; do
		rm -f new.db
		sqlite3 -bail -batch new.db < "$work/corpus/$n.new.sql" || {
			problem="test bug: $n.new.sql does not build"
			return 1
		}
		rt inspect db:new.db
		models_with_renames "$work/corpus/$n.renames" < out > models/schema.yaml 2> err || {
			problem="test bug: $(cat err)"
			return 1
		}
		rt revision -m "$app $mig" --autogenerate --offline
		if [[ $rc != 0 ]]; then
			problem="revision --autogenerate --offline for $n $app $mig: $(said)"
			return 1
		fi
	done < "$work/corpus/cases"
	rt verify
	[[ $rc == 0 ]] || { problem="verify: $(said)"; return 1; }
	rt check
	[[ $rc == 0 ]] || { problem="check: $(said)"; return 1; }
	rt upgrade
	[[ $rc == 0 ]] || { problem="upgrade from base: $(said)"; return 1; }
	: > check
	: > rows.want.new
	: > rows.new.sql
	same_as new.db new "the chain at head" || return 1
	rt downgrade base
	[[ $rc == 0 ]] || { problem="downgrade base: $(said)"; return 1; }
	if [[ -n $(facts app.db | grep -v '^ok$') ]]; then
		problem="downgrade base leaves objects: $(facts app.db | head -5)"
		return 1
	fi
	chain_revisions=$(ls revisions | grep -c .)
	return 0
}

migrations=$((pass + failed + known_failed + fixed))
# the chain needs every migration: not with RETORT_DJANGO_ONLY
chain_revisions=0
if [[ -z ${RETORT_DJANGO_ONLY:-} ]]; then
	problem=
	if run_chain; then
		pass=$((pass + 1))
	else
		echo "FAIL the whole history as one chain: $problem"
		failed=$((failed + 1))
	fi
	cd "$work" || exit 1
fi

napps=$(printf '%s\n' "${apps[@]}" | sort -u | grep -c .)
echo "django corpus: $napps apps, $migrations migrations ($revisions with a revision, $unchanged with no change as SQLite sees it, $withheld with a table left empty), corpus made in ${gen_seconds}s, all in $((SECONDS - start))s"
if [[ -z ${RETORT_DJANGO_ONLY:-} ]]; then
	echo "the whole history as one chain: $chain_revisions revisions"
else
	echo "the whole history as one chain: not run (RETORT_DJANGO_ONLY)"
fi
echo "known failures: $known_failed"
echo "$pass passed, $((failed + fixed)) failed"
((failed + fixed == 0))
