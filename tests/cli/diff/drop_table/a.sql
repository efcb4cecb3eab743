CREATE TABLE user (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE log (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES user(id), msg TEXT);
CREATE INDEX ix_log_user ON log (user_id);
INSERT INTO user VALUES (1, 'ann'), (2, 'bob');
INSERT INTO log VALUES (1, 1, 'hello'), (2, 2, 'bye');
