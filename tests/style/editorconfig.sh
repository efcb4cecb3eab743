#!/bin/bash
# editorconfig.sh: the tree follows its .editorconfig. For every file git
# tracks (binary ones aside), the properties the EditorConfig core gives it:
# end_of_line=lf (no CR), insert_final_newline=true, trim_trailing_whitespace=
# true, indent_style=tab (no line indented with a space; with
# retort_indent_check=mixed, as for shell scripts whose here-documents hold
# SQL and YAML as written, only spaces before a tab) and indent_style=space
# (no line indented with a tab). Prints each fault as FILE:LINE: what.
#   editorconfig.sh SOURCE_DIR        exit 0 clean, 1 faults, 77 cannot check
# (under CI=true a missing EditorConfig core is a failure: install-deps.sh
# --ci installs it)
set -u
src=${1:?usage: editorconfig.sh SOURCE_DIR}
if ! command -v editorconfig > /dev/null; then
	echo "the EditorConfig core (package editorconfig) is not installed"
	[[ ${CI:-} == true ]] && exit 1
	exit 77
fi
if ! git -C "$src" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
	echo "skipped: $src is not a git work tree"
	exit 77
fi
src=$(cd "$src" && pwd -P)
if [ ! -f "$src/.editorconfig" ]; then
	echo "$src has no .editorconfig"
	exit 1
fi
cd "$src" || exit 1

# the tracked text files (grep -I leaves out the binary ones)
files=()
while IFS= read -r -d '' f; do
	files+=("$src/$f")
done < <(git ls-files -z | xargs -0 grep -IlZ '' --)

# The core's answer for many files at once: "[path]" then key=value lines
# (for one file alone it leaves out the "[path]": say it here).
properties() {
	local i
	for ((i = 0; i < ${#files[@]}; i += 200)); do
		[ $((${#files[@]} - i)) -eq 1 ] && echo "[${files[i]}]"
		editorconfig "${files[@]:i:200}"
	done
}

# Each file as "eol final trim style mode<TAB>path", the properties it has.
rules() {
	local line file='' eol='' final='' trim='' style='' mode=''
	while IFS= read -r line; do
		case $line in
		\[*\])
			[ -n "$file" ] && printf '%s %s %s %s %s\t%s\n' "${eol:--}" "${final:--}" \
				"${trim:--}" "${style:--}" "${mode:--}" "$file"
			file=${line#[}
			file=${file%]}
			file=${file#"$src"/}
			eol='' final='' trim='' style='' mode=''
			;;
		end_of_line=*) eol=${line#*=} ;;
		insert_final_newline=*) final=${line#*=} ;;
		trim_trailing_whitespace=*) trim=${line#*=} ;;
		indent_style=*) style=${line#*=} ;;
		retort_indent_check=*) mode=${line#*=} ;;
		esac
	done
	[ -n "$file" ] && printf '%s %s %s %s %s\t%s\n' "${eol:--}" "${final:--}" "${trim:--}" \
		"${style:--}" "${mode:--}" "$file"
}

# One awk over every file of the same properties.
check() {
	local eol=$1 final=$2 trim=$3 style=$4 mode=$5
	shift 5
	awk -v eol="$eol" -v final="$final" -v trim="$trim" -v style="$style" -v mode="$mode" '
	function fault(what) { printf "%s:%d: %s\n", FILENAME, FNR, what }
	function ending() {
		if (final == "true" && last != "" && !ended)
			printf "%s: no newline at the end (insert_final_newline = true)\n", last
	}
	FNR == 1 { ending(); last = FILENAME }
	{
		if (eol == "lf" && /\r/) fault("CR in a line (end_of_line = lf)")
		if (trim == "true" && /[ \t]\r?$/)
			fault("trailing whitespace (trim_trailing_whitespace = true)")
		if (style == "tab" && mode == "mixed" && /^ +\t/)
			fault("spaces before a tab (indent_style = tab)")
		else if (style == "tab" && mode != "mixed" && /^ /)
			fault("indented with a space (indent_style = tab)")
		if (style == "space" && /^\t/) fault("indented with a tab (indent_style = space)")
	}
	END { ending() }
	' "$@"
}

faults=$(mktemp)
trap 'rm -f "$faults"' EXIT
# awk cannot see whether a file ends in a newline: it is told per file
ends_in_newline() {
	[ -z "$(tail -c 1 "$1")" ]
}
declare -A groups
while IFS=$'\t' read -r key file; do
	groups[$key]+="$file"$'\n'
done < <(properties | rules)
for key in "${!groups[@]}"; do
	args=()
	while IFS= read -r f; do
		[ -n "$f" ] || continue
		# read after the file: awk sets it before the next file's first line
		if ends_in_newline "$f"; then args+=("$f" ended=1); else args+=("$f" ended=0); fi
	done <<< "${groups[$key]}"
	# shellcheck disable=SC2086
	check $key "${args[@]}" >> "$faults"
done

sort "$faults"
n=$(wc -l < "$faults")
echo "${#files[@]} files, $n faults"
[ "$n" -eq 0 ]
