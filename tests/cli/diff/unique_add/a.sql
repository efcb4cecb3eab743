CREATE TABLE user (id INTEGER PRIMARY KEY, email TEXT NOT NULL, org TEXT, login TEXT);
INSERT INTO user VALUES (1, 'a@x', 'acme', 'ann'), (2, 'b@x', 'acme', 'bob'), (3, 'c@x', NULL, 'ann');
