CREATE TABLE line (
	id INTEGER PRIMARY KEY,
	qty INTEGER NOT NULL CHECK (qty > 0),
	price REAL,
	CONSTRAINT ck_line_price CHECK (price >= 0)
);
INSERT INTO line VALUES (1, 1, 2.5), (2, 3, 1);
