#!/usr/bin/env bash
# The help, the man page (docs/retort.1) and the bash completion
# (completions/retort.bash) agree with the binary, so that none can drift:
# - every command of `retort --help` has a man section and is completed, and
#   every man section is a command;
# - every option of `retort CMD --help` (long and short) is in the man
#   section of CMD, its synopsis (the .SS line) names every option with its
#   value and the same operands as the usage, and names no other option;
#   docs/cli.md's section of CMD has that synopsis and every option;
#   the global options are the man page's OPTIONS; the completion offers
#   exactly the options of the help, for each command;
# - the TARGET and SOURCE forms the binary itself lists in its errors are in
#   --help of the commands that take them, in the man page and in cli.md;
# - the completion, sourced in bash and called as bash calls it, completes
#   the revision ids of real projects after --parent and -r and for show,
#   edit, stamp, merge, upgrade and downgrade, from the -c and --db given on
#   the line.
source "$(dirname "$0")/common.bash"

src=${RETORT_SOURCE_DIR:?RETORT_SOURCE_DIR must name the source tree}
man_page=$src/docs/retort.1
completion=$src/completions/retort.bash
cli_md=$src/docs/cli.md
mkdir "$work/bin"
ln -s "$bin" "$work/bin/retort"

# help ARGS...: retort ARGS --help
help() {
	env NO_COLOR=1 "$bin" "$@" --help
}
# block TITLE: the lines after the line TITLE up to the next blank line
block() {
	awk -v t="$1" '$0 == t { f = 1; next } /^$/ { f = 0 } f'
}
# options_of: each option of a help block, long and short, one per line
options_of() {
	sed -nE 's/^ +(-([A-Za-z]), )? *--([a-z][a-z0-9-]*).*/-\2 --\3/p' | tr ' ' '\n' | grep -vx -- - || true
}
# arg_of OPTION: the value an option of the help on stdin takes ("" for a flag)
arg_of() {
	sed -nE "s/^ +(-[A-Za-z], )? *(-[A-Za-z], )?.*(^| |, )$1 ([A-Z][A-Z.]*).*/\4/p" | head -n 1
}
# roff: the man page as text: \- is -, fonts dropped
roff() {
	sed -E 's/\\-/-/g; s/\\f[BIRP]//g; s/\\e/\\/g' "$man_page"
}
# man_section CMD: the man page's section of CMD, from its .SS line to the next
# .SS or .SH
man_section() {
	roff | awk -v c="$1" '/^\.S[SH]/ { f = ($1 == ".SS" && $2 == c) } f'
}
# man_sh NAME: the man page's .SH NAME section
man_sh() {
	roff | awk -v n="$1" '/^\.SH/ { f = ($2 == n) } f'
}
# has_token TEXT WORD: WORD in TEXT, not as part of a longer option or name
has_token() {
	grep -qE -- "(^|[^A-Za-z0-9_+-])$(sed 's/[.+]/\\&/g' <<<"$2")([^A-Za-z0-9_-]|$)" <<<"$1"
}
# operands USAGE: the operands of a usage or synopsis line, options and their
# values removed: "[TARGET]", "REV...", "[DIR]"
operands() {
	sed -E 's/^(usage: retort |\.SS )[a-z]+//; s/\[OPTIONS\]//; s/-{1,2}[A-Za-z][A-Za-z-]*( [A-Z]+)?//g' <<<"$1" |
		grep -oE '\[?[A-Z]+(\.\.\.)?\]?' | tr '\n' ' '
}
# sorted WORDS...: the words, sorted, on one line
sorted() {
	printf '%s\n' "$@" | grep -v '^$' | sort -u | tr '\n' ' '
}

# comp LINE: COMPREPLY of the completion for the end of LINE, one per line,
# sorted. LINE is split into COMP_WORDS as bash splits it: at blanks, and at
# each run of = and : (COMP_WORDBREAKS), so that `--from=db:x` is --from, =,
# db, :, x; a LINE that ends in a blank completes an empty word.
comp() {
	PATH="$work/bin:$PATH" env -u DATABASE_URL -u RETORT_DATABASE_URL NO_COLOR=1 bash -c '
		source "$1"
		line=$2
		COMP_WORDS=()
		for chunk in $line; do
			while [[ -n $chunk ]]; do
				[[ $chunk =~ ^[=:]+ ]] || [[ $chunk =~ ^[^=:]+ ]]
				COMP_WORDS+=("${BASH_REMATCH[0]}")
				chunk=${chunk:${#BASH_REMATCH[0]}}
			done
		done
		[[ $line != *" " ]] || COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) COMP_LINE=$line COMP_POINT=${#line}
		_retort retort "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$completion" "$1" | grep -v "^$" | sort -u
}
# expect_comp LINE WORDS...: completing LINE offers exactly WORDS
expect_comp() {
	local line=$1 got want
	shift
	got=$(comp "$line" | tr '\n' ' ')
	want=$(sorted "$@")
	[[ $got == "$want" ]] || fail "completing '$line' offered
  '$got', expected
  '$want'"
	ok "completing '$line'"
}
# expect_comp_has LINE WORDS...: completing LINE offers at least WORDS
expect_comp_has() {
	local line=$1 got w
	shift
	got=$(comp "$line")
	for w in "$@"; do
		grep -qxF -- "$w" <<<"$got" || fail "completing '$line' did not offer '$w'; it offered:
$got"
	done
	ok "completing '$line' offers $*"
}

# ---- commands: --help, man sections, completion ---------------------------
top=$(help)
commands=$(block commands: <<<"$top" | awk '{ print $1 }')
[[ $(wc -w <<<"$commands") -ge 15 ]] || fail "retort --help lists too few commands: $commands"
man_commands=$(roff | awk '$1 == ".SS" { print $2 }')
[[ $(sorted $commands) == "$(sorted $man_commands)" ]] || fail "the commands of retort --help
  $(sorted $commands)
and the man page's sections
  $(sorted $man_commands)
differ"
ok "each command has a man section, each man section is a command"
expect_comp "retort " $commands
expect_comp "retort -c x.yaml --db y.db " $commands

# ---- global options: --help, man OPTIONS, completion ----------------------
globals=$(block options: <<<"$top" | options_of)
man_globals=$(man_sh OPTIONS | awk 'p == ".TP" { print } { p = $1 }' | grep -oE -- '(^|[ ,"])--?[a-z][a-z-]*' | tr -d ' ,"')
[[ $(sorted $globals) == "$(sorted $man_globals)" ]] || fail "the global options of retort --help
  $(sorted $globals)
and the man page's OPTIONS
  $(sorted $man_globals)
differ"
ok "global options: --help and man OPTIONS agree"
for o in $globals; do
	a=$(block options: <<<"$top" | arg_of "$o")
	[[ -z $a ]] || has_token "$(man_sh OPTIONS)" "$a" || fail "man OPTIONS do not name $o's value $a"
done
ok "global options' values are named in the man page"
expect_comp "retort -" $globals

# ---- each command's options and operands ----------------------------------
for cmd in $commands; do
	h=$(help "$cmd") || fail "retort $cmd --help failed"
	usage=$(head -n 1 <<<"$h")
	[[ $usage == "usage: retort $cmd"* ]] || fail "retort $cmd --help starts '$usage'"
	own=$(block options: <<<"$h" | options_of)
	section=$(man_section "$cmd")
	synopsis=$(head -n 1 <<<"$section")
	for o in $own; do
		has_token "$section" "$o" || fail "retort $cmd --help has $o, the man section of $cmd does not:
$section"
	done
	# the synopsis names each option (one of its forms) with its value
	while read -r short long; do
		a=$(block options: <<<"$h" | arg_of "$long")
		if has_token "$synopsis" "$long${a:+ $a}" || { [[ $short == -? ]] && has_token "$synopsis" "$short${a:+ $a}"; }; then
			continue
		fi
		fail "the man synopsis of $cmd lacks $long${a:+ $a}: '$synopsis'"
	done < <(block options: <<<"$h" | sed -nE 's/^ +(-([A-Za-z]), )? *--([a-z][a-z0-9-]*).*/-\2 --\3/p')
	for o in $(grep -oE -- '(^|[ [|])--?[a-z][a-z-]*' <<<"$synopsis" | tr -d ' [|'); do
		grep -qxF -- "$o" <<<"$own" || fail "the man synopsis of $cmd names $o, which retort $cmd --help does not have: '$synopsis'"
	done
	# cli.md's section of CMD: the same synopsis, every option
	md=$(awk -v h="### \`retort $cmd" 'index($0, h) == 1 && substr($0, length(h) + 1, 1) ~ /[ `]/ { f = 1; print; next } /^##/ { f = 0 } f' "$cli_md")
	[[ $(head -n 1 <<<"$md") == "### \`retort ${synopsis#.SS }\`" ]] || fail "cli.md's heading for $cmd, '$(head -n 1 <<<"$md")', is not the man synopsis '$synopsis'"
	for o in $own; do
		has_token "$md" "$o" || fail "retort $cmd --help has $o, cli.md's section of $cmd does not"
	done
	[[ $(operands "$usage") == "$(operands "$synopsis")" ]] || fail "retort $cmd: the usage '$usage' and the man synopsis '$synopsis' have different operands: '$(operands "$usage")' and '$(operands "$synopsis")'"
	expect_comp "retort $cmd -" $own $globals
	expect_comp "retort -q $cmd --json -" $own $globals
done
ok "every command's options are in its man section and synopsis, and completed"

# ---- TARGET and SOURCE forms, as the binary lists them --------------------
project "$work/a"
rev aaaa00000001 none "create t" "CREATE TABLE t (x INTEGER);" "DROP TABLE t;"
rev aaaa00000002 aaaa00000001 "add y" "ALTER TABLE t ADD COLUMN y TEXT;" "ALTER TABLE t DROP COLUMN y;"
rev aaaa00000003 aaaa00000002 "add z" "ALTER TABLE t ADD COLUMN z TEXT;" "ALTER TABLE t DROP COLUMN z;"
run_rc 2 show Zz
expect_err "expected .* or " "a bad TARGET lists the forms"
# "expected head, heads, base, current, a revision id or its prefix, +N, ..."
targets=$(sed -nE 's/.*expected (.*)$/\1/p' "$work/err" | sed -E 's/ or /, /g; s/, /\n/g' | grep -v ' ')
[[ $(wc -l <<<"$targets") -ge 6 ]] || fail "too few TARGET forms in '$(cat "$work/err")'"
targets="$targets current+N current-N"
cli_targets=$(sed -n '/^## TARGETs/,/^## /p' "$cli_md")
for t in $targets; do
	for c in "" upgrade downgrade stamp show edit merge history revision inspect diff; do
		has_token "$(help $c | sed -n '/^TARGET:/,/^$/p')" "$t" || fail "retort $c --help does not tell the TARGET form $t"
	done
	has_token "$(man_sh TARGETS)" "$t" || fail "the man page's TARGETS do not tell $t"
	has_token "$cli_targets" "$t" || fail "cli.md's TARGETs do not tell $t"
done
ok "every TARGET form is in --help of each command taking one, the man page and cli.md"
run_ok show current+1 --db sqlite:///fresh.db
expect_out "^revision: aaaa00000001" "current+1 from base is the first revision"

run_rc 2 inspect nosuch:x
# "expected db, db:FILE, sql:FILE, models, models:PATH, git:REF, head, heads, base or a revision"
sources=$(sed -nE 's/.*\(expected (.*)\)$/\1/p' "$work/err" | sed -E 's/ or /, /g; s/, /\n/g' | grep -v ' ')
[[ $(wc -l <<<"$sources") -ge 8 ]] || fail "too few SOURCE forms in '$(cat "$work/err")'"
cli_sources=$(sed -n '/^### `retort inspect/,/^### /p' "$cli_md")
for s in $sources; do
	for c in inspect diff revision; do
		has_token "$(help $c | sed -n '/^SOURCE:/,/^$/p')" "$s" || fail "retort $c --help does not tell the SOURCE form $s"
	done
	has_token "$(man_sh SOURCES)" "$s" || fail "the man page's SOURCES do not tell $s"
	has_token "$cli_sources" "$s" || fail "cli.md's inspect sources do not tell $s"
	expect_comp_has "retort diff --from " "${s%%:*}${s//[!:]/}"
done
ok "every SOURCE form is in --help of inspect, diff and revision, the man page, cli.md and the completion"

# ---- the completion on real projects --------------------------------------
project "$work/b"
rev bbbb00000001 none "create u" "CREATE TABLE u (x INTEGER);" "DROP TABLE u;"
rev bbbb00000002 bbbb00000001 "add y" "ALTER TABLE u ADD COLUMN y TEXT;" "ALTER TABLE u DROP COLUMN y;"
cd "$work/a" || fail "no project a"
run_ok upgrade aaaa00000002
a1=aaaa00000001 a2=aaaa00000002 a3=aaaa00000003 b1=bbbb00000001 b2=bbbb00000002

expect_comp "retort show " head heads current $a1 $a2 $a3
expect_comp "retort edit " head heads current $a1 $a2 $a3
expect_comp "retort show aaaa0000000" $a1 $a2 $a3
expect_comp "retort stamp " base head heads current $a1 $a2 $a3
expect_comp "retort merge -m 'join' $a1 " head heads current $a1 $a2 $a3
expect_comp "retort revision --parent " base head heads current $a1 $a2 $a3
expect_comp "retort revision -m x --parent=aa" $a1 $a2 $a3
expect_comp "retort history -r " base current $a1 $a2 $a3
expect_comp "retort history --rev-range " base current $a1 $a2 $a3
# bash's last word is what follows the colon: the replies replace it
expect_comp "retort history -r $a1:" ":head" ":heads" ":current" ":$a1" ":$a2" ":$a3"
expect_comp "retort history -r $a1:aaaa00000003" "aaaa00000003"
# upgrade offers what is not applied, downgrade what is
expect_comp "retort upgrade " head heads $a3
expect_comp "retort downgrade " base $a1 $a2
# --db on the line: another database, at base
expect_comp "retort --db sqlite:///other.db upgrade " head heads $a1 $a2 $a3
expect_comp "retort --db=sqlite:///other.db downgrade " base
expect_comp "retort downgrade --db sqlite:///other.db " base
# -c on the line: the other project's revisions
expect_comp "retort -c ../b/retort.yaml show " head heads current $b1 $b2
expect_comp "retort --config=../b/retort.yaml stamp " base head heads current $b1 $b2
expect_comp "retort show -c ../b/retort.yaml bb" $b1 $b2
expect_comp "retort -c../b/retort.yaml merge -m x " head heads current $b1 $b2
expect_comp "retort -c ../b/retort.yaml downgrade " base
# what other options and operands take
expect_comp "retort merge -m " # a message: nothing to offer
expect_comp "retort --db " # a URL: nothing
expect_comp_has "retort -c ret" retort.yaml
expect_comp_has "retort upgrade --backup app" app.db
mkdir "$work/a/subdir"
expect_comp "retort init sub" subdir
# bash's last word: "ap" after "db:", ":" in "--from=db:"
expect_comp_has "retort diff --to db:ap" "app.db"
expect_comp_has "retort diff --from=db:" ":app.db"
expect_comp_has "retort diff --from=sql:retort" "retort.yaml"
expect_comp_has "retort inspect " db models head $a1
expect_comp_has "retort inspect git:" ":HEAD"
expect_comp_has "retort check --base " HEAD
for when in $(comp "retort --color "); do
	run_ok --color "$when" --version
done
[[ -n ${when:-} ]] || fail "completing 'retort --color ' offered nothing"
ok "every value the completion offers for --color is one retort takes"

# the completion names only commands that exist
for c in $(sed -n '/case \$_retort_cmd in/,/esac/p' "$completion" | grep -oE '^\s*[a-z|]+\)|@\([a-z|]+\)' | tr -d ' \t@()' | tr '|' ' '); do
	grep -qxF "$c" <<<"$commands" || fail "the completion names a command '$c' that retort --help does not list"
done
ok "the completion's command names exist"

finish
