CREATE TABLE user (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL DEFAULT '');
INSERT INTO user VALUES (1, 'ann', ''), (2, 'bob', 'b@x');
