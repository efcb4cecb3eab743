#!/usr/bin/env bash
# Packaging (issue 6): `cmake --install` puts the binary, libretort (static
# and shared, versioned), retort.h, retort.pc, the man page and the bash
# completion in place; an outside program (examples/petapp.c) builds against
# the installed prefix with pkg-config alone and migrates its database.
# Usage: install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
passed=0 failed=0

check() { # check DESCRIPTION COMMAND...
	if "${@:2}"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAILED: $1" >&2
	fi
}

cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(ls -d "$prefix"/lib*/ | head -n 1)
libdir=${libdir%/}
check "binary installed" test -x "$prefix/bin/retort"
check "static library" test -f "$libdir/libretort.a"
check "shared library, versioned" test -f "$libdir/libretort.so.0"
check "header" test -f "$prefix/include/retort.h"
check "man page" test -f "$prefix/share/man/man1/retort.1"
check "bash completion" test -f "$prefix/share/bash-completion/completions/retort"
check "man page renders" bash -c "man -l '$prefix/share/man/man1/retort.1' >/dev/null 2>&1 || groff -man -Tutf8 '$prefix/share/man/man1/retort.1' >/dev/null 2>&1 || ! command -v groff >/dev/null"

# every command and global option of --help is in the man page
help=$("$prefix/bin/retort" --help)
for cmd in $(awk '/^commands:/ { f = 1; next } /^$/ { f = 0 } f { print $1 }' <<<"$help"); do
	check "man page has '$cmd'" grep -q "^\.SS $cmd\b" "$prefix/share/man/man1/retort.1"
done
for opt in $(awk '/^options:/ { f = 1; next } /^$/ { f = 0 } f' <<<"$help" | grep -o -- '--[a-z-]*'); do
	check "man page has '$opt'" grep -q -- "${opt//-/\\\\-}" "$prefix/share/man/man1/retort.1"
done

# the completion offers the commands and a command's options
comp() { # comp WORD... : what completing the last word offers
	PATH="$prefix/bin:$PATH" bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_retort; printf "%s\n" "${COMPREPLY[@]}"' _ "$prefix/share/bash-completion/completions/retort" "$@"
}
check "completes commands" grep -qx upgrade <(comp retort up)
check "completes a command's options" grep -qx -- --one-transaction <(comp retort upgrade --one)

# an outside program, built with pkg-config from the installed prefix only
export PKG_CONFIG_PATH=$libdir/pkgconfig
check "pkg-config knows retort" pkg-config --exists retort
# shellcheck disable=SC2046
check "petapp builds against the prefix" cc -std=c11 -Wall -Wextra -Werror -o "$work/petapp" \
	"$src/examples/petapp.c" $(pkg-config --cflags --libs retort)
mkdir "$work/app"
out=$(cd "$work/app" && LD_LIBRARY_PATH=$libdir RETORT_REVISIONS="$src/revisions" \
	DATABASE_URL=sqlite+aiosqlite:///./data.db "$work/petapp")
check "petapp adds chonky" grep -qx "user: id=1 name=chonky" <<<"$out"
check "petapp adds phroge, owned by chonky" grep -qx "pet: id=1 name=phroge kind=frog owner_id=1" <<<"$out"
check "the database is at the chain's head" test "$(sqlite3 "$work/app/data.db" 'SELECT count(*) FROM retort_version')" = 1
# a second start migrates nothing and adds a second pair
out=$(cd "$work/app" && LD_LIBRARY_PATH=$libdir RETORT_REVISIONS="$src/revisions" "$work/petapp")
check "second start" grep -qx "user: id=2 name=chonky" <<<"$out"
check "one upgrade row per revision" test "$(sqlite3 "$work/app/data.db" "SELECT count(*) FROM retort_history WHERE direction = 'upgrade'")" = "$(ls "$src"/revisions/*.sql | wc -l)"
# static linking works too
# shellcheck disable=SC2046
check "petapp links statically against libretort" cc -std=c11 -o "$work/petapp-static" \
	"$src/examples/petapp.c" $(pkg-config --cflags retort) "$libdir/libretort.a" \
	$(pkg-config --libs --static retort | sed 's/-lretort//')

echo "$passed passed, $failed failed"
((failed == 0))
