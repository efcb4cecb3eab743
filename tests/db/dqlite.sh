#!/bin/bash
# The dqlite wire client and backend against two real nodes: the URL names a port nobody
# listens on, then the follower, then the leader, so that the client must
# skip the first and be sent on by the second; and a node alone. Usage: dqlite.sh TEST_BINARY
set -uo pipefail
source "$(dirname "$0")/dqlite_nodes.bash"

dq_port; leader=$dq_port
dq_port; follower=$dq_port
dq_port; nobody=$dq_port
dq_port; solo=$dq_port
dq_start $solo
dq_wait_nodes $solo 1
dq_start $leader
leader_pid=$dq_pid
dq_wait_nodes $leader 1
dq_start $follower $leader
dq_wait_nodes $leader 2
RETORT_DQLITE_URL=dqlite://127.0.0.1:$nobody,127.0.0.1:$follower,127.0.0.1:$leader/wire \
RETORT_DQLITE_LEADER=127.0.0.1:$leader \
RETORT_DQLITE_SOLO_URL=dqlite://127.0.0.1:$solo/big \
RETORT_DQLITE_LEADER_PID=$(dq_node_pid "$leader_pid") timeout 120 "$1"
