# bench/common.sh: the start every bench script shares (source it from the
# repository's root). Sets `retort` to the binary to time: $RETORT, else
# build/cmd/retort, built first when missing. bench_need installs the
# Debian packages of the tools a script runs, when any is missing.

retort=${RETORT:-./build/cmd/retort}
if [[ ! -x $retort ]]; then
	bash scripts/install-deps.sh
	bash scripts/build.sh
fi
retort=$(realpath "$retort")

# bench_need PATH:PACKAGE...: a PATH is a command name or an absolute file.
bench_need() {
	local want missing=() sudo=()
	for want in "$@"; do
		if ! command -v "${want%%:*}" >/dev/null; then
			missing+=("${want#*:}")
		fi
	done
	((${#missing[@]})) || return 0
	[[ $(id -u) -eq 0 ]] || sudo=(sudo)
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" ||
		{ "${sudo[@]}" apt-get update &&
		  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; }
}

# write_rebuild_sql FILE [COLUMNS]: the floor of the big rebuild (diff.sh,
# compare.sh, inplace.sh), SQLite's 12-step procedure written by hand for
# t(id, a, b, c) and its two indexes; COLUMNS is the new table's column list
# (default: b made NOT NULL).
write_rebuild_sql() {
	local cols=${2:-id INTEGER PRIMARY KEY, a TEXT, b INTEGER NOT NULL, c REAL}
	cat >"$1" <<-SQL
	PRAGMA foreign_keys = OFF;
	BEGIN IMMEDIATE;
	CREATE TABLE t_new ($cols);
	INSERT INTO t_new (id, a, b, c) SELECT id, a, b, c FROM t;
	DROP TABLE t;
	ALTER TABLE t_new RENAME TO t;
	CREATE INDEX ix_t_a ON t (a);
	CREATE INDEX ix_t_b ON t (b);
	PRAGMA foreign_key_check;
	COMMIT;
	PRAGMA foreign_keys = ON;
	SQL
}

# write_chain N DIR: a chain of N small revisions in DIR (chain.sh,
# growth.sh), in the SPEC 3 format, each naming the previous one as its
# parent (ids: 12 lower-case hex digits, a fixed bijection of the revision's
# number, so file names are not in chain order). Revision i (1-based) works
# on table t_K, K = (i + 2) / 3: i % 3 == 1 creates it (every fifth with a
# foreign key to the one before), 2 adds column c_i, 0 indexes column
# c_(i-1); each with the matching downgrade.
write_chain() {
	awk -v n="$1" -v dir="$2" '
function id(i,   x) {
	# i * 0x9e3779b97f4b + 0x1234567 mod 2^48: distinct for distinct i (an
	# odd multiplier), scattered, and exact in doubles with the multiplier
	# taken as two 24-bit halves
	x = ((i * 10368889) % 16777216 * 16777216 + i * 12156747 + 19088743) % 281474976710656
	return sprintf("%06x%06x", int(x / 16777216), x % 16777216)
}
BEGIN {
	for (i = 1; i <= n; i++) {
		k = int((i + 2) / 3); t = sprintf("t_%04d", k)
		if (i % 3 == 1) {
			msg = "create table " t
			up = "CREATE TABLE " t " (\n  id INTEGER PRIMARY KEY,\n  name TEXT NOT NULL,\n" \
				"  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP"
			if (k > 1 && k % 5 == 0)
				up = up sprintf(",\n  parent_id INTEGER REFERENCES t_%04d (id) ON DELETE CASCADE", k - 1)
			up = up "\n);"
			down = "DROP TABLE " t ";"
		} else if (i % 3 == 2) {
			c = "c_" i
			msg = "add column " t "." c
			up = "ALTER TABLE " t " ADD COLUMN " c " INTEGER NOT NULL DEFAULT 0;"
			down = "ALTER TABLE " t " DROP COLUMN " c ";"
		} else {
			c = "c_" (i - 1); ix = "ix_" t "_" c
			msg = "index " t "." c
			up = "CREATE INDEX " ix " ON " t " (" c ");"
			down = "DROP INDEX " ix ";"
		}
		slug = msg; gsub(/[^a-z0-9]+/, "_", slug)
		f = sprintf("%s/%s_%s.sql", dir, id(i), slug)
		printf "-- retort revision: %s\n-- parent: %s\n-- message: %s\n", id(i), (i > 1 ? id(i - 1) : "none"), msg > f
		printf "-- created: 2026-11-24T%02d:%02d:%02dZ\n\n", int(i / 3600), int(i / 60) % 60, i % 60 > f
		printf "-- retort:upgrade\n%s\n\n-- retort:downgrade\n%s\n", up, down > f
		close(f)
	}
}'
}
