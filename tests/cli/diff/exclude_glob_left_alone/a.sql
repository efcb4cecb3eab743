CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE legacy_orders (id INTEGER PRIMARY KEY, total REAL);
CREATE TABLE page_cache (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;
CREATE INDEX ix_legacy_total ON legacy_orders (total);
INSERT INTO item VALUES (1, 'cup');
INSERT INTO legacy_orders VALUES (1, 9.5);
INSERT INTO page_cache VALUES ('/', x'00');
