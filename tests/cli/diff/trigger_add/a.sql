CREATE TABLE user (id INTEGER PRIMARY KEY, name TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL, owner_id INTEGER REFERENCES user(id));
CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT NOT NULL);
INSERT INTO user VALUES (1, 'ann', 1), (2, 'bob', 0), (3, 'cy', 1);
INSERT INTO pet VALUES (1, 'rex', 1), (2, 'tom', 2), (3, 'kit', 1);
