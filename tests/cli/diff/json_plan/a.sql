CREATE TABLE user (id INTEGER PRIMARY KEY, name TEXT, legacy TEXT);
CREATE TABLE log (id INTEGER PRIMARY KEY, msg TEXT);
INSERT INTO user VALUES (1, 'ann', 'x'), (2, 'bob', NULL);
INSERT INTO log VALUES (1, 'hello');
