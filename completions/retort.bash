# bash completion for retort. Commands and options are read from retort's own
# --help output, so they never fall behind the binary; revision ids from
# `retort history`. Installed to share/bash-completion/completions/retort.

_retort_words_after() { # the lines of `retort ... --help` after a heading
	"$@" 2>/dev/null | awk -v h="$_retort_heading" '$0 == h { f = 1; next } /^$/ { f = 0 } f'
}

_retort() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmd="" i word
	for ((i = 1; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		case $word in
		-c | --config | --db | --busy-timeout) ((i++)) ;;
		-*) ;;
		*) cmd=$word; break ;;
		esac
	done

	case $prev in
	-c | --config | --backup)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--db | --busy-timeout | -m | --message)
		return ;;
	--from | --to)
		COMPREPLY=($(compgen -W "db models head heads base db: sql: git: models:" -- "$cur"))
		[[ $cur == db:* || $cur == sql:* ]] && COMPREPLY=($(compgen -P "${cur%%:*}:" -f -- "${cur#*:}"))
		return ;;
	esac

	local _retort_heading
	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			_retort_heading="options:"
			COMPREPLY=($(compgen -W "$(_retort_words_after retort --help | grep -o -- '--[a-z-]*')" -- "$cur"))
		else
			_retort_heading="commands:"
			COMPREPLY=($(compgen -W "$(_retort_words_after retort --help | awk '{ print $1 }')" -- "$cur"))
		fi
		return
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(retort "$cmd" --help 2>/dev/null | grep -o -- '--[a-z-]*')" -- "$cur"))
		return
	fi
	case $cmd in
	upgrade | downgrade | stamp | show | merge)
		local ids
		ids=$(retort history 2>/dev/null | grep -oE '\b[0-9a-f]{12}\b' | sort -u)
		COMPREPLY=($(compgen -W "head heads base $ids" -- "$cur")) ;;
	inspect)
		COMPREPLY=($(compgen -W "db models head heads base db: sql: git: models:" -- "$cur")) ;;
	init)
		COMPREPLY=($(compgen -d -- "$cur")) ;;
	esac
}
complete -F _retort retort
