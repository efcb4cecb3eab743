#!/bin/bash
# The dqlite wire client and backend against real nodes (the harness of
# tests/cli/dqlite/cluster.bash): a 3-node cluster, whose URL names a port
# nobody listens on, then a follower, then the leader, so that the client
# must skip the first and be sent on by the second; and a node alone, a
# cluster of its own. Usage: dqlite.sh TEST_BINARY
set -uo pipefail
CLUSTER_BASE=19240
source "$(dirname "$0")/../cli/dqlite/cluster.bash"
cluster_need
CLUSTER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/retort-dqlite.XXXXXX")
# dqlite-demo 1.11 often crashes (SIGSEGV) on its way out after SIGTERM:
# that is not the test's failure, so bash's notice of it is not shown
trap '{ cluster_stop; } 2> /dev/null; rm -rf "$CLUSTER_DIR"' EXIT

nobody=127.0.0.1:$((CLUSTER_BASE + 9))
port_busy $((CLUSTER_BASE + 9)) && cluster_fail "port ${nobody#*:} is taken: the test needs it unused"
cluster_start
node_start 4
for ((k = 0; k < 300; k++)); do
	(($(voters "${node_addr[4]}") == 1)) && break
	sleep 0.1
done
(($(voters "${node_addr[4]}") == 1)) || cluster_fail "the node alone never listed itself: $(tail -5 "$CLUSTER_DIR/node4.log")"
leader=$(wait_leader "$servers")
for i in 1 2 3; do
	[[ ${node_addr[i]} == "$leader" ]] || follower=${node_addr[i]}
done
RETORT_DQLITE_URL=dqlite://$nobody,$follower,$leader/wire \
RETORT_DQLITE_LEADER=$leader \
RETORT_DQLITE_SOLO_URL=dqlite://${node_addr[4]}/big \
RETORT_DQLITE_LEADER_PID=${node_pid[$(node_of "$leader")]} timeout 120 "$1"
