CREATE TABLE reading (id INTEGER PRIMARY KEY, value INTEGER NOT NULL, unit VARCHAR(5));
INSERT INTO reading VALUES (1, 10, 'cm'), (2, 20, 'mm'), (3, -3, NULL);
