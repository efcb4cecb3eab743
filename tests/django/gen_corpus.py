#!/usr/bin/python3
"""Write the Django migration corpus: real migration histories on SQLite.

Usage: /usr/bin/python3 gen_corpus.py OUT_DIR

Runs the migrations of Django's contrib apps and of the Django apps packaged
in Debian that are installed (the list below; a missing app is left out and
named on stderr), one migration at a time in the graph's dependency order,
and after each writes the schema as SQLite stores it. Each migration is a
case: the schema before it and after it, with the renames Django performed
(seen in its schema editor, so RenameModel's many-to-many tables and
RenameField's columns are all there) and rows for the schema before it.

OUT_DIR/cases lists one case a line: "N app migration". Per case N (3 digits):
  N.old.sql, N.new.sql  the schemas (CREATE statements in sqlite_master order,
                        without sqlite_* tables and Django's own bookkeeping)
  N.renames             "table NEW OLD" and "column TABLE NEW OLD" lines
                        (TABLE is the new table name)
  N.rows.sql            INSERTs for N.old.sql (every table, except those
                        named in N.withheld)
  N.withheld            "TABLE reason" per table left empty: a NOT NULL
                        column without a default is added one way or the
                        other, which no tool can fill
  N.check               per table that keeps its rows, one line
                        "OLD_TABLE<TAB>OLD_EXPRS<TAB>NEW_TABLE<TAB>NEW_EXPRS":
                        the surviving columns as SQL expressions whose rows
                        (ordered by rowid) must be equal
Exit status: 0, or 1 when Django is not importable (the caller skips).
"""

import os
import shutil
import sqlite3
import sys
import tempfile

# Django's contrib apps that have models, then the packaged apps. Each entry
# is an INSTALLED_APPS name; an app whose module is missing is left out.
CONTRIB = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.admin",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.redirects",
]
PACKAGED = [
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "axes",
    "cas_server",
    "constance.backends.database",
    "django_celery_beat",
    "django_celery_results",
    "django_comments",
    "django_otp",
    "django_otp.plugins.otp_email",
    "django_otp.plugins.otp_hotp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "django_q",
    "guardian",
    "invitations",
    "oauth2_provider",
    "organizations",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_hooks",
    "reversion",
    "sitetree",
    "tagging",
    "taggit",
    "waffle",
    # this folder's own apps: renames (none of the packaged apps has one)
    # and what Django can put in a SQLite schema that they do not
    "corpus_renames",
    "corpus_constructs",
]

ROWS = 3


def setup(db_path):
    """Configure Django with every app of the lists that imports; returns
    the apps left out, each with the reason."""
    import importlib

    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=[],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": db_path}},
        SITE_ID=1,
        USE_TZ=True,
        SECRET_KEY="corpus",
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        AUTHENTICATION_BACKENDS=["django.contrib.auth.backends.ModelBackend"],
        CONSTANCE_BACKEND="constance.backends.database.DatabaseBackend",
        CONSTANCE_CONFIG={},
        Q_CLUSTER={"orm": "default", "timeout": 60, "retry": 120},
        HOOK_EVENTS={},
        PUSH_NOTIFICATIONS_SETTINGS={},
        LOGGING_CONFIG=None,
    )
    apps, missing = [], []
    for name in CONTRIB + PACKAGED:
        try:
            importlib.import_module(name)
            apps.append(name)
        except Exception as e:  # a package that does not import is left out
            missing.append("%s (%s: %s)" % (name, type(e).__name__, str(e).splitlines()[0][:120]))
    settings.INSTALLED_APPS = apps
    import django

    django.setup()
    return missing


def dump_schema(conn):
    """The schema as SQLite stores it, in creation order."""
    rows = conn.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"
        " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        " AND tbl_name <> 'django_migrations' ORDER BY rowid"
    ).fetchall()
    return "".join(sql + ";\n" for (sql,) in rows)


class RenameRecorder:
    """Collects the renames Django's schema editor performs in one migration,
    as a map from the names after it to the names before it."""

    def __init__(self):
        self.tables = {}  # new table -> old table
        self.columns = {}  # (new table, new column) -> old column

    def reset(self):
        self.tables.clear()
        self.columns.clear()

    def old_table(self, table):
        return self.tables.get(table, table)

    def table_renamed(self, old, new):
        if old == new:
            return
        origin = self.tables.pop(old, old)
        self.tables[new] = origin
        for (t, c), oc in list(self.columns.items()):
            if t == old:
                del self.columns[(t, c)]
                self.columns[(new, c)] = oc

    def column_renamed(self, table, old, new):
        if old == new:
            return
        origin = self.columns.pop((table, old), old)
        self.columns[(table, new)] = origin

    def install(self):
        from django.db.backends.sqlite3.schema import DatabaseSchemaEditor

        rec = self
        rec.remaking = 0
        rec.remade_renames = 0
        alter_db_table = DatabaseSchemaEditor.alter_db_table
        alter_field = DatabaseSchemaEditor.alter_field
        remake_table = DatabaseSchemaEditor._remake_table
        alter_many_to_many = DatabaseSchemaEditor._alter_many_to_many

        def on_alter_db_table(editor, model, old_db_table, new_db_table, **kw):
            alter_db_table(editor, model, old_db_table, new_db_table, **kw)
            # a rebuild's own "new__T" -> "T" is no rename of the table
            if not rec.remaking:
                rec.table_renamed(old_db_table, new_db_table)

        def on_alter_field(editor, model, old_field, new_field, strict=False):
            seen = rec.remade_renames
            alter_field(editor, model, old_field, new_field, strict)
            old_col, new_col = old_field.column, new_field.column
            # ALTER TABLE RENAME COLUMN, unless a rebuild below said it
            if old_field.many_to_many:
                return  # no column: its table is seen below
            if seen == rec.remade_renames and old_col and new_col and old_col != new_col:
                rec.column_renamed(model._meta.db_table, old_col, new_col)

        def on_remake_table(editor, model, *args, **kw):
            # a rebuild that moves a column's values to a new name is a
            # rename too: RenameModel's many-to-many tables come only here
            moved = kw.get("alter_field")
            rec.remaking += 1
            try:
                result = remake_table(editor, model, *args, **kw)
            finally:
                rec.remaking -= 1
            if moved and moved[0].column and moved[1].column and moved[0].column != moved[1].column:
                rec.column_renamed(model._meta.db_table, moved[0].column, moved[1].column)
                rec.remade_renames += 1
            return result

        def on_alter_many_to_many(editor, model, old_field, new_field, strict):
            alter_many_to_many(editor, model, old_field, new_field, strict)
            old_t = old_field.remote_field.through._meta.db_table
            new_t = new_field.remote_field.through._meta.db_table
            if old_t == new_t:
                return
            # a renamed many-to-many field: a new table, the rows copied over
            rec.table_renamed(old_t, new_t)
            rec.column_renamed(new_t, old_field.m2m_column_name(), new_field.m2m_column_name())
            rec.column_renamed(new_t, old_field.m2m_reverse_name(), new_field.m2m_reverse_name())

        DatabaseSchemaEditor.alter_db_table = on_alter_db_table
        DatabaseSchemaEditor._alter_many_to_many = on_alter_many_to_many
        DatabaseSchemaEditor.alter_field = on_alter_field
        DatabaseSchemaEditor._remake_table = on_remake_table


def migration_order(loader):
    """Every migration of the graph, each after its dependencies, apps in
    INSTALLED_APPS order where the graph leaves a choice."""
    graph = loader.graph
    order, seen = [], set()
    for leaf in sorted(graph.leaf_nodes()):
        for node in graph.forwards_plan(leaf):
            if node not in seen:
                seen.add(node)
                order.append(node)
    return order


# --- rows -----------------------------------------------------------------


def affinity(decl):
    """SQLite's column affinity rules (datatype3.html, 3.1)."""
    t = (decl or "").upper()
    if "INT" in t:
        return "INTEGER"
    if "CHAR" in t or "CLOB" in t or "TEXT" in t:
        return "TEXT"
    if "BLOB" in t or not t:
        return "BLOB"
    if "REAL" in t or "FLOA" in t or "DOUB" in t:
        return "REAL"
    return "NUMERIC"


def load_schema(sql):
    conn = sqlite3.connect(":memory:")
    conn.executescript(sql)
    return conn


def tables_of(conn):
    return [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid"
        )
    ]


def columns_of(conn, table):
    # cid, name, type, notnull, dflt_value, pk, hidden
    return [
        {"name": r[1], "type": r[2], "notnull": r[3], "dflt": r[4], "pk": r[5], "hidden": r[6]}
        for r in conn.execute("SELECT * FROM pragma_table_xinfo(?)", (table,))
    ]


def fks_of(conn, table):
    """column -> (parent table, parent column or None for its primary key)"""
    return {
        r[3]: (r[2], r[4])
        for r in conn.execute("SELECT * FROM pragma_foreign_key_list(?)", (table,))
    }


def qi(name):
    return '"' + name.replace('"', '""') + '"'


def ql(value):
    if value is None:
        return "NULL"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, bytes):
        return "X'" + value.hex() + "'"
    return "'" + value.replace("'", "''") + "'"


class RowMaker:
    """Deterministic values: row i of every table, column by column, so that
    each column's values differ between rows (any UNIQUE holds) and a foreign
    key of row i takes its parent's value of row i (any key resolves)."""

    def __init__(self, conn, json_cols):
        self.conn = conn
        self.json_cols = json_cols
        self.cols = {t: columns_of(conn, t) for t in tables_of(conn)}
        self.fks = {t: fks_of(conn, t) for t in self.cols}

    def parent_col(self, parent, col):
        if col is not None:
            return col
        pks = [c for c in self.cols.get(parent, []) if c["pk"]]
        return pks[0]["name"] if pks else "rowid"

    def value(self, table, col, i, depth=0):
        fk = self.fks[table].get(col["name"])
        if fk and fk[0] in self.cols and depth < 8:
            pname = self.parent_col(*fk)
            for pc in self.cols[fk[0]]:
                if pc["name"] == pname:
                    return self.value(fk[0], pc, i, depth + 1)
        aff = affinity(col["type"])
        if col["pk"] == 1 and aff == "INTEGER":
            return i
        tag = "%s_%d" % (col["name"], i)
        if (table, col["name"]) in self.json_cols:
            return '{"%s": %d}' % (col["name"], i)
        t = (col["type"] or "").lower()
        if aff == "INTEGER":
            return 10 * i + 1 if "bool" not in t else i % 2
        if aff == "REAL":
            return i + 0.25
        if aff == "BLOB":
            return tag.encode()
        if aff == "NUMERIC":
            if "datetime" in t or "timestamp" in t:
                return "2024-01-%02d 10:%02d:00" % (i, i)
            if t.startswith("date"):
                return "2024-01-%02d" % i
            if t.startswith("time"):
                return "10:%02d:00" % i
            if "decimal" in t or "numeric" in t:
                return i + 0.5
            return i
        return tag


def json_columns(sql):
    """Columns that Django's JSONField guards with CHECK(JSON_VALID(...))."""
    import re

    found = set()
    for stmt in sql.split(";\n"):
        m = re.match(r'CREATE TABLE "([^"]+)"', stmt)
        if not m:
            continue
        for col in re.findall(r'JSON_VALID\("([^"]+)"\)', stmt):
            found.add((m.group(1), col))
    return found


def make_case(old_sql, new_sql, renames):
    """rows.sql, withheld and check of one case."""
    old = load_schema(old_sql)
    new = load_schema(new_sql)
    table_old_of = dict(renames.tables)  # new -> old
    col_old_of = dict(renames.columns)  # (new table, new col) -> old col
    old_tables = tables_of(old)
    new_tables = tables_of(new)
    new_of_old = {}
    for nt in new_tables:
        ot = table_old_of.get(nt, nt)
        if ot in old_tables:
            new_of_old[ot] = nt

    old_cols = {t: columns_of(old, t) for t in old_tables}
    new_cols = {t: columns_of(new, t) for t in new_tables}

    def unfillable(c):
        return c["notnull"] and c["dflt"] is None and not c["hidden"] and not c["pk"]

    withheld = {}
    mapping = {}  # old table -> list of (old col, new col)
    for ot, nt in new_of_old.items():
        oc_names = {c["name"] for c in old_cols[ot]}
        pairs, kept_old = [], set()
        for c in new_cols[nt]:
            if c["hidden"]:
                continue
            oc = col_old_of.get((nt, c["name"]), c["name"])
            if oc in oc_names:
                pairs.append((oc, c["name"]))
                kept_old.add(oc)
            elif unfillable(c):
                withheld.setdefault(ot, "the upgrade adds NOT NULL column %s.%s without a default" % (nt, c["name"]))
        for c in old_cols[ot]:
            if c["name"] not in kept_old and not c["hidden"] and unfillable(c):
                withheld.setdefault(ot, "the downgrade adds back NOT NULL column %s.%s without a default" % (ot, c["name"]))
        mapping[ot] = pairs

    # a child whose NOT NULL key points at an empty parent is empty too
    fks = {t: fks_of(old, t) for t in old_tables}
    changed = True
    while changed:
        changed = False
        for t in old_tables:
            if t in withheld:
                continue
            for col, (parent, _) in fks[t].items():
                c = next(c for c in old_cols[t] if c["name"] == col)
                if parent in withheld and c["notnull"]:
                    withheld[t] = "its NOT NULL key %s points at %s, which is empty" % (col, parent)
                    changed = True
                    break

    # columns that must hold a value in row 1 too: NOT NULL on either side
    notnull_new = set()
    for ot, pairs in mapping.items():
        nt = new_of_old[ot]
        nn = {c["name"] for c in new_cols[nt] if c["notnull"]}
        for oc, nc in pairs:
            if nc in nn:
                notnull_new.add((ot, oc))

    maker = RowMaker(old, json_columns(old_sql) | json_columns(new_sql_renamed(new_sql, renames)))
    inserts = []
    for t in old_tables:
        if t in withheld:
            continue
        cols = [c for c in old_cols[t] if not c["hidden"]]
        for i in range(1, ROWS + 1):
            vals = []
            for c in cols:
                v = maker.value(t, c, i)
                fk = fks[t].get(c["name"])
                nullable = not c["notnull"] and not c["pk"] and (t, c["name"]) not in notnull_new
                if nullable and (i == 1 or (fk and fk[0] in withheld)):
                    v = None
                vals.append(v)
            inserts.append(
                "INSERT INTO %s (%s) VALUES (%s);"
                % (qi(t), ", ".join(qi(c["name"]) for c in cols), ", ".join(ql(v) for v in vals))
            )
    rows_sql = "".join(s + "\n" for s in inserts)
    # the rows must fit the older schema as SQLite enforces it
    old.execute("PRAGMA foreign_keys = ON")
    old.executescript("BEGIN;" + rows_sql + "COMMIT;")
    bad = old.execute("PRAGMA foreign_key_check").fetchall()
    if bad:
        raise RuntimeError("generated rows break a foreign key: %r" % bad[:3])

    check = []
    new_aff = {(t, c["name"]): affinity(c["type"]) for t in new_tables for c in new_cols[t]}
    old_aff = {(t, c["name"]): affinity(c["type"]) for t in old_tables for c in old_cols[t]}
    for ot in old_tables:
        if ot in withheld or ot not in mapping:
            continue
        nt = new_of_old[ot]
        oe, ne = [], []
        for oc, nc in mapping[ot]:
            if old_aff[(ot, oc)] == new_aff[(nt, nc)]:
                oe.append("quote(%s)" % qi(oc))
                ne.append("quote(%s)" % qi(nc))
            else:
                # a changed affinity may convert a value's storage class
                oe.append("CAST(%s AS TEXT)" % qi(oc))
                ne.append("CAST(%s AS TEXT)" % qi(nc))
        check.append("%s\t%s\t%s\t%s" % (ot, ", ".join(["rowid"] + oe), nt, ", ".join(["rowid"] + ne)))
    return rows_sql, withheld, check


def new_sql_renamed(new_sql, renames):
    """JSON columns of the newer schema by their old names: a value put in
    the older table must also pass the newer table's JSON check."""
    out = []
    for stmt in new_sql.split(";\n"):
        for new, old in renames.tables.items():
            stmt = stmt.replace('CREATE TABLE "%s"' % new, 'CREATE TABLE "%s"' % old)
        for (t, new), old in renames.columns.items():
            stmt = stmt.replace('JSON_VALID("%s")' % new, 'JSON_VALID("%s")' % old)
        out.append(stmt)
    return ";\n".join(out)


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: gen_corpus.py OUT_DIR\n")
        return 2
    out = sys.argv[1]
    try:
        import django  # noqa: F401
    except ImportError:
        sys.stderr.write("Django is not installed (Debian: python3-django)\n")
        return 1
    # this folder's apps are imported from the source tree: no __pycache__ there
    sys.dont_write_bytecode = True
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    os.makedirs(out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="retort-django-")
    try:
        db_path = os.path.join(work, "django.db")
        for name in setup(db_path):
            sys.stderr.write("gen_corpus: left out %s\n" % name)
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        recorder = RenameRecorder()
        recorder.install()
        executor = MigrationExecutor(connection)
        order = migration_order(executor.loader)
        state = executor._create_project_state(with_applied_migrations=True)
        schema = ""
        cases = []
        n = 0
        for app, name in order:
            recorder.reset()
            # what `manage.py migrate APP NAME` runs once its dependencies
            # are applied (MigrationExecutor.migrate's forward loop), with
            # the project state carried over instead of rendered anew for
            # each migration, and without migrate's post_migrate handlers
            # (they add rows: permissions, guardian's anonymous user)
            if "apps" not in state.__dict__:
                state.apps  # render the models once: Django does the same
            state = executor.apply_migration(state, executor.loader.graph.nodes[(app, name)])
            new_schema = dump_schema(connection.connection)
            n += 1
            tag = "%03d" % n
            rows_sql, withheld, check = make_case(schema, new_schema, recorder)
            with open(os.path.join(out, tag + ".old.sql"), "w") as f:
                f.write(schema)
            with open(os.path.join(out, tag + ".new.sql"), "w") as f:
                f.write(new_schema)
            with open(os.path.join(out, tag + ".renames"), "w") as f:
                for new, old in sorted(recorder.tables.items()):
                    f.write("table %s %s\n" % (new, old))
                for (t, new), old in sorted(recorder.columns.items()):
                    f.write("column %s %s %s\n" % (t, new, old))
            with open(os.path.join(out, tag + ".rows.sql"), "w") as f:
                f.write(rows_sql)
            with open(os.path.join(out, tag + ".withheld"), "w") as f:
                for t, why in sorted(withheld.items()):
                    f.write("%s %s\n" % (t, why))
            with open(os.path.join(out, tag + ".check"), "w") as f:
                f.write("".join(line + "\n" for line in check))
            cases.append("%s %s %s\n" % (tag, app, name))
            schema = new_schema
        with open(os.path.join(out, "cases"), "w") as f:
            f.write("".join(cases))
        sys.stderr.write(
            "gen_corpus: %d apps, %d migrations\n"
            % (len({a for a, _ in order}), len(order))
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
