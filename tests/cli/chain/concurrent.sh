#!/usr/bin/env bash
# Several processes run `upgrade head` at once on the same file, over a chain
# of 20 revisions that insert rows (a second application would double them,
# or fail on a CREATE TABLE that exists). Every process exits 0, each
# revision is applied exactly once (one history row each, no row doubled),
# and the processes' own reports (--json) add up to each revision once.
source "$(dirname "$0")/common.bash"

project
n=20
race_chain "$n"

# race P ARGS...: start P processes running `retort --json ARGS` on app.db
# at the same moment (they wait on a lock the script holds, then all go);
# every one must exit 0
race() {
	local p=$1 i pids=() code
	shift
	: > "$work/barrier"
	exec 5> "$work/barrier"
	flock -x 5
	for ((i = 1; i <= p; i++)); do
		flock -s "$work/barrier" env -u DATABASE_URL -u RETORT_DATABASE_URL NO_COLOR=1 \
			"$bin" --json "$@" > "$work/out.$i" 2> "$work/err.$i" &
		pids+=($!)
	done
	sleep 0.3
	flock -u 5
	exec 5>&-
	for ((i = 1; i <= p; i++)); do
		wait "${pids[i - 1]}"
		code=$?
		((code == 0)) || fail "process $i of $p running retort $* exited $code: $(head -c 2000 "$work/err.$i")"
	done
	ok "$p processes running retort $* at once all exit 0"
}

# applied_once FROM: after a race, every revision is applied exactly once
# and the rows show it; the processes' --json reports name each revision
# after FROM (an index into ids, 0: all) exactly once between them
applied_once() {
	local from=$1 p=$2 i want got
	expect_version "$head_id"
	expect_integrity
	expect_q "SELECT count(*), count(DISTINCT rev) FROM log" "$n|$n" "" "one log row per revision"
	expect_q "SELECT n FROM counter" "$((n - 1))" "" "counter incremented once per revision"
	expect_q "SELECT count(*) FROM bulk" "$(((n / 4) * 20000))" "" "bulk rows not doubled"
	expect_q "SELECT count(*), count(DISTINCT revision) FROM retort_history WHERE direction = 'upgrade'" "$n|$n" "" "one upgrade history row per revision"
	expect_q "SELECT count(*) FROM retort_history WHERE direction <> 'upgrade'" "0"
	want=$(printf '%s\n' "${ids[@]:from}" | sort)
	got=$(for ((i = 1; i <= p; i++)); do
		json_q "$work/out.$i" "(SELECT group_concat(value ->> '\$.id', char(10)) FROM json_each(j, '\$.revisions'))"
	done | sed '/^$/d' | sort)
	[[ $got == "$want" ]] || fail "between them the processes' --json reports list these revisions as applied:
$got
expected each of these exactly once:
$want"
	ok "the processes' reports name each applied revision exactly once"
}

# 1. six processes, no database file yet
race 6 upgrade head
applied_once 0 6

# 2. eight processes on an empty file
rm -f app.db
sqlite3 app.db "VACUUM"
race 8 upgrade head
applied_once 0 8

# 3. four processes on a database half way up, three times
for _ in 1 2 3; do
	rm -f app.db
	run_ok upgrade "${ids[9]}"
	expect_version "${ids[9]}"
	race 4 upgrade head
	applied_once 10 4
done

# 4. six processes, two of them aiming at a revision in the middle
rm -f app.db
: > "$work/barrier"
exec 5> "$work/barrier"
flock -x 5
pids=()
for i in 1 2 3 4 5 6; do
	target="head"
	((i % 3 == 0)) && target=${ids[11]}
	flock -s "$work/barrier" env -u DATABASE_URL -u RETORT_DATABASE_URL NO_COLOR=1 \
		"$bin" --json upgrade "$target" > "$work/out.$i" 2> "$work/err.$i" &
	pids+=($!)
done
sleep 0.3
flock -u 5
exec 5>&-
for i in 1 2 3 4 5 6; do
	wait "${pids[i - 1]}" || fail "process $i of the mixed race exited $?: $(head -c 2000 "$work/err.$i")"
done
ok "six processes racing to head and to ${ids[11]} all exit 0"
applied_once 0 6
finish
