CREATE TABLE user (id INTEGER PRIMARY KEY, name TEXT NOT NULL, code TEXT COLLATE NOCASE);
CREATE INDEX ix_user_name ON user (name);
INSERT INTO user VALUES (1, 'Ann', 'a '), (2, 'bob', 'B');
