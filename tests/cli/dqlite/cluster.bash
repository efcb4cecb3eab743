# cluster.bash: a real 3-node dqlite cluster on loopback for the
# tests/cli/dqlite/*.sh scripts and bench/dqlite.sh (sourced, never run).
#
# Three `dqlite-demo` nodes (Debian's go-dqlite) listen on 127.0.0.1 ports
# CLUSTER_BASE+1..+6 (node i: HTTP API on BASE+2i-1, dqlite on BASE+2i), each
# with a data folder of its own under CLUSTER_DIR; nodes 2 and 3 join node 1.
# cluster_start returns once `dqlite -s ... .cluster` lists three voters.
# Every node runs under `timeout` (CLUSTER_LIFETIME seconds, default 900), and
# cluster_stop stops them by process id: SIGTERM, a bounded wait, then
# SIGKILL (a dqlite-demo that has lost quorum ignores SIGTERM).
#
# The caller sets CLUSTER_BASE (a block of 10 ports of its own: parallel
# scripts never collide), CLUSTER_DIR, and may define cluster_fail MESSAGE
# (default: print and exit 1). It calls cluster_stop on every exit (trap).

: "${CLUSTER_LIFETIME:=900}"
cluster_nodes=(1 2 3)
node_pid=()   # node i's dqlite-demo process (the one to signal)
node_parent=() # the `timeout` that bounds it (the one to wait for)
node_addr=()  # node i's dqlite address, HOST:PORT
servers=''    # every node's address, comma-separated
cluster_db=app

if ! declare -F cluster_fail > /dev/null; then
	cluster_fail() {
		echo "FAIL: $*" >&2
		exit 1
	}
fi

# cluster_need: go-dqlite's two programs are there, else exit 77 (a CTest
# skip) saying so; under CI=true their absence is a failure
cluster_need() {
	local p
	for p in dqlite-demo dqlite; do
		command -v "$p" > /dev/null && continue
		if [[ ${CI:-} == true ]]; then
			echo "FAIL: $p is missing (scripts/install-deps.sh installs go-dqlite)" >&2
			exit 1
		fi
		echo "SKIP: $p is missing: no dqlite cluster to test against (Debian: apt-get install go-dqlite; scripts/install-deps.sh)"
		exit 77
	done
}

# port_busy PORT: 0 when something already listens on 127.0.0.1:PORT
port_busy() {
	(exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null
}

# node_start I [JOIN]: start node I (joined to address JOIN); sets node_pid[I]
node_start() {
	local i=$1 join=${2:-} api=$((CLUSTER_BASE + 2 * $1 - 1)) db=$((CLUSTER_BASE + 2 * $1)) parent k
	local args=(-a "127.0.0.1:$api" -d "127.0.0.1:$db" -D "$CLUSTER_DIR/node$i")
	[[ -n $join ]] && args+=(-j "$join")
	mkdir -p "$CLUSTER_DIR/node$i"
	timeout -s KILL "$CLUSTER_LIFETIME" dqlite-demo "${args[@]}" > "$CLUSTER_DIR/node$i.log" 2>&1 &
	parent=$!
	node_parent[i]=$parent
	node_addr[i]=127.0.0.1:$db
	# the node itself, the child of `timeout`: the one to signal
	for ((k = 0; k < 200; k++)); do
		node_pid[i]=$(pgrep -P "$parent" -x dqlite-demo) || true
		[[ -n ${node_pid[i]} ]] && return
		kill -0 "$parent" 2> /dev/null || break
		sleep 0.01
	done
	cluster_fail "node $i (dqlite-demo ${args[*]}) did not start: $(tail -5 "$CLUSTER_DIR/node$i.log")"
}

# dq_raw SERVERS SQL...: the dqlite shell on SERVERS (comma-separated), with
# its output on stdout and stderr; bounded in time
dq_raw() {
	local s=$1
	shift
	timeout 30 dqlite -s "$s" "$cluster_db" "$@"
}

# voters SERVERS: how many voters SERVERS' cluster lists
voters() {
	dq_raw "$1" .cluster 2> /dev/null | grep -c '|voter$' || true
}

# cluster_start: the three nodes, up and voting (at most 60 s)
cluster_start() {
	local i p n=0
	: "${CLUSTER_BASE:?CLUSTER_BASE must name the first of 10 ports}" "${CLUSTER_DIR:?CLUSTER_DIR must name a folder}"
	for ((p = CLUSTER_BASE + 1; p <= CLUSTER_BASE + 6; p++)); do
		port_busy "$p" && cluster_fail "port $p on 127.0.0.1 is taken: another cluster (or program) holds it"
	done
	node_start 1
	# a node that joins one not listening yet exits
	for ((i = 0; i < 300; i++)); do
		(($(voters "${node_addr[1]}") == 1)) && break
		kill -0 "${node_pid[1]}" 2> /dev/null || cluster_fail "node 1 exited: $(tail -5 "$CLUSTER_DIR/node1.log")"
		sleep 0.05
	done
	for i in 2 3; do
		node_start "$i" "${node_addr[1]}"
	done
	servers=$(IFS=,; echo "${node_addr[*]}")
	for ((i = 0; i < 600; i++)); do
		n=$(voters "$servers")
		((n == 3)) && return
		for p in 1 2 3; do
			kill -0 "${node_pid[p]}" 2> /dev/null || cluster_fail "node $p exited while the cluster formed: $(tail -5 "$CLUSTER_DIR/node$p.log")"
		done
		sleep 0.1
	done
	cluster_fail "after 60 s the cluster lists $n voters, not 3: $(dq_raw "$servers" .cluster 2>&1)"
}

# cluster_stop: every node still running: SIGTERM, up to 5 s, then SIGKILL
# (written to run under `set -e` too, as bench/dqlite.sh's trap)
cluster_stop() {
	local i k live
	for i in "${cluster_nodes[@]}"; do
		# a node stopped while it started: its pid not known yet
		if [[ -z ${node_pid[i]:-} && -n ${node_parent[i]:-} ]]; then
			node_pid[i]=$(pgrep -P "${node_parent[i]}" -x dqlite-demo) || true
		fi
		[[ -z ${node_pid[i]:-} ]] || kill -TERM "${node_pid[i]}" 2> /dev/null || true
	done
	for ((k = 0; k < 50; k++)); do
		live=0
		for i in "${cluster_nodes[@]}"; do
			if [[ -n ${node_pid[i]:-} ]] && kill -0 "${node_pid[i]}" 2> /dev/null; then
				live=1
			fi
		done
		((live)) || break
		sleep 0.1
	done
	for i in "${cluster_nodes[@]}"; do
		if [[ -n ${node_pid[i]:-} ]]; then
			kill -KILL "${node_pid[i]}" 2> /dev/null || true
		elif [[ -n ${node_parent[i]:-} ]]; then
			# its node never started: the `timeout` goes instead
			kill -KILL "${node_parent[i]}" 2> /dev/null || true
		fi
		[[ -z ${node_parent[i]:-} ]] || { wait "${node_parent[i]}"; } 2> /dev/null || true
		node_pid[i]=''
		node_parent[i]=''
	done
	return 0
}

# leader [SERVERS]: the leader's address as SERVERS see it ("" while there
# is none)
leader() {
	dq_raw "${1:-$servers}" .leader 2> /dev/null | grep -E '^127\.0\.0\.1:[0-9]+$' || true
}

# node_of ADDRESS: the number of the node at ADDRESS
node_of() {
	local i
	for i in "${cluster_nodes[@]}"; do
		[[ ${node_addr[i]} == "$1" ]] && { echo "$i"; return; }
	done
	cluster_fail "no node listens on '$1'"
}

# node_kill I: SIGKILL node I; the other nodes' addresses go to `survivors`
node_kill() {
	local i
	kill -KILL "${node_pid[$1]}" 2> /dev/null
	{ wait "${node_parent[$1]}"; } 2> /dev/null
	node_pid[$1]=''
	node_parent[$1]=''
	survivors=''
	for i in "${cluster_nodes[@]}"; do
		((i == $1)) || survivors+=${survivors:+,}${node_addr[i]}
	done
}

# wait_leader SERVERS: until SERVERS agree on a leader among themselves
# (at most 30 s); prints it
wait_leader() {
	local k l
	for ((k = 0; k < 300; k++)); do
		l=$(leader "$1")
		[[ -n $l && ,$1, == *",$l,"* ]] && { echo "$l"; return; }
		sleep 0.1
	done
	cluster_fail "no leader among $1 after 30 s"
}
