#!/usr/bin/env bash
# `retort init` and .gitignore (issue 15 item 6): init writes a .gitignore
# beside retort.yaml naming the database it configures (data.db) and the
# files SQLite keeps beside it (-journal, -wal, -shm), anchored to that
# folder; after an upgrade, git sees the project and not the database. It is
# written outside git too (a `git init` often comes after). A .gitignore
# already there keeps every byte and gets only the lines it lacks (a line
# with or without its leading '/', with trailing blanks or a CR, counts), or
# nothing when it has them all; a refused init leaves it alone; a failed one
# leaves nothing behind.
source "$(dirname "$0")/common.bash"
command -v git > /dev/null || fail "git is not installed (scripts/install-deps.sh installs it)"
export HOME=$work GIT_CONFIG_NOSYSTEM=1
g() { git -c init.defaultBranch=main "$@" > /dev/null 2>&1 || fail "git $*"; }

want=$'# the database retort.yaml names, and SQLite\'s files beside it (retort init)
/data.db
/data.db-journal
/data.db-wal
/data.db-shm'

# in a git repository: the database is ignored, the project is not
mkdir "$work/repo" && cd "$work/repo" || fail "no repo folder"
g init
run_ok init
[[ $(cat .gitignore 2>&1) == "$want" ]] || fail "init's .gitignore: $(cat -A .gitignore 2>&1)"
ok "init writes .gitignore with the database and its journal files"
expect_err "created a retort project in '.': retort.yaml, models/models.yaml, revisions/, and .gitignore lines for data.db"
grep -qx 'database: sqlite:///data.db' retort.yaml || fail "retort.yaml names another database: $(cat retort.yaml)"
ok "the database it ignores is the one retort.yaml names"
printf 'tables:\n  user:\n    columns:\n      id: {type: INTEGER, primary_key: true}\n' > models/models.yaml
run_ok revision --autogenerate -m "first"
run_ok upgrade
[[ -f data.db ]] || fail "upgrade made no data.db"
touch data.db-journal data.db-wal data.db-shm models/data.db
got=$(git status --porcelain --untracked-files=all | sort)
[[ $got == "?? .gitignore
?? models/data.db
?? models/models.yaml
?? retort.yaml
?? revisions/.gitkeep
?? $(echo revisions/*_first.sql)" ]] || fail "git status after an upgrade: $got"
ok "git sees the project, not data.db and its journals; a data.db elsewhere is not ignored"

# outside git as well, and beside retort.yaml when init is given a folder
cd "$work" || fail "no work folder"
run_ok init nogit/sub
[[ $(cat nogit/sub/.gitignore) == "$want" ]] || fail "init nogit/sub: $(ls -A nogit nogit/sub)"
[[ ! -e .gitignore && ! -e nogit/.gitignore ]] || fail "a .gitignore elsewhere than beside retort.yaml"
ok "init DIR outside git: DIR/.gitignore"

# a .gitignore already there: kept, only the missing lines appended
mkdir "$work/has" && cd "$work/has" || fail "no folder"
printf 'node_modules/\n/data.db-wal  \r\n# data.db-shm\ndata.db' > .gitignore
cp .gitignore "$work/before"
run_ok init
size=$(stat -c %s "$work/before")
cmp -s -n "$size" .gitignore "$work/before" || fail "the .gitignore's own text changed: $(cat -A .gitignore)"
[[ $(tail -c +$((size + 1)) .gitignore) == $'\n# the database retort.yaml names, and SQLite\'s files beside it (retort init)\n/data.db-journal\n/data.db-shm' ]] ||
	fail "what init appended: $(cat -A .gitignore)"
ok "an existing .gitignore keeps its bytes and gets only its missing lines"

# one that has them all: untouched; a second init refuses and adds nothing
rm -rf retort.yaml models revisions
cp .gitignore "$work/before"
run_ok init
cmp -s .gitignore "$work/before" || fail "a complete .gitignore changed: $(cat -A .gitignore)"
ok "a .gitignore with every line is left as it is"
printf 'other\n' > .gitignore
run_rc 2 init
cmp -s .gitignore <(printf 'other\n') || fail "a refused init changed .gitignore: $(cat -A .gitignore)"
ok "a refused init leaves .gitignore alone"

# a .gitignore that cannot be written (a folder): init fails, nothing is left
mkdir -p "$work/bad/.gitignore" && cd "$work/bad" || fail "no folder"
rt init
((rc != 0)) || fail "init with a folder for .gitignore exited 0"
expect_err "\\.gitignore"
[[ $(ls -A) == .gitignore ]] || fail "a failed init left: $(ls -A)"
ok "a failed init takes back what it made"

finish
