CREATE TABLE keep (id INTEGER PRIMARY KEY, name TEXT, "two
lines" TEXT);
INSERT INTO keep VALUES (1, 'ann', 'x'), (2, 'bob', NULL);
