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
# grep -n's "LINE:text" lines as "FILE:LINE: what"
report() {
	local file=$1 what=$2 line
	while IFS= read -r line; do
		echo "$file:${line%%:*}: $what"
	done
}

check() {
	local file=$1 eol=$2 final=$3 trim=$4 style=$5 mode=$6 path="$src/$1"
	[ -s "$path" ] || return 0
	grep -Iq '' "$path" || return 0   # binary
	[ "$eol" = lf ] && grep -n $'\r' "$path" | report "$file" "CR in a line (end_of_line = lf)"
	if [ "$final" = true ] && [ -n "$(tail -c 1 "$path")" ]; then
		echo "$file: no newline at the end (insert_final_newline = true)"
	fi
	[ "$trim" = true ] && grep -nE '[[:blank:]]+'$'\r''?$' "$path" |
		report "$file" "trailing whitespace (trim_trailing_whitespace = true)"
	if [ "$style" = tab ]; then
		if [ "$mode" = mixed ]; then
			grep -nE '^ +'$'\t' "$path" | report "$file" "spaces before a tab (indent_style = tab)"
		else
			grep -nE '^ ' "$path" | report "$file" "indented with a space (indent_style = tab)"
		fi
	elif [ "$style" = space ]; then
		grep -nE '^'$'\t' "$path" | report "$file" "indented with a tab (indent_style = space)"
	fi
}

files=()
while IFS= read -r -d '' f; do
	[ -f "$src/$f" ] && files+=("$src/$f")
done < <(git -C "$src" ls-files -z)

# The core's answer for many files at once: "[path]" then key=value lines
# (for one file alone it leaves out the "[path]": say it here).
properties() {
	local i
	for ((i = 0; i < ${#files[@]}; i += 200)); do
		[ $((${#files[@]} - i)) -eq 1 ] && echo "[${files[i]}]"
		editorconfig "${files[@]:i:200}"
	done
}

faults=$(mktemp)
trap 'rm -f "$faults"' EXIT
file='' eol='' final='' trim='' style='' mode=''
while IFS= read -r line; do
	case $line in
	\[*\])
		[ -n "$file" ] && check "$file" "$eol" "$final" "$trim" "$style" "$mode" >> "$faults"
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
done < <(properties)
[ -n "$file" ] && check "$file" "$eol" "$final" "$trim" "$style" "$mode" >> "$faults"

cat "$faults"
n=$(wc -l < "$faults")
echo "${#files[@]} files, $n faults"
[ "$n" -eq 0 ]
