CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, obsolete TEXT, price REAL);
INSERT INTO item VALUES (1, 'cup', 'x', 1.5), (2, 'pot', NULL, 2.25), (3, 'pan', 'y', NULL);
