#!/usr/bin/env bash
# The revisions cache never follows a link: a checkout that carries
# revisions/.retort-cache as a symbolic link (say to ../.git, whose file
# `index` the cache's name matches) or links inside a real cache folder
# leaves whatever they point at untouched under every command, and the
# revisions are read as if there were no cache. A folder that is ours keeps
# working as a cache.
source "$(dirname "$0")/common.bash"

project
a=aaaa00000001 b=bbbb00000002
rev $a none "pets" "CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT);" "DROP TABLE pet;"
rev $b $a "kind" "ALTER TABLE pet ADD COLUMN kind TEXT;" "ALTER TABLE pet DROP COLUMN kind;"
cat > models/pet.yaml <<'YAML'
tables:
  pet:
    columns:
      id: { type: INTEGER, primary_key: true }
      name: { type: TEXT }
      kind: { type: TEXT }
YAML

# the place a link points at: a folder holding `index` and `.gitignore`
target=$work/elsewhere
mkdir -p "$target"
printf 'the real index of something else\n' > "$target/index"
printf 'keep me\n' > "$target/.gitignore"
sum_of_target() {
	(cd "$target" && find . -print0 | LC_ALL=C sort -z | xargs -0 -n1 sh -c \
		'if [ -f "$0" ]; then printf "%s " "$0"; sha256sum < "$0"; else echo "$0"; fi')
}
before=$(sum_of_target)

# every command that reads the revisions folder, one after the other
every_command() {
	run_ok heads
	run_ok history
	run_ok show $a
	run_ok current
	run_ok upgrade head
	run_ok status
	run_ok check
	run_ok verify
	run_ok inspect head
	run_ok diff --from head --to models
	run_ok downgrade $a
	run_ok stamp $a
	run_ok upgrade head
	run_ok revision -m "third"
	rm -f revisions/*_third.sql
	rt upgrade head --sql
	expect_rc 0
}

# 1. .retort-cache itself a link to the folder
ln -s "$target" revisions/.retort-cache
every_command
[[ $(sum_of_target) == "$before" ]] || fail "a command wrote through the .retort-cache link:
$(diff <(echo "$before") <(sum_of_target))"
ok "the link's target is untouched"
[[ -L revisions/.retort-cache ]] || fail "the link was replaced"
ok "the link is left as it is"
expect_version $b

# also when the target has no index yet: nothing is made there
rm -f "$target/index"
before=$(sum_of_target)
run_ok current
run_ok upgrade head
[[ $(sum_of_target) == "$before" ]] || fail "a command made a file through the link:
$(diff <(echo "$before") <(sum_of_target))"
ok "no index made through the link"
rm revisions/.retort-cache
printf 'the real index of something else\n' > "$target/index"
before=$(sum_of_target)

# 2. a real folder whose index and .gitignore are links
mkdir revisions/.retort-cache
ln -s "$target/index" revisions/.retort-cache/index
ln -s "$target/.gitignore" revisions/.retort-cache/.gitignore
every_command
[[ $(sum_of_target) == "$before" ]] || fail "a command wrote through a link inside .retort-cache:
$(diff <(echo "$before") <(sum_of_target))"
ok "the links' targets are untouched"
[[ -f revisions/.retort-cache/index && ! -L revisions/.retort-cache/index ]] ||
	fail "the linked index was not replaced by a cache of retort's own"
ok "the linked index is replaced by a file, never read"

# a linked index that is a good cache of this very folder is not read either
rm -rf revisions/.retort-cache
run_ok current
[[ -f revisions/.retort-cache/index ]] || fail "no cache was written"
mv revisions/.retort-cache/index "$work/good-index"
ln -s "$work/good-index" revisions/.retort-cache/index
sum=$(sha256sum < "$work/good-index")
run_ok current
[[ ! -L revisions/.retort-cache/index ]] || fail "retort read a linked index (the link is still there)"
ok "a linked good index is not used"
[[ $(sha256sum < "$work/good-index") == "$sum" ]] || fail "the linked index was written"
ok

# 3. a folder of retort's own keeps working: made with a .gitignore, then used
rm -rf revisions/.retort-cache
run_ok current
[[ -d revisions/.retort-cache && ! -L revisions/.retort-cache ]] || fail "no cache folder made"
[[ $(cat revisions/.retort-cache/.gitignore) == '*' ]] || fail "the cache's .gitignore is not '*'"
ok "a new cache folder, with its .gitignore"
mtime=$(stat -c %Y.%y revisions/.retort-cache/index)
sleep 0.05
run_ok current
[[ $(stat -c %Y.%y revisions/.retort-cache/index) == "$mtime" ]] || fail "an unchanged folder rewrote its cache"
ok "an unchanged folder reads its cache and leaves it"

# 4. a folder anyone may write to is not used
chmod o+w revisions/.retort-cache
cp revisions/.retort-cache/index "$work/index-before"
rev cccc00000003 $b "vets" "CREATE TABLE vet (id INTEGER PRIMARY KEY);" "DROP TABLE vet;"
run_ok heads
expect_out cccc00000003 "the new revision is read"
cmp -s revisions/.retort-cache/index "$work/index-before" || fail "a world-writable cache folder was written"
ok "a world-writable cache folder is neither read nor written"

# 5. a file, not a folder
rm -rf revisions/.retort-cache
printf 'not a folder\n' > revisions/.retort-cache
run_ok heads
expect_out cccc00000003
[[ $(cat revisions/.retort-cache) == 'not a folder' ]] || fail "the file .retort-cache changed"
ok "a file named .retort-cache is left alone"

finish
