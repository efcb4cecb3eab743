CREATE TABLE reading (id INTEGER PRIMARY KEY, sensor TEXT NOT NULL, raw ANY, extra ANY) STRICT;
INSERT INTO reading VALUES (1, 's1', '007', 1.0), (2, 's2', x'00ff', 'a');
