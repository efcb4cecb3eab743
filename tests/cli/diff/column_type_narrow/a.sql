CREATE TABLE code (id INTEGER PRIMARY KEY, value TEXT);
INSERT INTO code VALUES (1, '10'), (2, '20'), (3, 'abc'), (4, NULL);
