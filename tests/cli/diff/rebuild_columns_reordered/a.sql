CREATE TABLE person (id INTEGER PRIMARY KEY, last TEXT NOT NULL, first TEXT NOT NULL, age INTEGER);
INSERT INTO person VALUES (1, 'lee', 'ann', 30), (2, 'ray', 'bob', NULL);
