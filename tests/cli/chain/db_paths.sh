#!/usr/bin/env bash
# What is wrong with the database file itself is a clear error before
# anything runs, naming the file, with its exit code, and nothing is written:
# a folder that does not exist (2, every command but check, for which no
# database is no database), a directory (2), a file that is not a SQLite
# database (2, the file unchanged), and for the writing commands a read-only
# file, a read-only folder (SQLite writes its journal there) and a file that
# cannot be created in a read-only folder (3). Reading commands read a
# read-only file as it is. As root, the read-only cases run as nobody
# (setpriv), since root may write anything.
source "$(dirname "$0")/common.bash"

project
rev aaaa00000001 none "pets" "CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO pet (name) VALUES ('rex'), ('tom');" "DROP TABLE pet;"
rev bbbb00000002 aaaa00000001 "pet kind" "ALTER TABLE pet ADD COLUMN kind TEXT;" \
	"ALTER TABLE pet DROP COLUMN kind;"

writing=("upgrade head" "downgrade base" "stamp head")
reading=("current" "status" "history -r base:current" "inspect" "upgrade head --sql" "downgrade base --sql")

# tree_of DB: the project's files (not the revisions cache), and DB's hash
tree_of() {
	find . -path ./revisions/.retort-cache -prune -o -print | sort
	sha256sum "$1" 2> /dev/null
}

# bad_path CODE REGEX DB ARGS...: retort --db DB ARGS exits CODE with REGEX
# as its only message, prints nothing on stdout, and the folder is as it was
bad_path() {
	local want=$1 re=$2 db=$3 before
	shift 3
	before=$(tree_of "$db")
	rt --db "$db" "$@"
	expect_rc "$want" "retort --db $db $*"
	expect_out_empty
	expect_err "^retort: error: $re\$" "retort --db $db $*: the message"
	[[ $(wc -l < "$work/err") == 1 ]] || fail "$last_cmd said more than its error: $(shown)"
	[[ $(tree_of "$db") == "$before" ]] || fail "$last_cmd changed the folder"
	ok
}

# a folder that does not exist: no command could make the database there
for args in "${writing[@]}" "${reading[@]}"; do
	bad_path 2 "the folder 'nowhere' of database 'nowhere/app.db' does not exist" nowhere/app.db $args
done
bad_path 2 "the folder 'pets.txt' of database 'pets.txt/app.db' does not exist" pets.txt/app.db upgrade head
[[ ! -e nowhere ]] || fail "a folder was created"
ok
# check (for CI) reads a database only when there is one
rt --db nowhere/app.db check
expect_rc 1 "check without the database's folder: the models differ, nothing else"
expect_no_err 'error' "check: no error for a database that is not there"

# a directory
mkdir data.db
for args in "${writing[@]}" "${reading[@]}" check; do
	bad_path 2 "database 'data.db' is a directory, not a SQLite database file" data.db $args
done
bad_path 2 "database 'data.db' is a directory, not a SQLite database file" data.db inspect db:data.db

# a file that is not a SQLite database
printf 'name,kind\nrex,dog\n' > pets.txt
for args in "${writing[@]}" "${reading[@]}" check; do
	bad_path 2 "'pets.txt' is not a SQLite database" pets.txt $args
done
bad_path 2 "'pets.txt' is not a SQLite database" pets.txt diff --from db:pets.txt

# the database, at the first revision
run_ok upgrade aaaa00000001
cp app.db "$work/at1.db"

if ! other_user; then
	echo "skipped: running as root without setpriv to run as nobody: the read-only cases need a user who cannot write"
	finish
fi
# modes FILE FOLDER: a read-only file (folder writable), a read-only folder
# (file writable); as root the files are root's, so nobody writes only 666
# and 777
if ((EUID == 0)); then ro_file=(444 777) ro_folder=(666 755); else ro_file=(444 755) ro_folder=(644 555); fi
modes() {
	[[ ! -e app.db ]] || chmod "$1" app.db
	chmod "$2" .
}

# unchanged_after ARGS...: as the other user, retort ARGS exits 3 with the
# message $msg, and the database is byte for byte as it was, no journal left
unchanged_after() {
	# no -wal or -shm left from a read (SQLite's last connection removes them)
	q "PRAGMA schema_version" > /dev/null
	cp app.db "$work/before.db"
	as_other "$@"
	expect_rc 3 "retort $* ($label)"
	expect_out_empty
	expect_err "^retort: error: $msg\$" "retort $*: the message ($label)"
	cmp -s app.db "$work/before.db" || fail "$last_cmd changed the database"
	[[ ! -e app.db-journal && ! -e app.db-wal ]] || fail "$last_cmd left a journal"
	ok
}

for mode in rollback wal; do
	[[ $mode == rollback ]] || expect_q "PRAGMA journal_mode = WAL" wal

	label="$mode, read-only file"
	msg="database '[^']*app.db' is read-only"
	modes "${ro_file[@]}"
	for args in "${writing[@]}"; do
		unchanged_after $args
	done
	# reading is fine
	as_other current
	expect_rc 0 "current on a read-only file"
	expect_out "^aaaa00000001 pets"
	as_other upgrade head --sql
	expect_rc 0 "upgrade --sql on a read-only file"
	modes 644 755

	label="$mode, read-only folder"
	msg="database '[^']*app.db' is read-only: its folder '[^']*' is, and SQLite writes its journal there"
	modes "${ro_folder[@]}"
	for args in "${writing[@]}"; do
		unchanged_after $args
	done
	modes 644 755
done

# a database to create in a read-only folder
rm -f app.db
modes 644 "${ro_folder[1]}"
as_other upgrade head
expect_rc 3 "upgrade head creating a database in a read-only folder"
expect_err "^retort: error: cannot create database '[^']*app.db': its folder '[^']*' is read-only$"
[[ ! -e app.db ]] || fail "a database was created"
ok
modes 644 755

# with write access, the same upgrade runs
cp "$work/at1.db" app.db
run_ok upgrade head
expect_version bbbb00000002
expect_q "SELECT group_concat(name) FROM pet" "rex,tom"
finish
