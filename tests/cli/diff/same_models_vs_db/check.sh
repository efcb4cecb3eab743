# identical schemas (a database and the models, the models and themselves,
# a database and itself): exit 0, nothing on stdout
mode=same
after_same() {
	local src
	for src in db:a.db models:b; do
		rt same.out same.err diff --from "$src" --to "$src"
		expect_code $? 0 "diff --from $src --to $src" same.err
		expect_empty same.out "diff --from $src --to $src"
	done
}
