# --json: the plan parses, lists its steps (kind, sql) with their risks (a
# dropped table and a dropped column are risky, a new table or index is not),
# and its upgrade statements, run in order, reach B like the script does
mode=custom
custom() {
	build_db a.db a.sql
	cp a.db orig.db
	rt plan.json plan.err diff --from db:a.db --to models:b --json
	expect_code $? 1 "diff --json" plan.err
	rt up.sql up.err diff --from db:a.db --to models:b
	expect_code $? 1 "diff" up.err
	if ! command -v python3 >/dev/null; then
		# shellcheck disable=SC2015
		grep -q '"upgrade"' plan.json && grep -q '"downgrade"' plan.json && grep -q '"risks"' plan.json ||
			fail "diff --json lacks upgrade, downgrade or risks: $(cat plan.json)"
		return
	fi
	python3 - > plan_up.sql 2> py.err <<'PY' || fail "diff --json: $(cat py.err)
--- the plan:
$(cat plan.json)"
import json
plan = json.load(open("plan.json"))
assert set(plan) >= {"upgrade", "downgrade"}, "keys: %r" % list(plan)
for d in ("upgrade", "downgrade"):
    assert isinstance(plan[d], list) and plan[d], "%s is not a non-empty list" % d
    for s in plan[d]:
        assert isinstance(s.get("kind"), str) and s["kind"], "step without kind: %r" % s
        assert isinstance(s.get("sql"), str) and s["sql"].strip(), "step without sql: %r" % s
        assert "risks" in s, "step without risks: %r" % s
def risky(s):
    return bool(s["risks"])
up = plan["upgrade"]
drops = [s for s in up if s.get("table") == "log" and "drop" in s["kind"]]
assert drops, "no step drops table log: %r" % up
assert all(risky(s) and s.get("warning") for s in drops), "dropping log is not flagged: %r" % drops
legacy = [s for s in up if s.get("table") == "user" and "legacy" in (s.get("warning") or "")]
assert legacy and any(risky(s) for s in legacy), "dropping user.legacy is not flagged: %r" % legacy
safe = [s for s in up if s.get("table") == "pet" or s.get("object") == "ix_user_name"]
assert safe, "no step creates pet or ix_user_name: %r" % up
assert not any(risky(s) for s in safe if "create" in s["kind"]), "creating is flagged: %r" % safe
down = plan["downgrade"]
assert any(s.get("table") == "pet" and "drop" in s["kind"] and risky(s) for s in down), \
    "the downgrade does not flag dropping pet: %r" % down
print("PRAGMA foreign_keys=OFF;\nBEGIN;")
for s in up:
    print(s["sql"])
print("COMMIT;")
PY
	sqlite3 -bail -batch a.db < plan_up.sql > apply.out 2>&1 || fail "the plan's upgrade statements do not apply: $(cat apply.out)"
	rt out.out out.err diff --from db:a.db --to models:b
	expect_code $? 0 "after the plan's statements, diff --to models:b" out.err
	cp orig.db b.db
	sqlite3 -bail -batch b.db < up.sql > apply.out 2>&1 || fail "up.sql does not apply: $(cat apply.out)"
	[[ $(sqlite3 a.db .dump) == "$(sqlite3 b.db .dump)" ]] ||
		fail "the plan's statements and the script give different databases:
$(diff <(sqlite3 a.db .dump) <(sqlite3 b.db .dump))"
}
