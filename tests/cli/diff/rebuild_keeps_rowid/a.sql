CREATE TABLE note (body TEXT);
CREATE TABLE tag (name TEXT PRIMARY KEY, color TEXT);
INSERT INTO note VALUES ('a'), ('b'), ('c');
INSERT INTO tag VALUES ('x', 'red'), ('y', 'blue'), ('z', NULL);
DELETE FROM note WHERE body = 'a';
DELETE FROM tag WHERE name = 'x';
