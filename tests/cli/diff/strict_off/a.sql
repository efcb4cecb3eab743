CREATE TABLE reading (id INTEGER PRIMARY KEY, sensor TEXT NOT NULL, value REAL, n INT) STRICT;
INSERT INTO reading VALUES (1, 's1', 1.5, 1), (2, 's2', 2, NULL);
