CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, code TEXT);
CREATE INDEX ix_item_code ON item (code);
CREATE INDEX ix_item_name_code ON item (name, code);
CREATE INDEX ix_item_name ON item (name);
CREATE INDEX ix_item_lower_code ON item (lower(code));
CREATE INDEX ix_item_name_coded ON item (name) WHERE code IS NOT NULL;
INSERT INTO item VALUES (1, 'cup', 'c1'), (2, 'pot', 'p1');
