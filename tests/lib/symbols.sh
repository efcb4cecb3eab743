#!/bin/sh
# symbols.sh LIBRETORT_A: the static library's shape, as nm shows it.
#  - Its files call each other in no cycle: an object that uses a symbol
#    another object defines depends on it, and tsort finds any loop (two
#    files that call each other are named with the symbols both ways).
#  - Every global it defines carries the project's prefix, retort_, so that
#    linking retort into an app never collides with the app's names or
#    another library's (xstrdup is also git's and libiberty's; yaml_, git_
#    and sqlite3 are those libraries' own). Names the compiler makes for
#    itself (sanitizers: __asan_*, __odr_asan.*) begin with "__".
set -eu

lib=${1:?usage: symbols.sh LIBRETORT_A}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# "OBJECT CLASS SYMBOL" for every global defined or used; nm -A prefixes
# each line with ARCHIVE:OBJECT: (and the address, for a defined one)
nm -A "$lib" | awk '{
	n = split($1, part, ":")
	if (NF == 3 && $2 ~ /^[A-Z]$/)
		print part[n - 1], $2, $3
}' > "$tmp/symbols"
[ -s "$tmp/symbols" ] || { echo "symbols.sh: nm found no symbols in $lib" >&2; exit 1; }

# "USER DEFINER SYMBOL": a call (or a read) from one object into another
awk '$2 != "U" { def[$3] = $1; next }
	{ use[NR] = $1 " " $3 }
	END {
		for (k in use) {
			split(use[k], u, " ")
			if ((u[2] in def) && def[u[2]] != u[1])
				print u[1], def[u[2]], u[2]
		}
	}' "$tmp/symbols" | sort -u > "$tmp/edges"

awk '{ print $1, $2 }' "$tmp/edges" | sort -u > "$tmp/pairs"
awk 'NR == FNR { both[$1 " " $2] = 1; next }
	($2 " " $1) in both { print "  " $1 " -> " $2 ": " $3 }' \
	"$tmp/pairs" "$tmp/edges" > "$tmp/mutual"
if [ -s "$tmp/mutual" ]; then
	echo "files that call each other (move the helper to a file both can use):"
	cat "$tmp/mutual"
	fail=1
fi
if ! tsort "$tmp/pairs" > /dev/null 2> "$tmp/loop"; then
	echo "the library's files call each other in a loop:"
	sed 's/^/  /' "$tmp/loop"
	fail=1
fi

awk '$2 != "U" && $3 !~ /^(retort_|__)/ { print "  " $1 ": " $3 }' \
	"$tmp/symbols" | sort -u > "$tmp/unprefixed"
if [ -s "$tmp/unprefixed" ]; then
	echo "globals without the retort_ prefix:"
	cat "$tmp/unprefixed"
	fail=1
fi

if [ "$fail" -eq 0 ]; then
	echo "ok: $(wc -l < "$tmp/pairs") pairs of files call one way, in no loop; $(awk '$2 != "U"' "$tmp/symbols" | wc -l) globals, all prefixed"
fi
exit "$fail"
