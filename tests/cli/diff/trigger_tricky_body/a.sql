CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT, state TEXT);
CREATE TABLE log (what TEXT);
INSERT INTO item VALUES (1, 'cup', 'new'), (2, 'pot', 'old');
