#!/usr/bin/env bash
# `retort edit [REV]` opens revision files in $VISUAL, else $EDITOR, run by
# sh with the paths as arguments; REV is a TARGET as for show (default: the
# only head). The editor here is a script that records its arguments and
# really edits the file, and what it wrote is what upgrade then runs. No
# editor, an unknown or ambiguous REV, base, an editor that fails or leaves
# the file malformed: exit 2 with a clear message. While the editor runs,
# SIGINT is the editor's, not retort's. `retort show` takes head and current
# (several: each shown).
source "$(dirname "$0")/common.bash"

# the editor: logs "ARG" lines to $work/editor.log (and "missing ARG" for an
# argument that is not a file from its working directory), then runs
# $EDIT_ACTION on each file, and exits $EDIT_EXIT (default 0)
cat > "$work/ed.sh" <<'EOF'
#!/usr/bin/env bash
for a in "$@"; do
	if [[ $a == -* || -f $a ]]; then echo "$a"; else echo "missing $a"; fi
done >> "$EDIT_LOG"
echo "the editor's own output"
for a in "$@"; do
	[[ $a == -* ]] || eval "${EDIT_ACTION:-true}"
done
exit "${EDIT_EXIT:-0}"
EOF
chmod +x "$work/ed.sh"
export EDIT_LOG=$work/editor.log

# ed ARGS...: retort ARGS with EDITOR the script above (VISUAL unset), the
# log emptied first
ed() {
	: > "$EDIT_LOG"
	EDITOR=$work/ed.sh VISUAL= rt "$@"
}
# expect_edited PATH...: the editor ran once, with exactly these arguments
expect_edited() {
	local want
	want=$(printf '%s\n' "$@")
	[[ $(cat "$EDIT_LOG") == "$want" ]] || fail "$last_cmd gave the editor
$(cat "$EDIT_LOG")
expected
$want"
	ok "$last_cmd edits $*"
}
expect_not_edited() {
	[[ ! -s $EDIT_LOG ]] || fail "$last_cmd ran the editor: $(cat "$EDIT_LOG")"
	ok "$last_cmd runs no editor"
}

project "$work/my project"
rev aaaa00000001 none "create pet" "CREATE TABLE pet (id INTEGER PRIMARY KEY);" "DROP TABLE pet;"
rev bbbb00000002 aaaa00000001 "add name" "ALTER TABLE pet ADD COLUMN name TEXT;" "ALTER TABLE pet DROP COLUMN name;"
a=aaaa00000001 b=bbbb00000002
fa=$(rev_file $a) fb=$(rev_file $b)

# the default is the only head; the editor's edit is what upgrade runs
EDIT_ACTION='sed -i "s/ADD COLUMN name TEXT;/ADD COLUMN name TEXT NOT NULL DEFAULT '"'x'"';/" "$a"' ed edit
expect_rc 0
expect_edited "$fb"
[[ $(cat "$work/out") == "the editor's own output" ]] || fail "edit printed on stdout: $(cat "$work/out")"
ok "edit prints nothing on stdout but the editor's output"
grep -q "NOT NULL DEFAULT 'x'" "$fb" || fail "the editor's change is not in $fb"
run_ok upgrade
expect_q "SELECT \"notnull\" || ' ' || dflt_value FROM pragma_table_info('pet') WHERE name = 'name'" "1 'x'" app.db "upgrade runs the edited SQL"
run_ok show head
expect_out "NOT NULL DEFAULT 'x'" "show head shows the edited file"

# REV as show takes it: a prefix, head-1, current
ed edit aaaa
expect_rc 0
expect_edited "$fa"
ed edit head-1
expect_rc 0
expect_edited "$fa"
ed edit current
expect_rc 0
expect_edited "$fb"
ed edit current --db sqlite:///other.db
expect_rc 2
expect_err "'current' names no revision: the database is at base" "edit current at base"
expect_not_edited

# VISUAL over EDITOR; an editor with arguments; an empty VISUAL is unset
: > "$EDIT_LOG"
VISUAL="$work/ed.sh --from-visual" EDITOR=false rt edit $a
expect_rc 0
expect_edited --from-visual "$fa"
: > "$EDIT_LOG"
VISUAL= EDITOR="'$work/ed.sh' --wait" rt edit $a
expect_rc 0
expect_edited --wait "$fa"

# from a subfolder the path names the file from there (the project's folder
# has a blank in its name: one argument all the same)
mkdir sub
cd sub || fail "no sub"
ed edit $b
expect_rc 0
[[ $(wc -l < "$EDIT_LOG") == 1 && $(cat "$EDIT_LOG") != missing* ]] || fail "from a subfolder the editor got: $(cat "$EDIT_LOG")"
ok "edit from a subfolder"
cd .. || fail "no project"

# no editor at all
env -u VISUAL -u EDITOR EDIT_LOG=/dev/null "$bin" edit > "$work/out" 2> "$work/err"
rc=$? last_cmd="retort edit (no VISUAL, no EDITOR)"
expect_rc 2
expect_err "^retort: error: no editor: set VISUAL or EDITOR" "no editor"
expect_out_empty
VISUAL= EDITOR= rt edit
expect_rc 2
expect_err "no editor: set VISUAL or EDITOR" "empty VISUAL and EDITOR are unset"

# unknown, malformed, base
for bad in ffff nope base; do
	ed edit $bad
	expect_rc 2
	expect_not_edited
done
ed edit ffff
expect_err "no revision ffff" "an unknown id"
ed edit base
expect_err "'base' names no revision" "base"
ed edit $a $b
expect_rc 2
expect_err "edit takes one revision" "two operands"

# the editor fails: exit 2, said; the file as it left it
cp "$fa" "$work/fa.before"
EDIT_EXIT=3 ed edit $a
expect_rc 2
expect_err "the editor '.*ed\.sh' exited with status 3" "the editor's exit status"
cmp -s "$fa" "$work/fa.before" || fail "a failed editor changed $fa"
ok
: > "$EDIT_LOG"
VISUAL=/no/such/editor rt edit $a
expect_rc 2
expect_err "the editor '/no/such/editor' exited with status 127 \(the shell found no such command\)" "no such editor"

# the editor leaves the file malformed: told at its line, exit 2
cp "$fa" "$work/fa.good"
EDIT_ACTION='printf "garbage\n" > "$a"' ed edit $a
expect_rc 2
expect_err "^revisions/${a}_create_pet\.sql:1:1: error: " "a malformed file is told at its line"
cp "$work/fa.good" "$fa"

# --json: one document on stdout, the editor's output on stderr
ed --json edit heads
expect_rc 0
expect_json "json_extract(j, '\$.edited')" "[\"$fb\"]" "edit --json names the files"
expect_err "the editor's own output" "the editor writes to stderr with --json"

# --json errors: one document on stdout, as for every command
VISUAL= EDITOR= rt --json edit
expect_rc 2
expect_json "json_extract(j, '\$.error.code') || ': ' || json_extract(j, '\$.error.message')" \
	"invalid: no editor: set VISUAL or EDITOR (for example EDITOR=vi retort edit head)" "edit --json without an editor"
ed --json edit $a $b
expect_rc 2
expect_json "json_extract(j, '\$.error.code')" usage "edit --json with two operands"
EDIT_ACTION='printf "garbage\n" > "$a"' ed --json edit $a
expect_rc 2
expect_json "json_extract(j, '\$.error.file') || ':' || json_extract(j, '\$.error.line')" \
	"revisions/${a}_create_pet.sql:1" "edit --json: the malformed file and line"
cp "$work/fa.good" "$fa"

# several heads: head (and the default) is ambiguous; heads opens each, in
# one run of the editor
rev cccc00000003 $a "other branch" "CREATE TABLE toy (id INTEGER PRIMARY KEY);" "DROP TABLE toy;"
fc=$(rev_file cccc00000003)
for target in "" head; do
	ed edit $target
	expect_rc 2
	expect_err "'head' is ambiguous: the chain has several heads.*$b.*cccc00000003|'head' is ambiguous.*cccc00000003.*$b" "edit ${target:-(default)} with two heads"
	expect_not_edited
done
ed edit heads
expect_rc 0
[[ $(sort "$EDIT_LOG") == "$(printf '%s\n' "$fb" "$fc" | sort)" ]] || fail "edit heads gave the editor $(cat "$EDIT_LOG")"
ok "edit heads opens both heads in one run"

# show head / show current
run_rc 2 show head
expect_err "'head' is ambiguous" "show head with two heads"
run_ok show current
expect_out "^revision: $b \(head\)" "show current"
run_ok upgrade heads
run_ok show current
expect_out "^revision: $b" "show current at two branches shows one"
expect_out "^revision: cccc00000003" "and the other"
[[ $(grep -c '^revision: ' "$work/out") == 2 ]] || fail "show current at two branches showed $(grep -c '^revision: ' "$work/out") revisions"
ok
run_rc 2 show current --db sqlite:///other.db
expect_err "'current' names no revision: the database is at base" "show current at base"
run_ok --json show current
expect_json "json_array_length(j, '\$.revisions')" 2 "show current --json"

# while the editor runs, SIGINT reaches retort but does not end it; the
# editor is started with SIGINT as retort got it (here: not ignored)
cat > "$work/wait.sh" <<'EOF'
#!/usr/bin/env bash
echo "$(awk '/^SigIgn:/ { print $2 }' /proc/self/status 2>/dev/null)" > "$EDIT_LOG"
for ((i = 0; i < 200; i++)); do [[ -e $EDIT_LOG.go ]] && exit 0; sleep 0.05; done
exit 9
EOF
chmod +x "$work/wait.sh"
rm -f "$EDIT_LOG" "$EDIT_LOG.go"
# a background job of a script has SIGINT ignored: perl gives it back
EDITOR="$work/wait.sh" perl -e '$SIG{INT} = $SIG{QUIT} = "DEFAULT"; exec @ARGV' "$bin" edit $a > "$work/out" 2> "$work/err" &
pid=$!
for ((i = 0; i < 200; i++)); do [[ -s $EDIT_LOG ]] && break; sleep 0.05; done
[[ -s $EDIT_LOG ]] || fail "the editor did not start"
kill -INT $pid
sleep 0.2
touch "$EDIT_LOG.go"
wait $pid
rc=$? last_cmd="retort edit (SIGINT while the editor runs)"
expect_rc 0
ign=$(cat "$EDIT_LOG")
if [[ -n $ign ]]; then
	(( (0x$ign & 2) == 0 )) || fail "the editor was started with SIGINT ignored (SigIgn $ign)"
	ok "the editor gets SIGINT as retort got it"
fi

finish
