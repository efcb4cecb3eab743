#!/usr/bin/env bash
# Quick start, part 1: install what retort needs (Debian 12), build it, and do
# the main job on the pet app of the tutorial (docs/tutorial.md), in a fresh
# project under build/petapp-demo/:
#   models (user, pet) -> revision --autogenerate -> upgrade head,
#   then the relationship (pet.owner_id -> user.id) -> a second revision ->
#   upgrade head; the app itself (examples/petapp.c) migrates and adds its
#   rows; finally the database is shown, and the repository's own revisions/
#   are checked as CI checks them.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

bash scripts/install-deps.sh
bash scripts/build.sh

retort=$repo/build/cmd/retort
demo=$repo/build/petapp-demo
rm -rf "$demo"
mkdir -p "$demo"
cd "$demo"

run() {
	printf '\n$ %s\n' "$*" >&2
	"$@"
}

run "$retort" init
rm models/models.yaml
# the tutorial's first models: a user, and a pet without an owner yet
cp "$repo/models/user.yaml" models/
grep -v 'owner_id' "$repo/models/pet.yaml" > models/pet.yaml
run "$retort" revision --autogenerate -m "create user and pet"
run "$retort" upgrade head

# the relationship: each pet gets an owner
cp "$repo/models/pet.yaml" models/pet.yaml
# exit 1: the models differ from the database, which is what we expect here
run "$retort" diff || [[ $? == 1 ]]
run "$retort" revision --autogenerate -m "add pet owner"
run "$retort" upgrade head
run "$retort" history
run "$retort" status

# the app migrates at start-up (already at head: nothing to do) and adds rows;
# it reads the same URL as the tutorial's Python app
run env DATABASE_URL=sqlite+aiosqlite:///./data.db RETORT_REVISIONS=revisions "$repo/build/examples/petapp"

printf '\n$ sqlite3 data.db .schema; SELECT * FROM user; SELECT * FROM pet\n' >&2
sqlite3 data.db '.schema user' '.schema pet' \
	'.headers on' 'SELECT * FROM user;' 'SELECT * FROM pet;' \
	"SELECT revision, direction, duration_ms FROM retort_history;"

# the repository is itself a retort project: CI checks its revisions/ so
cd "$repo"
run "$retort" --db sqlite:// check
run "$retort" verify
