#!/bin/bash
# cases.sh: every C test runs its cases through harness.h's table. Each
# binary given lists its cases (--list) and refuses a case it lacks with exit
# 2; for those after `--sum`, quick ones, each case run alone passes and the
# cases alone add up to the whole run, check for check.
#   cases.sh TEST... --sum TEST...
set -u
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
passed() { sed -n 's/^\([0-9]*\) passed, 0 failed$/\1/p' | tail -1; }

err=$(mktemp)
trap 'rm -f "$err"' EXIT
sum=0
for t in "$@"; do
	if [ "$t" = --sum ]; then
		sum=1
		continue
	fi
	name=$(basename "$t")
	cases=$(timeout 20 "$t" --list) || { bad "$name --list exits $?"; continue; }
	[ -n "$cases" ] || { bad "$name --list names no case"; continue; }
	timeout 20 "$t" --case no-such-case > /dev/null 2> "$err"
	rc=$?
	[ $rc -eq 2 ] || bad "$name --case no-such-case exits $rc, expected 2"
	grep -q "no case named 'no-such-case'" "$err" || bad "$name: $(cat "$err")"
	[ $sum -eq 1 ] || continue
	whole=$(timeout 120 "$t" | passed)
	[ -n "$whole" ] || { bad "$name fails as a whole"; continue; }
	total=0
	for c in $cases; do
		n=$(timeout 120 "$t" --case "$c" | passed)
		[ -n "$n" ] && [ "$n" -gt 0 ] || { bad "$name --case $c: not one check passed"; continue; }
		total=$((total + n))
	done
	[ "$total" -eq "$whole" ] || bad "$name: its cases alone passed $total checks, the whole run $whole"
	echo "$name: $(echo $cases | wc -w) cases, $whole checks"
done
exit $fail
