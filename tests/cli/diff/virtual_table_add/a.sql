CREATE TABLE post (id INTEGER PRIMARY KEY, title TEXT, body TEXT);
INSERT INTO post VALUES (1, 'hello', 'first post');
