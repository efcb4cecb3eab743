CREATE TABLE reading (id INTEGER PRIMARY KEY, sensor TEXT NOT NULL, value REAL, raw BLOB, extra ANY);
INSERT INTO reading VALUES (1, 's1', 1.5, x'00ff', 'a'), (2, 's2', 2, NULL, 3);
