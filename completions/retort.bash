# bash completion for retort. It reads from retort itself, so that it cannot fall behind the
# binary: the commands, the options (long and short) and what each takes (FILE, DIR, SOURCE,
# REV, TARGET, RANGE, REF, WHEN) from `retort --help` and `retort COMMAND --help`, the revision
# ids from `retort history`, run with the -c and --db of the line. Installed to
# share/bash-completion/completions/retort; tests/cli/chain/help_docs.sh runs it.

# _retort_run ARGS...: retort with the line's -c and --db, its errors hidden
_retort_run() {
	"$_retort_bin" "${_retort_project[@]}" "$@" 2>/dev/null
}

# _retort_options ARGS...: "NAME VALUE" for each option of `retort ARGS --help`, VALUE the
# name of what it takes (FILE, REV...) or "-" for a flag
_retort_options() {
	local line re='^ +(-([A-Za-z]), )? *--([a-z][a-z0-9-]*)( ([A-Z][A-Z.]*))?'
	_retort_run "$@" --help | while IFS= read -r line; do
		[[ $line =~ $re ]] || continue
		[[ -z ${BASH_REMATCH[2]} ]] || echo "-${BASH_REMATCH[2]} ${BASH_REMATCH[5]:--}"
		echo "--${BASH_REMATCH[3]} ${BASH_REMATCH[5]:--}"
	done
}

# _retort_ids [RANGE]: the revision ids, newest first (with a RANGE, those of `history -r`)
_retort_ids() {
	_retort_run --busy-timeout 1000 history ${1:+-r "$1"} |
		sed -nE 's/^(<base>|[0-9a-f]+(, [0-9a-f]+)*) -> ([0-9a-f]+).*/\3/p'
}

# _retort_values KIND WORD: COMPREPLY, the values of KIND (a name from the help) that WORD
# begins
_retort_values() {
	local kind=${1%...} word=$2 ids
	case $kind in
	FILE | PATTERN) # --each: a glob or @FILE
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$word")) ;;
	DIR)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$word")) ;;
	WHEN) # --color
		COMPREPLY=($(compgen -W "auto always never" -- "$word")) ;;
	REF)
		COMPREPLY=($(compgen -W "HEAD $(git for-each-ref --format='%(refname:short)' 2>/dev/null)" -- "$word")) ;;
	TARGET | REV)
		# what the command can reach: upgrade what is not applied, downgrade what is
		case $_retort_cmd in
		upgrade) ids="head heads $(_retort_ids | grep -vxF -f <(_retort_ids :current))" ;;
		downgrade) ids="base $(_retort_ids :current)" ;;
		*)
			ids="head heads current $(_retort_ids)"
			# base names no revision to show, edit or merge
			[[ $_retort_cmd == @(show|edit|merge) ]] || ids="base $ids" ;;
		esac
		COMPREPLY=($(compgen -W "$ids" -- "$word")) ;;
	RANGE) # START:END
		if [[ $word == *:* ]]; then
			COMPREPLY=($(compgen -P "${word%%:*}:" -W "head heads current $(_retort_ids)" -- "${word#*:}"))
		else
			COMPREPLY=($(compgen -W "base current $(_retort_ids)" -- "$word"))
		fi ;;
	SOURCE)
		case $word in
		db:* | sql:* | models:*)
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -P "${word%%:*}:" -f -- "${word#*:}")) ;;
		git:*)
			COMPREPLY=($(compgen -P git: -W "HEAD $(git for-each-ref --format='%(refname:short)' 2>/dev/null)" -- "${word#git:}")) ;;
		*)
			COMPREPLY=($(compgen -W "db db: sql: models models: git: head heads base current $(_retort_ids)" -- "$word")) ;;
		esac ;;
	esac
}

_retort() {
	local _retort_bin=${1:-retort} _retort_cmd="" _retort_project=()
	local -a words=()
	local -A takes=()
	local i k cword=0 at=0 gap name value word kind usage
	COMPREPLY=()

	# The words as typed: bash splits `--from=db:x` at = and :, rejoined here where the line
	# has no blank between them.
	for ((k = 0; k <= COMP_CWORD; k++)); do
		word=${COMP_WORDS[k]}
		gap=1
		if [[ -n ${COMP_LINE-} ]]; then
			while [[ ${COMP_LINE:at:1} == [[:blank:]] ]]; do ((at++)); done
			# a word that does not start where the last one ended is its own
			((k == 0)) || [[ ${COMP_LINE:at - 1:1} == [[:blank:]] ]] || gap=0
			at=$((at + ${#word}))
		fi
		if ((gap)); then
			words+=("$word")
		else
			words[-1]+=$word
		fi
		((k < COMP_CWORD)) || cword=$((${#words[@]} - 1))
	done

	while read -r name value; do takes[$name]=$value; done < <(_retort_options)
	for ((i = 1; i < cword; i++)); do
		word=${words[i]} value=""
		if [[ $word == --*=* ]]; then
			name=${word%%=*} value=${word#*=}
		elif [[ $word == -* && ${takes[$word]:--} != - ]]; then
			name=$word value=${words[i + 1]-}
			((i++))
		elif [[ $word == -c?* ]]; then
			name=-c value=${word#-c}
		elif [[ $word == -* ]]; then
			continue
		elif [[ -z $_retort_cmd ]]; then
			_retort_cmd=$word
			while read -r name value; do takes[$name]=$value; done < <(_retort_options "$word")
			continue
		else
			continue
		fi
		[[ $value != "~/"* ]] || value=$HOME/${value#"~/"}
		case $name in
		-c | --config) _retort_project+=(-c "$value") ;;
		--db) _retort_project+=(--db "$value") ;;
		esac
	done

	word=${words[cword]}
	if [[ $word == --*=* ]]; then
		_retort_values "${takes[${word%%=*}]:--}" "${word#*=}"
		COMPREPLY=("${COMPREPLY[@]/#/${word%%=*}=}")
	elif ((cword > 1)) && [[ ${takes[${words[cword - 1]}]:--} != - ]]; then
		_retort_values "${takes[${words[cword - 1]}]}" "$word"
	elif [[ $word == -* ]]; then
		COMPREPLY=($(compgen -W "${!takes[*]}" -- "$word"))
	elif [[ -z $_retort_cmd ]]; then
		COMPREPLY=($(compgen -W "$(_retort_run --help | awk '/^commands:/ { f = 1; next } /^$/ { f = 0 } f { print $1 }')" -- "$word"))
	else
		# the command's operand, as its usage names it: "usage: retort merge -m MSG REV..."
		usage=$(_retort_run "$_retort_cmd" --help | sed -nE '1{s/^usage: retort [a-z]+//; s/\[OPTIONS\]//; s/\[-[^]]*\]//g; s/-{1,2}[A-Za-z-]+( [A-Z]+)?//g; p}')
		kind=$(grep -oE '[A-Z]+(\.\.\.)?' <<<"$usage" | head -n 1)
		[[ -z $kind ]] || _retort_values "$kind" "$word"
	fi

	# bash replaces only its own last word, what follows the last = or : of ours
	name=${COMP_WORDS[COMP_CWORD]}
	if [[ $word != "$name" && $word == *"$name" ]]; then
		COMPREPLY=("${COMPREPLY[@]#"${word%"$name"}"}")
	fi
}
complete -F _retort retort
