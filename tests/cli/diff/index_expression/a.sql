CREATE TABLE user (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, active INTEGER NOT NULL DEFAULT 1);
CREATE INDEX ix_user_name ON user (name);
INSERT INTO user VALUES (1, 'ann', 'Ann@x', 1), (2, 'bob', 'bob@x', 0), (3, 'cy', NULL, 1);
