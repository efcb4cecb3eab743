CREATE TABLE token (id INTEGER PRIMARY KEY, owner TEXT);
INSERT INTO token VALUES (1, 'ann'), (2, 'bob');
