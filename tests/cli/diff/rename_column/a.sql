CREATE TABLE user (id INTEGER PRIMARY KEY, nme TEXT NOT NULL, mail TEXT);
INSERT INTO user VALUES (1, 'ann', 'a@x'), (2, 'bob', NULL);
