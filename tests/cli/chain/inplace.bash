# inplace.bash: what the inplace_*.sh and kill_inplace.sh scripts share
# (sourced; it sources common.bash unless kill.bash brought it first):
# telling an in-place step from a rebuild, and a second connection kept open
# across a run of retort.
[[ -n ${test_name:-} ]] || source "$(dirname "${BASH_SOURCE[0]}")/common.bash"

# pet_models NAME AGE OWNER: models/pets.yaml, an owner table and a pet table
# whose name, age and owner_id columns get the extra model keys given (e.g.
# ", nullable: false", ", check: \"age >= 0\"", ", references: owner.id")
pet_models() {
	local name=$1 age=$2 owner=$3
	cat > models/pets.yaml <<-YAML
	tables:
	  owner:
	    columns:
	      id: {type: INTEGER, primary_key: true}
	  pet:
	    columns:
	      id: {type: INTEGER, primary_key: true}
	      name: {type: TEXT$name}
	      age: {type: INTEGER$age}
	      owner_id: {type: INTEGER$owner}
	YAML
}

# section_of FILE upgrade|downgrade: the SQL of a revision file's section
section_of() {
	awk -v want="-- retort:$2" '
		/^-- retort:(upgrade|downgrade)[ \t]*$/ { on = ($0 ~ "^" want); next }
		on { print }' "$1"
}

# expect_in_place FILE upgrade|downgrade [WHAT]: the section edits the
# table's definition (writable_schema) and makes no new table to copy the
# rows into (the rebuild's _retort_new_*)
expect_in_place() {
	local sql
	sql=$(section_of "$1" "$2")
	grep -qi 'writable_schema' <<<"$sql" && ! grep -qi '_retort_new_' <<<"$sql" ||
		fail "${3:+$3: }the $2 of $1 is not in place:
$sql"
	ok "${3:-the $2 of $1 is in place}"
}

# conn_open [DB]: a second connection to DB (default app.db), the sqlite3
# shell reading from a FIFO, kept open (and idle between commands) until
# conn_close
conn_open() {
	rm -f "$work/conn.in"
	mkfifo "$work/conn.in"
	sqlite3 -batch "${1:-app.db}" < "$work/conn.in" > /dev/null 2>> "$work/conn.err" &
	conn_pid=$!
	exec 4<> "$work/conn.in"
}

conn_close() {
	echo ".quit" >&4
	exec 4>&-
	wait "$conn_pid" 2>/dev/null
}

# conn_q STATEMENTS EXPR: run STATEMENTS (may be "") on the second
# connection, then SELECT EXPR; sets conn_out to its value. Errors of the
# statements go to $work/conn.err, and the shell goes on (no -bail).
conn_q() {
	local f i
	# numbered over the whole script: a file of an earlier connection
	# must never pass for this answer
	conn_n=$((${conn_n:-0} + 1))
	f=$work/conn.$conn_n
	rm -f "$f"
	# .once writes the next statement's result to a file of its own, closed
	# when the statement ends: whole when its end marker is there
	printf '%s\n.once %s\nSELECT (%s) || %s;\n' "$1" "$f" "$2" "'|end'" >&4
	for ((i = 0; i < 1000; i++)); do
		if grep -q '|end$' "$f" 2>/dev/null; then
			conn_out=$(sed 's/|end$//' "$f")
			return
		fi
		sleep 0.01
	done
	fail "the second connection did not answer: $1 SELECT $2
$(tail -5 "$work/conn.err")"
}

# conn_expect STATEMENTS EXPR WANT WHAT: conn_q gave WANT
conn_expect() {
	conn_q "$1" "$2"
	[[ $conn_out == "$3" ]] || fail "$4: on the second connection, $1 SELECT $2 gave '$conn_out', expected '$3'
$(tail -5 "$work/conn.err")"
	ok "$4"
}
