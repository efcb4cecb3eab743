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
