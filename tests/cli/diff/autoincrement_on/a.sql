CREATE TABLE ev (id INTEGER PRIMARY KEY, msg TEXT);
INSERT INTO ev (msg) VALUES ('a'), ('b'), ('c'), ('d'), ('e');
DELETE FROM ev WHERE id > 3;
