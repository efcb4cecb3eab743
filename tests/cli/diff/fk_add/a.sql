CREATE TABLE user (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL, owner_id INTEGER);
INSERT INTO user VALUES (1, 'ann'), (2, 'bob');
INSERT INTO pet VALUES (1, 'rex', 1), (2, 'tom', 2), (3, 'kit', NULL);
