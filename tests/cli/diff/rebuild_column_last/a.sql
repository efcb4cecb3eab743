CREATE TABLE person (id INTEGER PRIMARY KEY, first TEXT, last TEXT NOT NULL);
INSERT INTO person VALUES (1, 'ann', 'lee'), (2, 'bob', 'ray');
