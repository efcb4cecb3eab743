# bench/compare/chain.awk: a chain of N small revisions for bench/compare.sh,
# as retort revision files and as Alembic revision scripts written the way a
# user writes them by hand (op.create_table, op.add_column, op.create_index),
# plus the same upgrade statements as scripts for the sqlite3 shell.
#
#   awk -v n=N -v sql=DIR -v py=DIR -v dir=DIR -f bench/compare/chain.awk
# writes SQL/<id>_<slug>.sql, PY/<id>_<slug>.py (unless PY is empty), DIR/per_rev.sql (a
# transaction per revision) and DIR/one_tx.sql (one around all), and prints
# the head's id. The same chain as bench/chain.sh's: revision i works on table
# t_K, K = (i + 2) / 3; i % 3 == 1 creates it (every fifth with a foreign key
# to the one before), 2 adds column c_i, 0 indexes column c_(i-1). Ids: 12
# lower-case hex digits, a fixed bijection of i, so file names are not in
# chain order (for both tools).

function id(i,   x) {
	# i * 0x9e3779b97f4b + 0x1234567 mod 2^48, exact in doubles with the
	# multiplier taken as two 24-bit halves
	x = ((i * 10368889) % 16777216 * 16777216 + i * 12156747 + 19088743) % 281474976710656
	return sprintf("%06x%06x", int(x / 16777216), x % 16777216)
}

BEGIN {
	per_rev = dir "/per_rev.sql"; one_tx = dir "/one_tx.sql"
	print "PRAGMA foreign_keys = OFF;" > per_rev
	print "PRAGMA foreign_keys = OFF;\nBEGIN IMMEDIATE;" > one_tx
	for (i = 1; i <= n; i++) {
		k = int((i + 2) / 3); t = sprintf("t_%04d", k)
		if (i % 3 == 1) {
			msg = "create table " t
			up = "CREATE TABLE " t " (\n  id INTEGER PRIMARY KEY,\n  name TEXT NOT NULL,\n" \
				"  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP"
			pyup = "    op.create_table(\n        \"" t "\",\n" \
				"        sa.Column(\"id\", sa.Integer(), primary_key=True),\n" \
				"        sa.Column(\"name\", sa.Text(), nullable=False),\n" \
				"        sa.Column(\"created_at\", sa.Text(), nullable=False,\n" \
				"                  server_default=sa.text(\"CURRENT_TIMESTAMP\")),\n"
			if (k > 1 && k % 5 == 0) {
				up = up sprintf(",\n  parent_id INTEGER REFERENCES t_%04d (id) ON DELETE CASCADE", k - 1)
				pyup = pyup sprintf("        sa.Column(\"parent_id\", sa.Integer(),\n" \
					"                  sa.ForeignKey(\"t_%04d.id\", ondelete=\"CASCADE\")),\n", k - 1)
			}
			up = up "\n);"
			pyup = pyup "    )"
			down = "DROP TABLE " t ";"
			pydown = "    op.drop_table(\"" t "\")"
		} else if (i % 3 == 2) {
			c = "c_" i
			msg = "add column " t "." c
			up = "ALTER TABLE " t " ADD COLUMN " c " INTEGER NOT NULL DEFAULT 0;"
			pyup = "    op.add_column(\"" t "\", sa.Column(\"" c "\", sa.Integer(), nullable=False,\n" \
				"                                       server_default=sa.text(\"0\")))"
			down = "ALTER TABLE " t " DROP COLUMN " c ";"
			pydown = "    op.drop_column(\"" t "\", \"" c "\")"
		} else {
			c = "c_" (i - 1); ix = "ix_" t "_" c
			msg = "index " t "." c
			up = "CREATE INDEX " ix " ON " t " (" c ");"
			pyup = "    op.create_index(\"" ix "\", \"" t "\", [\"" c "\"])"
			down = "DROP INDEX " ix ";"
			pydown = "    op.drop_index(\"" ix "\", table_name=\"" t "\")"
		}
		slug = msg; gsub(/[^a-z0-9]+/, "_", slug)
		rid = id(i); parent = i > 1 ? id(i - 1) : ""
		created = sprintf("2026-11-24T%02d:%02d:%02dZ", int(i / 3600), int(i / 60) % 60, i % 60)

		f = sprintf("%s/%s_%s.sql", sql, rid, slug)
		printf "-- retort revision: %s\n-- parent: %s\n-- message: %s\n", rid, parent == "" ? "none" : parent, msg > f
		printf "-- created: %s\n\n-- retort:upgrade\n%s\n\n-- retort:downgrade\n%s\n", created, up, down > f
		close(f)

		if (py != "") {
			f = sprintf("%s/%s_%s.py", py, rid, slug)
			printf "\"\"\"%s\n\nRevision ID: %s\nRevises: %s\nCreate Date: %s\n\n\"\"\"\n", msg, rid, parent, created > f
			printf "from alembic import op\nimport sqlalchemy as sa\n\n\n# revision identifiers, used by Alembic.\n" > f
			printf "revision = '%s'\ndown_revision = %s\nbranch_labels = None\ndepends_on = None\n\n\n", rid,
				parent == "" ? "None" : "'" parent "'" > f
			printf "def upgrade() -> None:\n%s\n\n\ndef downgrade() -> None:\n%s\n", pyup, pydown > f
			close(f)
		}

		printf "BEGIN IMMEDIATE;\n%s\nCOMMIT;\n", up > per_rev
		print up > one_tx
	}
	print "COMMIT;" > one_tx
	print id(n)
}
