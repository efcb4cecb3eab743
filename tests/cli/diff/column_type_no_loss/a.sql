CREATE TABLE item (id INTEGER PRIMARY KEY, n INTEGER, code VARCHAR(20), note TEXT);
INSERT INTO item VALUES (1, 7, 'a-long-code-here', '007'), (2, NULL, 'x', 'abc');
