#!/usr/bin/env bash
# One end-to-end case of `retort diff` against the real binary and the sqlite3
# shell: run_diff.sh RETORT_BIN CASE_DIR.
#
# A case folder holds
#   a.sql     schema A and its rows, fed to the sqlite3 shell;
#   b/        the target as model YAML (a folder; or b.yaml, one file),
#             or b.sql, the target as SQL;
#   check.sh  optional, sourced: settings and hooks (below).
#
# The default flow (mode=migrate):
#  1. a.db is built from a.sql and copied to orig.db;
#  2. `diff --from db:a.db --to B` must exit 1: up.sql; with --downgrade:
#     down.sql, both taken before anything is applied; both are standalone
#     scripts (foreign keys off, BEGIN IMMEDIATE, ..., foreign_key_check,
#     COMMIT, foreign keys on); a warning in the script (`-- warning`) goes
#     with one on stderr (`retort: warning:`), and warn_up / warn_down say
#     whether there must be one (yes), must not (no), or either (any);
#  3. the upgrade is killed (kill -9) just before its COMMIT on a copy: the
#     copy must come back exactly as it was (same .dump);
#  4. up.sql is applied with `sqlite3 -bail`: exit 0, no output; then diff
#     to B exits 0 with nothing on stdout, integrity_check is ok,
#     foreign_key_check is empty, no leftover object has "retort" in its
#     name, and the case's after_up hook runs;
#  5. a second path to B: the CREATE script of B (diff from an empty schema;
#     models with renamed_from are first passed through `retort inspect`, as
#     the old names are in no empty schema) applied to an empty database must
#     give the same facts as SQLite reports them through its pragmas (objects,
#     columns in order with type, NOT NULL, default, primary key and hidden
#     flags, indexes and their columns, foreign keys with their actions,
#     STRICT, WITHOUT ROWID);
#  6. the downgrade is killed before its COMMIT on a copy (unchanged again),
#     then down.sql is applied: diff to orig.db exits 0, integrity and
#     foreign keys are fine, every row of every column of A that survives
#     B (all but those named in `lost`) is back, and after_down runs;
#  7. up.sql applied once more must reach B again.
#
# check.sh may set
#   mode=migrate|same|custom
#       same: A and B are the same schema written differently: diff exits 0
#       with nothing on stdout, from A to B, from B to A, and --downgrade;
#       custom: only the case's own `custom` function runs;
#   warn_up, warn_down = yes|no|any (default any);
#   lost="table table.column ..." A's tables and columns whose rows B drops
#       (globs: "evil*" for a name with a newline);
#   up_fails=1: applying up.sql must fail (sqlite3 -bail) and leave the
#       database exactly as it was; the flow stops there;
#   down_fails=1: the same for down.sql, applied after the upgrade;
#   leftover_ok="table ..." the case's own tables with "retort" in their names;
#   unmanaged="table ..." tables retort leaves alone (its own, excluded ones):
#       not in B, so left out of the comparison with a database built from B;
#   to=SOURCE  the target (default: sql:b.sql, models:b or models:b.yaml);
# and define after_up, after_down (run in the work folder, with a.db at B and
# at A again; what they change in a.db is undone), after_same (mode=same) and
# custom. Helpers: rt, sql, expect_sql, expect_ok, expect_fails, expect_code,
# expect_empty, bad_input, fail, build_db, facts.
#
# RETORT_VALGRIND=1 runs retort under valgrind, as run_bad.sh does.
set -uo pipefail
export LC_ALL=C.UTF-8

bin=$1
[[ $bin == /* ]] || bin=$PWD/$bin
case_dir=$2
name=$(basename "$case_dir")
failures=0

fail() {
	echo "FAIL $name: $*" >&2
	failures=$((failures + 1))
}
die() {
	fail "$@"
	exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -a "$case_dir"/. "$work"/
cd "$work" || die "cannot enter $work"

runner=()
if [[ ${RETORT_VALGRIND:-0} == 1 ]] && command -v valgrind >/dev/null; then
	# shellcheck disable=SC2054
	runner=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99)
fi

# rt OUT ERR ARGS...: run retort, stdout to OUT, stderr to ERR; returns its
# exit code (a crash or a valgrind report is a failure of its own)
rt() {
	local out=$1 err=$2 code
	shift 2
	env -u DATABASE_URL -u RETORT_DATABASE_URL NO_COLOR=1 \
		"${runner[@]}" "$bin" "$@" > "$out" 2> "$err"
	code=$?
	if (( code >= 128 )); then
		fail "retort $* crashed (exit $code): $(head -c 2000 "$err")"
	elif (( code == 99 )) && (( ${#runner[@]} )); then
		fail "valgrind reported errors for retort $*: $(head -c 4000 "$err")"
	fi
	return $code
}

# sql DB SQL: the sqlite3 shell's output (errors to stderr)
sql() {
	sqlite3 -bail -batch "$1" "$2"
}

# expect_sql DB SQL EXPECTED [WHAT]
expect_sql() {
	local got
	got=$(sqlite3 -bail -batch "$1" "$2" 2>&1)
	[[ $got == "$3" ]] || fail "${4:-$2} on $1 gave
$got
expected
$3"
}

# expect_ok DB SQL: the statements run without error
expect_ok() {
	local got
	got=$(sqlite3 -bail -batch "$1" "$2" 2>&1) || fail "$2 on $1 failed: $got"
}

# expect_fails DB SQL [PATTERN]: the statements fail (with PATTERN in the
# error when given); the database is checked unchanged
expect_fails() {
	local got before after
	before=$(sqlite3 "$1" .dump)
	if got=$(sqlite3 -bail -batch "$1" "$2" 2>&1); then
		fail "$2 on $1 succeeded, expected an error"
	elif [[ -n ${3:-} && $got != *"$3"* ]]; then
		fail "$2 on $1 failed with '$got', expected '$3'"
	fi
	after=$(sqlite3 "$1" .dump)
	[[ $before == "$after" ]] || fail "$2 on $1 failed but changed the database"
}

# expect_code GOT WANT WHAT ERRFILE
expect_code() {
	[[ $1 == "$2" ]] || fail "$3: exit $1, expected $2: $(head -c 2000 "$4")"
}

# expect_empty FILE WHAT
expect_empty() {
	[[ ! -s $1 ]] || fail "$2: expected no output, got: $(head -c 2000 "$1")"
}

# bad_input ARGS...: retort must exit 2, print nothing on stdout, and an
# error whose first line matches the case's `expected` (an extended regular
# expression) when there is one; a file:line:col error shows that line and a
# caret under the column; a.db (when there is one) is left unchanged
bad_input() {
	local first want file line col src prefix
	rt out.out out.err "$@"
	expect_code $? 2 "$*" out.err
	expect_empty out.out "$*"
	first=$(head -n 1 out.err)
	if [[ -f expected ]]; then
		want=$(head -n 1 expected)
		[[ $first =~ $want ]] || fail "$*: stderr is
  $first
expected to match
  $want"
	fi
	if [[ $first =~ ^([^:]+):([0-9]+):([0-9]+):\ error: ]]; then
		file=${BASH_REMATCH[1]} line=${BASH_REMATCH[2]} col=${BASH_REMATCH[3]}
		src=$(sed -n "${line}p" "$file")
		[[ $(sed -n 2p out.err) == "$src" ]] ||
			fail "$*: line 2 of stderr is '$(sed -n 2p out.err)', expected the source line '$src'"
		prefix=${src:0:col-1}
		[[ $(sed -n 3p out.err) == "${prefix//[^$'\t']/ }^" ]] ||
			fail "$*: the caret line is '$(sed -n 3p out.err)', expected '${prefix//[^$'\t']/ }^'"
	fi
	if [[ -f a.db && -f orig.db ]]; then
		cmp -s a.db orig.db || fail "$*: a.db changed"
	fi
}

build_db() {
	rm -f "$1"
	sqlite3 -bail -batch "$1" < "$2" > build.out 2>&1 ||
		die "the sqlite3 shell cannot build $1 from $2: $(cat build.out)"
	[[ ! -s build.out ]] || die "building $1 from $2 printed: $(cat build.out)"
}

# sq TEXT: TEXT as the inside of an SQL string literal
sq() {
	printf '%s' "${1//\'/\'\'}"
}
# dq NAME: NAME as an SQL identifier
dq() {
	printf '"%s"' "${1//\"/\"\"}"
}

# The schema of a database as SQLite reports it through its pragmas,
# without any SQL text: what two ways of reaching the same schema must share
# (tables retort does not manage, named in `unmanaged`, left out).
facts() {
	local n skip="'sqlite_sequence'"
	for n in $unmanaged; do
		skip+=", '$(sq "$n")'"
	done
	sqlite3 -bail -batch "$1" "
CREATE TEMP VIEW managed AS SELECT * FROM sqlite_schema WHERE tbl_name NOT IN ($skip);
SELECT 'object', type, name, tbl_name FROM managed
  WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY type, name;
SELECT 'table', name, type, ncol, wr, strict FROM pragma_table_list
  WHERE schema = 'main' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
  AND name IN (SELECT name FROM managed) ORDER BY name;
SELECT 'column', m.name, c.cid, c.name, c.type, c.\"notnull\", quote(c.dflt_value), c.pk, c.hidden
  FROM managed m, pragma_table_xinfo(m.name) c
  WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
  ORDER BY m.name, c.cid;
SELECT 'index', m.name, i.name, i.\"unique\", i.origin, i.partial
  FROM managed m, pragma_index_list(m.name) i
  WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
  ORDER BY m.name, i.name;
SELECT 'index column', i.name, x.seqno, x.cid, quote(x.name), x.desc, x.coll, x.key
  FROM managed m, pragma_index_list(m.name) i, pragma_index_xinfo(i.name) x
  WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
  ORDER BY m.name, i.name, x.seqno;
SELECT 'foreign key', m.name, f.id, f.seq, f.\"table\", f.\"from\", quote(f.\"to\"),
       f.on_update, f.on_delete, f.match
  FROM managed m, pragma_foreign_key_list(m.name) f
  WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
  ORDER BY m.name, f.id, f.seq;"
}

# check_script FILE WHAT: the shape of a standalone script
check_script() {
	local f=$1 what=$2 off begin fkc commit on
	off=$(grep -n -m1 -iE '^[[:space:]]*PRAGMA[[:space:]]+foreign_keys[[:space:]]*=[[:space:]]*(OFF|0|false|no)[[:space:]]*;' "$f" | cut -d: -f1)
	begin=$(grep -n -m1 -iE '^[[:space:]]*BEGIN[[:space:]]+IMMEDIATE([[:space:]]+TRANSACTION)?[[:space:]]*;' "$f" | cut -d: -f1)
	fkc=$(grep -n -iE '^[[:space:]]*PRAGMA[[:space:]]+foreign_key_check[[:space:]]*;' "$f" | tail -n1 | cut -d: -f1)
	commit=$(grep -n -iE '^[[:space:]]*(COMMIT|END)([[:space:]]+TRANSACTION)?[[:space:]]*;' "$f" | tail -n1 | cut -d: -f1)
	on=$(grep -n -iE '^[[:space:]]*PRAGMA[[:space:]]+foreign_keys[[:space:]]*=[[:space:]]*(ON|1|true|yes)[[:space:]]*;' "$f" | tail -n1 | cut -d: -f1)
	if [[ -z $off || -z $begin || -z $fkc || -z $commit || -z $on ]] ||
	   ! (( off < begin && begin < fkc && fkc < commit && commit < on )); then
		fail "$what is not 'PRAGMA foreign_keys=OFF; BEGIN IMMEDIATE; ... PRAGMA foreign_key_check; COMMIT; PRAGMA foreign_keys=ON;' (lines $off $begin $fkc $commit $on):
$(cat "$f")"
	fi
}

# check_warnings SCRIPT STDERR WANT WHAT
check_warnings() {
	local in_script=no on_stderr=no
	grep -qiE '^[[:space:]]*--[[:space:]]*warning' "$1" && in_script=yes
	grep -q '^retort: warning: ' "$2" && on_stderr=yes
	[[ $in_script == "$on_stderr" ]] ||
		fail "$4: a warning in the script: $in_script, on stderr: $on_stderr; they must agree
--- script:
$(cat "$1")
--- stderr:
$(cat "$2")"
	case $3 in
	yes) [[ $in_script == yes || $on_stderr == yes ]] ||
		fail "$4: expected a warning (\`-- warning\` in the script and on stderr), got none:
$(cat "$1")" ;;
	no) [[ $in_script == no && $on_stderr == no ]] ||
		fail "$4: expected no warning, got:
$(grep -iE '^[[:space:]]*--[[:space:]]*warning' "$1")
$(grep '^retort: warning: ' "$2")" ;;
	esac
}

# apply_script SCRIPT SHOULD_FAIL BEFORE WHAT: apply SCRIPT to a.db with the
# sqlite3 shell. When the case says it must fail (SHOULD_FAIL=1), check that
# it did and left a.db as BEFORE is, and end the case there.
apply_script() {
	local script=$1 should_fail=$2 before=$3 what=$4 code after
	sqlite3 -bail -batch a.db < "$script" > apply.out 2>&1
	code=$?
	if [[ $should_fail == 1 ]]; then
		[[ $code != 0 ]] || fail "$script was expected to fail on this data, but it applied"
		after=$(sqlite3 a.db .dump)
		[[ $after == "$(sqlite3 "$before" .dump)" ]] ||
			fail "the failed $what changed the database:
$(diff <(sqlite3 "$before" .dump) <(echo "$after"))"
		expect_sql a.db 'PRAGMA integrity_check' ok "integrity_check after the failed $what"
		if (( failures )); then exit 1; fi
		echo "ok $name"
		exit 0
	fi
	[[ $code == 0 ]] || die "sqlite3 -bail a.db < $script: exit $code: $(cat apply.out)
--- $script:
$(cat "$script")"
	expect_empty apply.out "applying $script"
}

# killed DB SCRIPT: run SCRIPT up to (not including) its COMMIT and kill -9
# the shell there, leaving a hot journal; DB must read back unchanged
killed() {
	local db=$1 script=$2 copy=killed.db before after n
	rm -f "$copy" "$copy-journal"
	cp "$db" "$copy"
	before=$(sqlite3 "$db" .dump)
	n=$(grep -n -iE '^[[:space:]]*(COMMIT|END)([[:space:]]+TRANSACTION)?[[:space:]]*;' "$script" | tail -n1 | cut -d: -f1)
	[[ -n $n ]] || { fail "$script has no COMMIT"; return; }
	{
		# a small cache, so that pages spill to the file before the kill
		echo 'PRAGMA cache_size = 10;'
		head -n $((n - 1)) "$script"
		# shellcheck disable=SC2016 # $PPID is the shell's, for sh -c to read
		echo '.system kill -9 $PPID'
		echo "SELECT 'not killed';"
	} > killed.sql
	{ sqlite3 -bail -batch "$copy" < killed.sql > killed.out 2>&1; } 2>/dev/null
	grep -q 'not killed' killed.out && fail "the shell running $script was not killed"
	expect_sql "$copy" 'PRAGMA integrity_check' ok "integrity_check after a kill before COMMIT in $script"
	after=$(sqlite3 "$copy" .dump)
	[[ $before == "$after" ]] ||
		fail "killing $script before its COMMIT did not leave the database as it was:
$(diff <(echo "$before") <(echo "$after"))"
	rm -f "$copy" "$copy-journal"
}

# sane DB WHAT: integrity, foreign keys, no leftovers (objects with "retort"
# in their names, but those of the tables the case names in leftover_ok)
sane() {
	local n ok=""
	for n in $leftover_ok $unmanaged; do
		ok+=", '$(sq "$n")'"
	done
	expect_sql "$1" 'PRAGMA integrity_check' ok "integrity_check $2"
	expect_sql "$1" 'PRAGMA foreign_key_check' '' "foreign_key_check $2"
	expect_sql "$1" "SELECT type, name FROM sqlite_schema WHERE name LIKE '%retort%' AND tbl_name NOT IN (''$ok)" '' \
		"leftover objects $2"
}

# unhex HEX: the text whose UTF-8 bytes are HEX (names may hold newlines)
unhex() {
	local h=$1 out=
	while [[ -n $h ]]; do
		out+="\\x${h:0:2}"
		h=${h:2}
	done
	printf '%b' "$out"
}

# is_lost NAME: NAME (table or table.column) matches a glob of `lost`
is_lost() {
	local w
	for w in $lost; do
		# shellcheck disable=SC2053 # a glob on purpose
		[[ $1 == $w ]] && return 0
	done
	return 1
}

# same_rows ORIG DB: every row of every column of ORIG's tables but `lost`
# ones is in DB (compared as sorted lists of quoted values)
same_rows() {
	local t c h cols sel a b
	while IFS= read -r h; do
		t=$(unhex "$h")
		is_lost "$t" && continue
		cols=()
		while IFS= read -r c; do
			c=$(unhex "$c")
			is_lost "$t.$c" && continue
			cols+=("quote($(dq "$c"))")
		done < <(sql "$1" "SELECT hex(name) FROM pragma_table_xinfo('$(sq "$t")') WHERE hidden <> 1 ORDER BY cid")
		(( ${#cols[@]} )) || continue
		sel=$(IFS=,; echo "SELECT ${cols[*]} FROM $(dq "$t")")
		a=$(sql "$1" "$sel" | sort)
		b=$(sql "$2" "$sel" 2>&1 | sort)
		[[ $a == "$b" ]] || fail "rows of $t after the downgrade differ from the original:
$(diff <(echo "$a") <(echo "$b"))"
	done < <(sql "$1" "SELECT hex(name) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name")
}

mode=migrate
warn_up=any
warn_down=any
lost=
up_fails=0
down_fails=0
leftover_ok=
unmanaged=
to=
if [[ -f b.sql ]]; then
	to=sql:b.sql
elif [[ -d b ]]; then
	to=models:b
elif [[ -f b.yaml ]]; then
	to=models:b.yaml
fi
if [[ -f check.sh ]]; then
	# shellcheck disable=SC1091
	source ./check.sh
fi
: > empty.sql

case $mode in
custom)
	custom
	;;
same)
	build_db a.db a.sql
	rt same.out same.err diff --from db:a.db --to "$to"
	expect_code $? 0 "diff --from db:a.db --to $to" same.err
	expect_empty same.out "diff --from db:a.db --to $to"
	rt same.out same.err diff --from "$to" --to db:a.db
	expect_code $? 0 "diff --from $to --to db:a.db" same.err
	expect_empty same.out "diff --from $to --to db:a.db"
	rt same.out same.err diff --from db:a.db --to "$to" --downgrade
	expect_code $? 0 "diff --downgrade --from db:a.db --to $to" same.err
	expect_empty same.out "diff --downgrade --from db:a.db --to $to"
	rt same.out same.err diff --from sql:a.sql --to "$to"
	expect_code $? 0 "diff --from sql:a.sql --to $to" same.err
	expect_empty same.out "diff --from sql:a.sql --to $to"
	if declare -F after_same >/dev/null; then
		after_same
	fi
	;;
migrate)
	# 1
	build_db a.db a.sql
	cp a.db orig.db
	hash=$(sha256sum a.db)
	# 2
	rt up.sql up.err diff --from db:a.db --to "$to"
	code=$?
	[[ $code == 1 ]] || die "diff --from db:a.db --to $to: exit $code, expected 1: $(head -c 3000 up.err)"
	rt down.sql down.err diff --from db:a.db --to "$to" --downgrade
	code=$?
	[[ $code == 1 ]] || die "diff --downgrade: exit $code, expected 1: $(head -c 3000 down.err)"
	[[ $(sha256sum a.db) == "$hash" ]] || fail "diff changed its source database a.db"
	[[ -s up.sql ]] || die "diff exited 1 with an empty upgrade script"
	[[ -s down.sql ]] || die "diff --downgrade exited 1 with an empty script"
	check_script up.sql "the upgrade script"
	check_script down.sql "the downgrade script"
	check_warnings up.sql up.err "$warn_up" "the upgrade"
	check_warnings down.sql down.err "$warn_down" "the downgrade"
	# 3
	killed a.db up.sql
	# 4
	apply_script up.sql "$up_fails" orig.db upgrade
	rt again.out again.err diff --from db:a.db --to "$to"
	code=$?
	expect_code $code 0 "after the upgrade, diff --from db:a.db --to $to" again.err
	[[ $code == 0 ]] || fail "after the upgrade, the remaining difference is:
$(cat again.out)
--- up.sql was:
$(cat up.sql)"
	expect_empty again.out "after the upgrade, diff --from db:a.db --to $to"
	sane a.db "after the upgrade"
	if declare -F after_up >/dev/null; then
		cp a.db up.db
		after_up
		cp up.db a.db
	fi
	cp a.db up.db
	# 5
	# renamed_from in B names what is not in an empty schema: an error there;
	# inspect writes the same models without it
	target=$to
	if [[ $to == models:* ]] && grep -rq 'renamed_from' "${to#models:}"; then
		rt plain.yaml inspect.err inspect "$to" ||
			fail "retort inspect $to failed: $(cat inspect.err)"
		target=models:plain.yaml
	fi
	rt create.sql create.err diff --from sql:empty.sql --to "$target"
	code=$?
	if [[ $code == 1 ]]; then
		rm -f fresh.db
		sqlite3 -bail -batch fresh.db < create.sql > fresh.out 2>&1 ||
			fail "the CREATE script of B does not apply: $(cat fresh.out)"
		facts_up=$(facts a.db)
		facts_fresh=$(facts fresh.db)
		[[ $facts_up == "$facts_fresh" ]] ||
			fail "the upgraded database and one created from B differ (< upgraded, > created):
$(diff <(echo "$facts_up") <(echo "$facts_fresh"))"
		rt fresh.out fresh.err diff --from db:fresh.db --to "$target"
		expect_code $? 0 "diff --from db:fresh.db --to $target" fresh.err
	else
		fail "diff --from sql:empty.sql --to $target: exit $code, expected 1: $(head -c 2000 create.err)"
	fi
	# 6
	killed a.db down.sql
	apply_script down.sql "$down_fails" up.db downgrade
	rt again.out again.err diff --from db:a.db --to db:orig.db
	code=$?
	expect_code $code 0 "after the downgrade, diff --from db:a.db --to db:orig.db" again.err
	[[ $code == 0 ]] || fail "after the downgrade, the remaining difference is:
$(cat again.out)"
	expect_empty again.out "after the downgrade, diff --from db:a.db --to db:orig.db"
	sane a.db "after the downgrade"
	same_rows orig.db a.db
	if declare -F after_down >/dev/null; then
		cp a.db down.db
		after_down
		cp down.db a.db
	fi
	# 7
	sqlite3 -bail -batch a.db < up.sql > apply.out 2>&1 ||
		fail "up.sql does not apply a second time after the downgrade: $(cat apply.out)"
	rt again.out again.err diff --from db:a.db --to "$to"
	expect_code $? 0 "after upgrade, downgrade, upgrade: diff --from db:a.db --to $to" again.err
	;;
*)
	die "unknown mode '$mode'"
	;;
esac

if (( failures )); then
	exit 1
fi
echo "ok $name"
