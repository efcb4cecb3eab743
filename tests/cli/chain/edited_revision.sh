#!/usr/bin/env bash
# A revision file edited after it was applied: `status` and `check` report
# it (exit 1, naming the revision); the history holds the SHA-256 of the
# section that ran (LF line endings, leading and trailing blank space
# dropped). Converting the file to CRLF line endings, adding blank lines
# around a section or changing a header is not a change of the SQL and is
# not reported; re-applying the edited revision clears the report.
source "$(dirname "$0")/common.bash"

project
cat > models/pet.yaml <<'YAML'
tables:
  pet:
    columns:
      id:   {type: INTEGER, primary_key: true}
      name: {type: VARCHAR, nullable: false}
      kind: {type: TEXT}
YAML
r1=aaaa00000001 r2=bbbb00000002
rev $r1 none "pets" "CREATE TABLE pet (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL);
INSERT INTO pet (name) VALUES ('rex'), ('tom');" "DROP TABLE pet;"
rev $r2 $r1 "pet kind" "ALTER TABLE pet ADD COLUMN kind TEXT;
UPDATE pet SET kind = 'dog';" "ALTER TABLE pet DROP COLUMN kind;"
f1=$(rev_file $r1)
f2=$(rev_file $r2)
cp "$f1" "$work/f1.orig"
cp "$f2" "$work/f2.orig"

run_ok upgrade head
expect_version $r2
expect_q "SELECT sha256 FROM retort_history WHERE revision = '$r2'" "$(section_sha "$f2" upgrade)" "" \
	"the history holds the upgrade section's SHA-256"

# clean: both commands say so
clean() {
	run_rc 0 status
	cp "$work/out" "$work/clean_status"
	expect_not_said "($r1|$r2).*(chang|edit|modif)|(chang|edit|modif).*($r1|$r2)" "status: $1: not reported"
	run_rc 0 check
	expect_not_said "$r1|$r2" "check: $1: not reported"
}
clean "as applied"

# CRLF line endings only
sed -i 's/$/\r/' "$f1" "$f2"
grep -q $'\r$' "$f2" || fail "test bug: sed did not add CRs"
clean "CRLF line endings"
expect_q "SELECT count(*) FROM retort_history" 2 "" "status and check write nothing"
run_ok heads
expect_out $r2

# blank lines and spaces around the sections, and a new message
cp "$work/f2.orig" "$f2"
sed -i -e 's/^-- message: pet kind$/-- message: pets get a kind/' \
	-e 's/^-- retort:upgrade$/-- retort:upgrade\n\n   /' \
	-e "s/^UPDATE pet SET kind = 'dog';\$/&  \n\n\t/" "$f2"
cmp -s "$f2" "$work/f2.orig" && fail "test bug: the sed changed nothing"
clean "blank space around the section and a new message"
cp "$work/f2.orig" "$f2"
cp "$work/f1.orig" "$f1"
clean "the files as applied"

# reported IDS...: what status says beyond what it says when all is well
# names exactly the revisions IDS (the current revision is named either way)
reported() {
	local extra id
	extra=$(diff "$work/clean_status" "$work/out" | sed -n 's/^> //p')
	for id in $r1 $r2; do
		if [[ " $* " == *" $id "* ]]; then
			grep -q "$id" <<< "$extra" || fail "status does not report $id as changed: it adds
$extra
to what it says when nothing changed"
		else
			! grep -q "$id" <<< "$extra" || fail "status reports $id, which did not change:
$extra"
		fi
	done
	ok "status reports exactly: $*"
}

# a real edit of r2's upgrade statement
sed -i "s/kind = 'dog'/kind = 'cat'/" "$f2"
run_rc 1 status
reported $r2
run_rc 1 check
expect_said "$r2" "check names the edited revision"
expect_not_said "$r1" "check does not name the untouched revision"

# the edit stays reported with CRLF endings on top
sed -i 's/$/\r/' "$f2"
run_rc 1 status
reported $r2
run_rc 1 check
expect_said "$r2"

# an edit of r1 too: both reported
sed -i "s/('rex'), ('tom')/('rex'), ('tim')/" "$f1"
run_rc 1 status
reported $r1 $r2
run_rc 1 check
expect_said "$r1" "check names the first edited revision"
expect_said "$r2" "check names the second edited revision"

# back to the applied text: clean again
cp "$work/f1.orig" "$f1"
cp "$work/f2.orig" "$f2"
clean "restored"

# re-applying an edited revision records its new hash
sed -i "s/kind = 'dog'/kind = 'cat'/" "$f2"
run_rc 1 status
run_ok downgrade $r1
run_ok upgrade head
expect_q "SELECT group_concat(kind) FROM pet" "cat,cat"
clean "re-applied after the edit"
finish
