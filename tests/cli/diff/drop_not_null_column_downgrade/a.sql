CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT, code TEXT NOT NULL);
INSERT INTO item VALUES (1, 'cup', 'c1'), (2, 'pot', 'p1');
