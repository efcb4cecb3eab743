CREATE TABLE user (id INTEGER PRIMARY KEY, name TEXT, email TEXT);
INSERT INTO user VALUES (1, 'ann', NULL), (2, NULL, 'b@x');
