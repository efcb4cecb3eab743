CREATE TABLE a (x INTEGER);
-- SQLite gives no offset for this error: point at the statement
CREATE TABLE sqlite_b (y INTEGER);
