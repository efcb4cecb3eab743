# dqlite.bash: what the tests/cli/dqlite/*.sh scripts share (sourced).
#
# The chain scripts' helpers (../chain/common.bash: project, rev, expect_*),
# a real 3-node cluster of its own (cluster.bash) started on the script's
# ports, and the ways to drive and read it: `rd ARGS` runs retort with
# `--db $url` (bounded in time), `dq SQL` reads through the `dqlite` shell.
# Skips (exit 77, with a message) where go-dqlite is missing.
#
# The script sets CLUSTER_BASE (its own block of 10 ports in 19200-19399)
# before sourcing this file.
dqlite_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$dqlite_dir/../chain/common.bash"
source "$dqlite_dir/cluster.bash"

test_name=dqlite_$(basename "$0" .sh)

cluster_fail() {
	fail "$@"
}
cluster_need

CLUSTER_DIR=$work/cluster
# the nodes first (by their pids), then common.bash's cleanup; a failed run
# shows the end of each node's log
on_exit() {
	local st=$? i
	cluster_stop
	if ((st != 0 && st != 77)); then
		for i in "${cluster_nodes[@]}"; do
			[[ -s $CLUSTER_DIR/node$i.log ]] || continue
			echo "--- node $i (${node_addr[i]:-}) log, last lines:" >&2
			tail -5 "$CLUSTER_DIR/node$i.log" >&2
		done
	fi
	cleanup
}
trap on_exit EXIT

cluster_start
url=dqlite://$servers/$cluster_db

# url_of ADDRESSES: the retort URL of the database on those nodes
url_of() {
	printf 'dqlite://%s/%s' "$1" "$cluster_db"
}

# rd ARGS...: retort --db $url ARGS (URL=... to name other nodes), like rt:
# rc, $work/out, $work/err; a run past 120 s fails the test
rd() {
	local u=${URL:-$url}
	last_cmd="retort --db $u $*"
	env -u DATABASE_URL -u RETORT_DATABASE_URL NO_COLOR=1 timeout -s KILL 120 "$bin" --db "$u" "$@" \
		> "$work/out" 2> "$work/err"
	rc=$?
	((rc != 137)) || fail "$last_cmd did not finish in 120 s: $(head -c 3000 "$work/err")"
	((rc < 128)) || fail "$last_cmd crashed (exit $rc): $(head -c 3000 "$work/err")"
	return 0
}
rd_ok() {
	rd "$@"
	expect_rc 0
}
rd_rc() {
	local want=$1
	shift
	rd "$@"
	expect_rc "$want"
}

# dq SQL [SERVERS]: SQL's rows through the dqlite shell (a statement that
# starts with SELECT is a query to it, anything else is run); NULL shows as
# <nil>, columns are separated by |. An error fails the test.
dq() {
	local got
	got=$(dq_raw "${2:-$servers}" "$1" 2> "$work/dq.err") ||
		fail "the dqlite shell on ${2:-$servers} failed on: $1
$(head -3 "$work/dq.err")"
	printf '%s\n' "$got"
}

# expect_dq SQL WANT [WHAT] [SERVERS]
expect_dq() {
	local got
	got=$(dq "$1" "${4:-$servers}")
	[[ $got == "$2" ]] || fail "${3:+$3: }$1 through the dqlite shell on ${4:-$servers} gave
$got
expected
$2
(after $last_cmd)"
	ok "${3:-}"
}

# dq_has TABLE [SERVERS]: 0 when the table exists
dq_has() {
	[[ $(dq "SELECT count(*) FROM sqlite_master WHERE name = '$1'" "${2:-}") == 1 ]]
}

# dq_version [SERVERS]: the version table's rows, sorted, on one line
dq_version() {
	dq_has retort_version "${1:-}" || return 0
	dq "SELECT coalesce(group_concat(revision, ' '), '') FROM (SELECT revision FROM retort_version ORDER BY revision)" "${1:-}"
}

# expect_dq_version "IDS" [WHAT] [SERVERS]
expect_dq_version() {
	local got
	got=$(dq_version "${3:-}")
	[[ $got == "$1" ]] || fail "${2:+$2: }the cluster's version table holds '$got', expected '$1' (after $last_cmd)"
	ok "${2:-}"
}

# dq_history [SERVERS]: "revision direction" per history row, oldest first
dq_history() {
	dq "SELECT coalesce(revision, 'NULL') || ' ' || direction FROM retort_history ORDER BY id" "${1:-}"
}

# expect_dq_integrity [WHAT] [SERVERS]: integrity_check ok, no foreign-key
# violation
expect_dq_integrity() {
	expect_dq "SELECT group_concat(integrity_check) FROM pragma_integrity_check" ok "${1:-integrity_check ok}" "${2:-}"
	expect_dq "SELECT count(*) FROM pragma_foreign_key_check" 0 "${1:+$1: }no foreign-key violation" "${2:-}"
}

# dq_schema [SERVERS]: the user's schema (type, name, SQL), one object a line
dq_schema() {
	dq "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master
		WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name NOT LIKE 'retort\_%' ESCAPE '\' ORDER BY type, name" "${1:-}"
}
