CREATE TABLE node (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES node(id) ON DELETE CASCADE, label TEXT);
CREATE TABLE leaf (id INTEGER PRIMARY KEY, node_id INTEGER REFERENCES node(id) ON DELETE CASCADE, weight INTEGER);
INSERT INTO node VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'c');
INSERT INTO leaf VALUES (1, 4, 1), (2, 3, 2), (3, 1, 3);
