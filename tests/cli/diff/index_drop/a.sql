CREATE TABLE user (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, active INTEGER NOT NULL DEFAULT 1);
CREATE INDEX ix_user_name ON user (name);
CREATE UNIQUE INDEX ux_user_email ON user (email);
CREATE INDEX ix_user_active ON user (active) WHERE active = 1;
CREATE INDEX ix_user_lower ON user (lower(email));
INSERT INTO user VALUES (1, 'ann', 'Ann@x', 1), (2, 'bob', 'bob@x', 0), (3, 'cy', NULL, 1);
