CREATE TABLE line (id INTEGER PRIMARY KEY, product TEXT NOT NULL);
INSERT INTO line VALUES (1, 'cup'), (2, 'pot');
