# bench/compare/schema.awk: the models of N tables for bench/compare.sh, the
# same schema twice, as retort YAML and as SQLAlchemy declarative classes,
# each at two states: "prev" (what the database holds) and "target" (every
# tenth table changed: a column added, a type changed or an index added, in
# turn; the three kinds Alembic's autogenerate detects with compare_type on).
#
#   awk -v n=N -v dir=DIR -f bench/compare/schema.awk
# writes DIR/prev/models/mNNN.yaml, DIR/target/models/mNNN.yaml (50 tables a
# file), DIR/prev/models.py and DIR/target/models.py (the folders must exist).
# Deterministic: a Park-Miller generator with a fixed seed.

function rnd(k) { seed = (seed * 16807) % 2147483647; return seed % k }

# column NAME: SQL type, YAML keys after the type, SQLAlchemy type, keyword arguments
function defcol(name, sql, yml, satype, sakw) {
	ncol++; col[ncol] = name; csql[name] = sql; cyml[name] = yml
	csa[name] = satype; ckw[name] = sakw
}

# the YAML type and SQLAlchemy type a changed column gets
function changed_sql(c) { return csql[c] == "TEXT" ? "VARCHAR(200)" : "TEXT" }
function changed_sa(c) { return csql[c] == "TEXT" ? "String(200)" : "Text()" }

function both(s) { yp = yp s; yt = yt s }
function both_py(s) { pp = pp s; pt = pt s }

BEGIN {
	seed = 20261124
	nw = split("account order invoice product customer shipment payment review " \
		"supplier warehouse coupon ticket session device report", word, " ")
	defcol("name", "VARCHAR(120)", ", nullable: false", "String(120)", ", nullable=False")
	defcol("email", "VARCHAR(200)", ", nullable: false", "String(200)", ", nullable=False")
	defcol("created_at", "DATETIME", ", default: {sql: CURRENT_TIMESTAMP}", "DateTime()",
		", server_default=text(\"CURRENT_TIMESTAMP\")")
	defcol("amount", "NUMERIC(10, 2)", ", nullable: false, default: 0", "Numeric(10, 2)",
		", nullable=False, server_default=text(\"0\")")
	defcol("qty", "INTEGER", ", default: 1", "Integer()", ", server_default=text(\"1\")")
	defcol("status", "VARCHAR(16)", ", nullable: false, default: new", "String(16)",
		", nullable=False, server_default=\"new\"")
	defcol("note", "TEXT", "", "Text()", "")
	defcol("price", "REAL", "", "REAL()", "")
	defcol("flag", "BOOLEAN", ", nullable: false, default: 0", "Boolean()",
		", nullable=False, server_default=text(\"0\")")
	defcol("code", "VARCHAR(16)", "", "String(16)", "")
	defcol("score", "REAL", ", default: 0.5", "REAL()", ", server_default=text(\"0.5\")")
	defcol("payload", "BLOB", "", "LargeBinary()", "")

	head = "from sqlalchemy import (REAL, Boolean, Column, DateTime, ForeignKey, Index, Integer,\n" \
		"    LargeBinary, Numeric, String, Text, text)\n" \
		"from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n"
	pyp = dir "/prev/models.py"; pyt = dir "/target/models.py"
	printf "%s", head > pyp; printf "%s", head > pyt

	for (i = 1; i <= n; i++) {
		if ((i - 1) % 50 == 0) {
			if (ymp) { close(ymp); close(ymt) }
			f = sprintf("m%03d.yaml", (i - 1) / 50 + 1)
			ymp = dir "/prev/models/" f; ymt = dir "/target/models/" f
			print "tables:" > ymp; print "tables:" > ymt
		}
		t = word[(i - 1) % nw + 1] "_" i
		tname[i] = t
		change = (i % 10 == 0) ? (i / 10) % 3 + 1 : 0  # 1 add column, 2 type, 3 index
		k = 3 + rnd(6)                               # 3-8 columns besides id
		off = rnd(ncol)
		for (j = 1; j <= k; j++) cn[j] = col[(off + j - 1) % ncol + 1]
		fk = (i > 1 && rnd(10) < 4)                  # 40% refer to an earlier table
		if (fk) { p = tname[1 + rnd(i - 1)]; act = rnd(2) ? "CASCADE" : "SET NULL" }

		# yp, yt: the table's YAML, prev and target; pp, pt: its class
		yp = yt = pp = pt = ""
		both("  " t ":\n    columns:\n      id: {type: INTEGER, primary_key: true}\n")
		both_py(sprintf("\n\nclass T%04d(Base):\n    __tablename__ = \"%s\"\n\n", i, t))
		both_py("    id = Column(Integer(), primary_key=True)\n")
		for (j = 1; j <= k; j++) {
			c = cn[j]
			yp = yp sprintf("      %s: {type: \"%s\"%s}\n", c, csql[c], cyml[c])
			pp = pp sprintf("    %s = Column(%s%s)\n", c, csa[c], ckw[c])
			if (change == 2 && j == 1) {
				yt = yt sprintf("      %s: {type: \"%s\"%s}\n", c, changed_sql(c), cyml[c])
				pt = pt sprintf("    %s = Column(%s%s)\n", c, changed_sa(c), ckw[c])
			} else {
				yt = yt sprintf("      %s: {type: \"%s\"%s}\n", c, csql[c], cyml[c])
				pt = pt sprintf("    %s = Column(%s%s)\n", c, csa[c], ckw[c])
			}
		}
		if (fk) {
			both(sprintf("      parent_id: {type: INTEGER, references: %s.id, on_delete: %s}\n", p, act))
			both_py(sprintf("    parent_id = Column(Integer(), ForeignKey(\"%s.id\", ondelete=\"%s\"))\n", p, act))
		}
		if (change == 1) {
			yt = yt "      extra_note: {type: TEXT}\n"
			pt = pt "    extra_note = Column(Text())\n"
		}
		# indexes: one on the first column; half the tables have a second on
		# two columns, a fifth of those unique
		both("    indexes:\n")
		both_py("\n    __table_args__ = (\n")
		ix = "ix_" t "_" cn[1]
		both(sprintf("      %s: {columns: [%s]}\n", ix, cn[1]))
		both_py(sprintf("        Index(\"%s\", \"%s\"),\n", ix, cn[1]))
		if (rnd(2)) {
			ix = "ix_" t "_" cn[2] "_" cn[3]
			u = rnd(5) == 0
			both(sprintf("      %s: {columns: [%s, %s]%s}\n", ix, cn[2], cn[3], u ? ", unique: true" : ""))
			both_py(sprintf("        Index(\"%s\", \"%s\", \"%s\"%s),\n", ix, cn[2], cn[3], u ? ", unique=True" : ""))
		}
		if (change == 3) {
			yt = yt sprintf("      ix_%s_new: {columns: [%s]}\n", t, cn[2])
			pt = pt sprintf("        Index(\"ix_%s_new\", \"%s\"),\n", t, cn[2])
		}
		both_py("    )\n")
		printf "%s", yp > ymp; printf "%s", yt > ymt
		printf "%s", pp > pyp; printf "%s", pt > pyt
	}
}
