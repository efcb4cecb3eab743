#!/usr/bin/env bash
# git through the real binary, on repositories made here with the git CLI:
# author and commit stamped on a new revision (and not outside git, nor
# before the first commit), from a subfolder, on a detached HEAD and in a
# linked worktree; the history's commit of each file and who applied it;
# `diff --from git:HEAD~1`; `check --base` on two branches that each add a
# revision on the same parent (exit 1, names both) and on a clean pair
# (exit 0); a database at a revision that only another branch has; and
# the same without libgit2 loadable; the cache of parsed revisions is not
# something git offers to commit.
source "$(dirname "$0")/common.bash"
command -v git >/dev/null || fail "git is not installed (scripts/install-deps.sh installs it)"
export HOME=$work GIT_CONFIG_NOSYSTEM=1
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL
g() { git -c init.defaultBranch=main "$@" >/dev/null 2>&1 || fail "git $*"; }
model() { # model TABLE...: one table each, id and name
	local t
	rm -f models/*.yaml
	echo "tables:" >> models/schema.yaml
	for t in "$@"; do
		printf '  %s:\n    columns:\n      id: {type: INTEGER, primary_key: true}\n      name: {type: TEXT}\n' "$t" >> models/schema.yaml
	done
}
new_rev() { # new_rev MESSAGE: the path of the revision written
	run_ok revision --autogenerate --offline -m "$1" >/dev/null
	head -n 1 "$work/out"
}

# outside git: no author, no commit
project "$work/nogit"
model user
path=$(new_rev "outside git")
grep -q '^-- author:' "$path" && fail "an author outside git: $(cat "$path")"
grep -q '^-- commit:' "$path" && fail "a commit outside git: $(cat "$path")"
ok "outside git: no author, no commit"

# a repository with no commit yet: the author, no commit
project "$work/repo"
g init
g config user.name "Jane Dev"
g config user.email jane@example.com
model user
path=$(new_rev "first")
grep -qx -- '-- author: Jane Dev <jane@example.com>' "$path" || fail "no author line: $(cat "$path")"
grep -q '^-- commit:' "$path" && fail "a commit before the first commit: $(cat "$path")"
ok "no commit yet: the author only"
run_ok heads >/dev/null # reads the folder: writes the cache
g add -A
g commit -m "first"
first=$(git rev-parse HEAD)
# the cache of parsed revisions is there, and ignored by git on its own
[[ -f revisions/.retort-cache/index ]] || fail "no revisions/.retort-cache/index after a revision"
[[ -z $(git ls-files revisions/.retort-cache) && -z $(git status --porcelain) ]] ||
	fail "git sees the cache: $(git ls-files; git status --porcelain)"
ok "revisions/.retort-cache/ is ignored by git without a .gitignore of the project's"

# from a subfolder, the commit is HEAD's
mkdir -p sub && cd sub || fail "no subfolder"
model_dir=../models
printf 'tables:\n  pet:\n    columns:\n      id: {type: INTEGER, primary_key: true}\n' > $model_dir/pet.yaml
path=$(new_rev "from a subfolder")
cd .. || fail "cd"
grep -qx -- "-- commit: $first" "sub/$path" 2>/dev/null || grep -qx -- "-- commit: $first" "$path" 2>/dev/null ||
	fail "the commit is not HEAD ($first): $(cat "sub/$path" "$path" 2>/dev/null)"
ok "from a subfolder: author and HEAD's commit"
g add -A
g commit -m "pet"
second=$(git rev-parse HEAD)

# diff --from git:HEAD~1: the models as committed one commit ago (user only)
run_rc 1 diff --from git:HEAD~1 --to models
expect_out 'CREATE TABLE "pet"' "diff from git:HEAD~1 creates pet"
run_rc 0 diff --from git:HEAD --to models
ok "git:HEAD is the work tree's models: nothing to change"

# a detached HEAD: the commit is the one checked out
g checkout --detach "$first"
run_ok revision -m "detached" >/dev/null
path=$(head -n 1 "$work/out")
grep -qx -- "-- commit: $first" "$path" || fail "detached HEAD: the commit is not $first: $(cat "$path")"
rm -f "$path"
g checkout -f main
ok "detached HEAD: the commit is the detached one"

# two branches each adding a revision on the same parent

g checkout -b feature
model user pet toy
path=$(new_rev "add toy")
toy=$(sed -n 's/^-- retort revision: //p' "$path")
g add -A
g commit -m "toy"
g checkout main
model user pet food
path=$(new_rev "add food")
food=$(sed -n 's/^-- retort revision: //p' "$path")
g add -A
g commit -m "food"
g checkout feature
run_rc 1 check --base main
expect_out "$toy" "check --base names this branch's revision"
expect_out "$food" "check --base names main's revision"
expect_out "re-parent $toy" "check --base says which revision to re-parent"

# the clean pair: re-parent toy onto food, then check passes
g checkout main
g checkout -b clean
model user pet food toy
new_rev "add toy after food" >/dev/null
g add -A
g commit -m "toy after food"
run_rc 0 check --base main
ok "check --base on a clean pair: exit 0"

# a linked worktree: its own HEAD, the same configuration
g worktree add -b in-worktree "$work/wt"
( cd "$work/wt" || exit 1
  run_ok revision -m "in a worktree" >/dev/null
  path=$(head -n 1 "$work/out")
  grep -qx -- "-- commit: $(git rev-parse HEAD)" "$path" || fail "worktree: the commit is not the worktree's HEAD: $(cat "$path")"
  grep -qx -- '-- author: Jane Dev <jane@example.com>' "$path" || fail "worktree: no author: $(cat "$path")" ) || exit 1
ok "in a worktree: author and the worktree's HEAD"

# a revision beside the head makes a second head: said at once
base_rev=$(sed -n 's/^-- retort revision: //p' revisions/*_first.sql)
run_ok revision -m "fork" --parent "$base_rev" >/dev/null
expect_err "makes a second head" "revision warns of a second head"
rm -f "$(head -n 1 "$work/out")"

# a database at a revision only the feature branch has
run_ok upgrade head
# the history records the commit that last changed each file, and who ran it
food_commit=$(git log -1 --format=%H -- "revisions/${food}_add_food.sql")
expect_q "SELECT git_commit FROM retort_history WHERE revision = '$food'" "$food_commit" app.db \
	"the history records the revision file's commit"
expect_q "SELECT applied_by LIKE '%@%' FROM retort_history WHERE revision = '$food'" 1 app.db \
	"the history records who applied it"
g checkout -f feature
run_rc 2 current
expect_err "branch clean" "the missing revision's branch is named"

# libgit2 that cannot be loaded (an empty file of its name first on the
# library path): what git only helps with is left out, git:REF and
# check --base say why they cannot work
soname=$(grep -ao 'libgit2\.so\.[0-9][0-9.]*[0-9]' "$bin" | head -n 1)
[[ -n $soname ]] || fail "the binary names no libgit2.so.N.N to load"
mkdir "$work/nolib" && : > "$work/nolib/$soname"
nolib=$work/nolib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
LD_LIBRARY_PATH=$nolib run_rc 2 current
expect_no_err "branch clean" "without libgit2: no branch is named"
LD_LIBRARY_PATH=$nolib run_rc 2 diff --from git:HEAD --to models
expect_err "^retort: error: git:HEAD: cannot load libgit2: .*$soname" "without libgit2: git:REF says why"
LD_LIBRARY_PATH=$nolib run_rc 2 check --base main
expect_err "^retort: error: check --base: cannot load libgit2: .*$soname" \
	"without libgit2: check --base says why"
g checkout -f clean
LD_LIBRARY_PATH=$nolib run_ok revision -m "no libgit2" >/dev/null
path=$(head -n 1 "$work/out")
grep -Eq '^-- (author|commit):' "$path" && fail "without libgit2: an author or a commit: $(cat "$path")"
rm -f "$path"
ok "without libgit2: a revision has no author and no commit"
LD_LIBRARY_PATH=$nolib run_ok downgrade -1
expect_q "SELECT git_commit IS NULL FROM retort_history ORDER BY rowid DESC LIMIT 1" 1 app.db \
	"without libgit2: the history has no commit"
finish
