CREATE TABLE item (id INTEGER PRIMARY KEY, nm TEXT, qty TEXT, junk TEXT, price REAL);
CREATE INDEX ix_item_nm ON item (nm);
INSERT INTO item VALUES (1, 'cup', '3', 'x', 1.5), (2, 'pot', '10', NULL, 2);
