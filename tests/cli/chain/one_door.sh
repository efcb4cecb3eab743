#!/usr/bin/env bash
# One door to a live database (issue 16): the source tree, read with grep.
# - libsqlite3 opens a database only in the scratch opener (lib/scratch.c)
#   and the local backend (lib/db/);
# - outside lib/db/, the files that reach a live database (the engine, the
#   readers, the CLI: every file of lib/ and cmd/ but the scratch-only ones
#   below) call no sqlite3_* function on a handle: only the ones that take
#   none (string compares, the library's version and settings) and
#   sqlite3_close() of a scratch handle (scratch.h), named so;
# - the scratch-only files (in-memory databases from retort_scratch_open()) hold
#   no connection, so that a live database cannot slip into them;
# - the bare-handle opener (dbopen.h) is included only in lib/db/.
# Comments are left out; each breach is printed as FILE:LINE:CALL.
source "$(dirname "$0")/common.bash"

src=${RETORT_SOURCE_DIR:?RETORT_SOURCE_DIR must name the source tree}
cd "$src" || fail "no source tree at $src"

scratch_only="lib/scratch.c lib/build.c lib/model.c lib/replay.c lib/proof.c lib/sqlsame.c lib/inplace.c"
handle_free='stricmp|strnicmp|strglob|keyword_check|libversion|config|complete|threadsafe'

# code FILE: FILE without its comments, line numbers kept
code() {
	perl -0777 -pe 's{/\*.*?\*/}{ $& =~ tr/\n//cdr }gse' "$1"
}
# calls FILE: each sqlite3_* call in FILE's code as LINE:CALL(ARGS...
calls() {
	code "$1" | grep -onE 'sqlite3_[a-z0-9_]+[[:space:]]*\([^)]*' || true
}

mapfile -t sources < <(find lib cmd -name '*.[ch]' | sort)
((${#sources[@]} > 20)) || fail "found only ${#sources[@]} source files under $src"

breach=
for f in "${sources[@]}"; do
	case $f in lib/db/* | lib/scratch.c) continue ;; esac
	while read -r hit; do
		breach+="$f:$hit"$'\n'
	done < <(calls "$f" | grep -E ':sqlite3_open')
done
[[ -z $breach ]] || fail "sqlite3_open outside lib/scratch.c and lib/db/:"$'\n'"$breach"
ok "no sqlite3_open outside the scratch opener and the local backend"

for f in "${sources[@]}"; do
	case " $scratch_only " in *" $f "*) continue ;; esac
	case $f in lib/db/*) continue ;; esac
	while read -r hit; do
		breach+="$f:$hit"$'\n'
	done < <(calls "$f" | grep -vE ":sqlite3_($handle_free)[[:space:]]*\(" |
		grep -vE ':sqlite3_close[[:space:]]*\([a-z_>.-]*scratch[a-z_]*$')
done
[[ -z $breach ]] || fail "sqlite3_* calls on a handle outside lib/db/:"$'\n'"$breach"
ok "no sqlite3_* call on a live database outside lib/db/"

for f in $scratch_only; do
	[[ -f $f ]] || fail "$f (scratch-only) is gone: update this test"
	! code "$f" | grep -qnE '\bretort_db\b' || breach+="$f: holds a retort_db"$'\n'
done
[[ -z $breach ]] || fail "a scratch-only file holds a connection:"$'\n'"$breach"
ok "the scratch-only files hold no connection"

for f in "${sources[@]}"; do
	case $f in lib/db/*) continue ;; esac
	! code "$f" | grep -qE '#include[[:space:]]+"(db/)?dbopen\.h"' || breach+="$f"$'\n'
done
[[ -z $breach ]] || fail "dbopen.h (bare handles) included outside lib/db/:"$'\n'"$breach"
ok "dbopen.h stays in lib/db/"

finish
