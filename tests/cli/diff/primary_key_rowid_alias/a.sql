CREATE TABLE tag (id INTEGER, name TEXT NOT NULL);
INSERT INTO tag VALUES (10, 'red'), (20, 'blue'), (30, 'green');
DELETE FROM tag WHERE id = 10;
