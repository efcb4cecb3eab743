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

# write_rebuild_sql FILE: the floor of the big rebuild (diff.sh, compare.sh),
# SQLite's 12-step procedure written by hand for t(id, a, b, c) with b made
# NOT NULL and its two indexes.
write_rebuild_sql() {
	cat >"$1" <<-'SQL'
	PRAGMA foreign_keys = OFF;
	BEGIN IMMEDIATE;
	CREATE TABLE t_new (id INTEGER PRIMARY KEY, a TEXT, b INTEGER NOT NULL, c REAL);
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
