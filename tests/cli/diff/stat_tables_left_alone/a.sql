CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT);
CREATE INDEX ix_item_name ON item (name);
INSERT INTO item VALUES (1, 'cup'), (2, 'pot');
ANALYZE;
