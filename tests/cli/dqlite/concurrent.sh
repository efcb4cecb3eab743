#!/usr/bin/env bash
# Two `upgrade head` at once on a real 3-node dqlite cluster, as from two
# machines (one names node 2 only, the other node 3 only), over a chain of 12
# revisions that insert rows (a second application would double them, or
# fail on a CREATE TABLE that exists). Both exit 0, each revision is applied
# exactly once (one history row each, no row doubled), and the two --json
# reports add up to each revision once. Three rounds from base (a database of
# its own each), and one from half way up.
CLUSTER_BASE=19220
source "$(dirname "$0")/dqlite.bash"

project
n=12
race_chain "$n"
url2=$(url_of "${node_addr[2]}")
url3=$(url_of "${node_addr[3]}")

# race: two `retort --json upgrade head`, through node 2 and through node 3,
# started at the same moment (they wait on a lock the script holds, then
# both go); both must exit 0
race() {
	local i pids=() code u
	: > "$work/barrier"
	exec 5> "$work/barrier"
	flock -x 5
	for i in 1 2; do
		u=$url2
		((i == 2)) && u=$url3
		flock -s "$work/barrier" env -u DATABASE_URL -u RETORT_DATABASE_URL NO_COLOR=1 \
			timeout -s KILL 120 "$bin" --db "$u" --json upgrade head > "$work/out.$i" 2> "$work/err.$i" &
		pids+=($!)
	done
	sleep 0.3
	flock -u 5
	exec 5>&-
	for i in 1 2; do
		wait "${pids[i - 1]}"
		code=$?
		((code == 0)) || fail "process $i of 2 running upgrade head exited $code: $(head -c 2000 "$work/err.$i")"
	done
	ok "two processes running upgrade head at once, through nodes 2 and 3, both exit 0"
}

# applied_once FROM: after a race every revision is applied exactly once,
# and the two --json reports name each revision after FROM (an index into
# ids) exactly once between them
applied_once() {
	local from=$1 i want got
	last_cmd="the race"
	expect_dq_version "$head_id"
	expect_dq_integrity
	expect_dq "SELECT count(*) || '|' || count(DISTINCT rev) FROM log" "$n|$n" "one log row per revision"
	expect_dq "SELECT n FROM counter" "$((n - 1))" "counter incremented once per revision"
	expect_dq "SELECT count(*) FROM bulk" "$(((n / 4) * 20000))" "bulk rows not doubled"
	expect_dq "SELECT count(*) || '|' || count(DISTINCT revision) FROM retort_history WHERE direction = 'upgrade'" "$n|$n" "one upgrade history row per revision"
	want=$(printf '%s\n' "${ids[@]:from}" | sort)
	got=$(for i in 1 2; do
		json_q "$work/out.$i" "(SELECT group_concat(value ->> '\$.id', char(10)) FROM json_each(j, '\$.revisions'))"
	done | sed '/^$/d' | sort)
	[[ $got == "$want" ]] || fail "between them the two --json reports list these revisions as applied:
$got
expected each of these exactly once:
$want"
	ok "the two reports name each applied revision exactly once"
}

# 1. three rounds from base, each on a database of its own
for round in 1 2 3; do
	cluster_db=race$round
	url2=$(url_of "${node_addr[2]}")
	url3=$(url_of "${node_addr[3]}")
	race
	applied_once 0
done

# 2. from half way up
cluster_db=half
url=$(url_of "$servers")
url2=$(url_of "${node_addr[2]}")
url3=$(url_of "${node_addr[3]}")
rd_ok upgrade "${ids[5]}"
expect_dq_version "${ids[5]}"
race
applied_once 6
finish
