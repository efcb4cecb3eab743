CREATE TABLE post (id INTEGER PRIMARY KEY, title TEXT, body TEXT);
CREATE VIRTUAL TABLE post_fts USING fts5(title, body);
INSERT INTO post VALUES (1, 'hello', 'first post'), (2, 'again', 'second post');
INSERT INTO post_fts (rowid, title, body) SELECT id, title, body FROM post;
