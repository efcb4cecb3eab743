#!/usr/bin/env bash
# docs/tutorial.md, run as a script (issue 15 item 7): its blocks are walked
# in order, in a new folder, with retort and the pet app on PATH.
#   ```console: each line "$ COMMAND" runs in this shell (so `cd` holds), its
#     stdout and stderr together compared with the lines after it, up to the
#     next "$ " or the block's end; it must exit 0, or N when the command ends
#     with the comment "# exit N".
#   a block whose first line is "# PATH" (PATH a file name with a dot, such
#     as "# models/user.yaml") is that file: written whole, at that point.
#   any other block is not run, and may show no "$ " prompt: every output the
#     page shows is one this test compares.
# What may differ, on both sides made the same before comparing: revision
# ids (12 hex digits: the first time one is shown, the real one printed at
# that place is bound to it, and from then on stands for it, in commands
# too), commit ids (40 hex digits), dates and UTC times (2026-11-24,
# 2026-11-24T17:08:20Z) and durations ("(12 ms)"). The git author is the
# page's, Jane Dev <jane@example.com>, set in the environment.
source "$(dirname "$0")/common.bash"
for tool in git sqlite3; do
	command -v $tool > /dev/null || fail "$tool is not installed (scripts/install-deps.sh installs it)"
done
page=${RETORT_SOURCE_DIR:-$(dirname "$0")/../../..}/docs/tutorial.md
[[ -f $page ]] || fail "no tutorial at $page"
petapp=$(dirname "$bin")/../examples/petapp
[[ -x $petapp ]] || fail "no pet app at $petapp (built with retort, examples/)"

mkdir -p "$work/bin" "$work/home" "$work/run"
ln -s "$bin" "$work/bin/retort"
ln -s "$(cd "$(dirname "$petapp")" && pwd)/petapp" "$work/bin/petapp"
export PATH=$work/bin:$PATH HOME=$work/home GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="Jane Dev" GIT_AUTHOR_EMAIL=jane@example.com
export GIT_COMMITTER_NAME="Jane Dev" GIT_COMMITTER_EMAIL=jane@example.com
git config --global init.defaultBranch main
unset DATABASE_URL RETORT_DATABASE_URL RETORT_REVISIONS NO_COLOR

declare -A real_of page_of # revision ids: the page's -> the real one, and back
hex='[0-9a-f]'
id_re="(^|[^0-9a-f])($hex{12})([^0-9a-f]|$)"

# ids LINE: the revision ids in LINE, one a line
ids() {
	local s=$1
	while [[ $s =~ $id_re ]]; do
		printf '%s\n' "${BASH_REMATCH[2]}"
		s=${s#*"${BASH_REMATCH[1]}${BASH_REMATCH[2]}"}
	done
}

# learn SHOWN ACTUAL: bind the ids of each shown line not bound yet to the
# real ids at the same places of the actual line
learn() {
	local -a want got
	local i j
	mapfile -t want <<< "$1"
	mapfile -t got <<< "$2"
	for ((i = 0; i < ${#want[@]} && i < ${#got[@]}; i++)); do
		local -a w g
		mapfile -t w < <(ids "${want[i]}")
		mapfile -t g < <(ids "${got[i]}")
		((${#w[@]} == ${#g[@]})) || continue
		for ((j = 0; j < ${#w[@]}; j++)); do
			[[ -n ${real_of[${w[j]}]:-} || -n ${page_of[${g[j]}]:-} ]] && continue
			real_of[${w[j]}]=${g[j]}
			page_of[${g[j]}]=${w[j]}
		done
	done
}

# swap TEXT MAP: TEXT with each id that MAP (real_of or page_of) binds replaced
swap() {
	local -n map=$2
	local s=$1 out="" id
	while [[ $s =~ $id_re ]]; do
		id=${BASH_REMATCH[2]}
		out+=${s%%"${BASH_REMATCH[1]}$id"*}${BASH_REMATCH[1]}${map[$id]:-$id}
		s=${s#*"${BASH_REMATCH[1]}$id"}
	done
	printf '%s' "$out$s"
}

# same: what may differ, made the same (stdin to stdout)
same() {
	sed -E -e "s/$hex{40}/<commit>/g" \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z)?/<date>/g' \
		-e 's/\([0-9]+ ms\)/(<n> ms)/g'
}

# run_command LINE SHOWN: run one "$ " line of the page, compare its output
run_command() {
	local cmd=${1#\$ } shown=$2 want_rc=0 got
	[[ $cmd =~ \#[[:space:]]*exit[[:space:]]+([0-9]+) ]] && want_rc=${BASH_REMATCH[1]}
	cmd=$(swap "$cmd" real_of)
	last_cmd="$page:$cmd_line: $cmd"
	eval "$cmd" > "$work/out" 2>&1 < /dev/null
	rc=$?
	got=$(< "$work/out")
	[[ $rc == "$want_rc" ]] || fail "$last_cmd exited $rc, the page says $want_rc
$got"
	learn "$shown" "$got"
	got=$(swap "$got" page_of | same)
	shown=$(same <<< "$shown")
	[[ $got == "$shown" ]] || fail "$last_cmd printed what the page does not show (- page, + printed):
$(diff <(printf '%s\n' "$shown") <(printf '%s\n' "$got") | grep '^[<>]' | sed 's/^</-/; s/^>/+/')"
	ok "line $cmd_line: $cmd"
}

# console_block LINES...: the commands of a console block, each with the
# lines it shows; `block_line` is the block's first line in the page
console_block() {
	local line n=0
	local -a shown=()
	cmd_text=""
	for line in "$@"; do
		n=$((n + 1))
		if [[ $line == '$ '* ]]; then
			[[ -z $cmd_text ]] || run_command "$cmd_text" "$(printf '%s\n' "${shown[@]}")"
			cmd_text=$line cmd_line=$((block_line + n)) shown=()
		elif [[ -n $cmd_text ]]; then
			shown+=("$line")
		else
			fail "$page:$((block_line + n)): a console block starts with output, not a \"\$ \" command"
		fi
	done
	[[ -z $cmd_text ]] || run_command "$cmd_text" "$(printf '%s\n' "${shown[@]}")"
}

cd "$work/run" || fail "no run folder"
lines=() lang="" in_block=0 line_no=0 blocks=0 files=0
while IFS= read -r line; do
	line_no=$((line_no + 1))
	if ((!in_block)); then
		[[ $line =~ ^\`\`\`([a-z]*)$ ]] || continue
		in_block=1 lang=${BASH_REMATCH[1]} lines=() block_line=$line_no
		continue
	fi
	if [[ $line != '```' ]]; then
		lines+=("$line")
		continue
	fi
	in_block=0
	if [[ $lang == console ]]; then
		console_block "${lines[@]}"
		blocks=$((blocks + 1))
	elif ((${#lines[@]})) && [[ ${lines[0]} =~ ^\#\ ([A-Za-z0-9_/-]+\.[A-Za-z0-9]+)$ ]]; then
		printf '%s\n' "${lines[@]}" > "${BASH_REMATCH[1]}" || fail "$page:$block_line: cannot write ${BASH_REMATCH[1]}"
		files=$((files + 1))
	else
		for line in "${lines[@]}"; do
			[[ $line != '$ '* ]] || fail "$page:$block_line: a \`\`\`$lang block shows a command and its output: make it \`\`\`console, so that it is run"
		done
	fi
done < "$page"
((!in_block)) || fail "$page: a block is not closed"
((blocks >= 5 && files >= 2)) || fail "$page: only $blocks console blocks and $files files: is the convention still the one this test reads?"
ok "the page's $blocks console blocks and $files files, run and compared"

finish
