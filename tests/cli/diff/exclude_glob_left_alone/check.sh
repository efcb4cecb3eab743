# retort.yaml's exclude globs: those tables are neither dropped nor diffed;
# this case also goes through the defaults (from db, to models) of the config
to=models
unmanaged="legacy_orders page_cache"
after_up() {
	grep -q 'legacy_orders\|page_cache' up.sql down.sql && fail "the scripts touch excluded tables: $(cat up.sql down.sql)"
	expect_sql a.db "SELECT (SELECT total FROM legacy_orders), (SELECT count(*) FROM page_cache)" "9.5|1"
	rt out.out out.err diff
	expect_code $? 0 "plain 'retort diff' (db to models, from retort.yaml) after the upgrade" out.err
	expect_empty out.out "plain 'retort diff' after the upgrade"
}
