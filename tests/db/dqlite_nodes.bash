# dqlite_nodes.bash: real dqlite nodes (go-dqlite's dqlite-demo) on loopback
# for the tests of the dqlite client. Sourced, never run. Each node gets its
# own ports and data folder under $dq_dir; every node started is stopped by
# its process id when the script exits, failed or not. No go-dqlite: exit 77
# (CTest's skip), with a message.
for tool in dqlite-demo dqlite; do
	if ! command -v $tool >/dev/null; then
		echo "SKIP: $tool not found (Debian: apt-get install go-dqlite)" >&2
		exit 77
	fi
done

dq_dir=$(mktemp -d "${TMPDIR:-/tmp}/retort-dqlite.XXXXXX")
dq_pids=()

# dq_stop PID: SIGTERM (`timeout` passes it on to its node), then after 5 s
# SIGKILL to the node itself and its `timeout` (a node that lost its quorum
# ignores SIGTERM, and a `timeout` killed leaves its child running).
dq_stop() {
	local node
	node=$(dq_node_pid "$1")
	kill -TERM "$1" 2>/dev/null || return 0
	for _ in $(seq 50); do
		# gone, or a zombie waiting to be reaped
		[[ $(ps -o stat= -p "$1" 2>/dev/null) == [!Z]* ]] || break
		sleep 0.1
	done
	[[ -z $node ]] || kill -KILL "$node" 2>/dev/null
	kill -KILL "$1" 2>/dev/null
	wait "$1"
}

# dqlite-demo 1.11 often crashes (SIGSEGV) on its way out after SIGTERM: that
# is not the test's failure, so bash's notice of it is not shown. The nodes
# go first, then what common.bash cleans (when it was sourced before).
dq_cleanup() {
	local pid
	{
		for pid in "${dq_pids[@]}"; do
			dq_stop "$pid"
		done
	} 2>/dev/null
	rm -rf "$dq_dir"
	if declare -F cleanup >/dev/null; then
		cleanup
	fi
}
trap dq_cleanup EXIT

# dq_node_pid PID: the dqlite-demo process under the `timeout` of dq_start.
dq_node_pid() {
	pgrep -P "$1" dqlite-demo
}

# dq_port: a free pair of ports (DBPORT, DBPORT+1) from this suite's range
# 19110-19189, into dq_port. A port a stopped node held stays in TIME_WAIT
# for a while, where dqlite cannot bind it again: those are skipped too.
dq_taken=" "
dq_port() {
	local used p
	used=$(ss -Htan 2>/dev/null | awk '{print $4}' | sed 's/.*://' | sort -u | tr '\n' ' ')
	for ((p = 19110; p < 19190; p += 2)); do
		[[ " $used $dq_taken" == *" $p "* || " $used " == *" $((p + 1)) "* ]] && continue
		dq_taken+="$p "
		dq_port=$p
		return 0
	done
	echo "FAIL: no free port pair in 19110-19189" >&2
	exit 1
}

# dq_start DBPORT [JOIN_DBPORT]: a node replicating on 127.0.0.1:DBPORT (its
# demo API on DBPORT+1), joined to the node on JOIN_DBPORT; its pid is
# appended to dq_pids and left in dq_pid.
dq_start() {
	local port=$1 join=${2:-} args=()
	mkdir -p "$dq_dir/$port"
	[[ -z $join ]] || args=(--join "127.0.0.1:$join")
	timeout 900 dqlite-demo --db "127.0.0.1:$port" --api "127.0.0.1:$((port + 1))" \
		--dir "$dq_dir/$port" "${args[@]}" >"$dq_dir/$port.log" 2>&1 &
	dq_pid=$!
	dq_pids+=("$dq_pid")
}

# dq_wait_nodes DBPORT N [voter]: until the node on DBPORT lists N nodes (with
# `voter`: N voters; a node joins as a spare and is promoted a little later),
# 30 s at most.
dq_wait_nodes() {
	local n
	for _ in $(seq 150); do
		n=$(timeout 5 dqlite -s "127.0.0.1:$1" demo .cluster 2>/dev/null | grep -c "${3:-.}")
		[[ $n -ge $2 ]] && return 0
		sleep 0.2
	done
	echo "FAIL: the node on port $1 never listed $2 ${3:-node}s; logs in $dq_dir" >&2
	cat "$dq_dir"/*.log >&2
	exit 1
}
