CREATE TABLE line (
	id INTEGER PRIMARY KEY,
	qty INTEGER NOT NULL CHECK (qty > 0),
	price REAL NOT NULL,
	total REAL GENERATED ALWAYS AS (qty * price) STORED,
	CONSTRAINT ck_line_price CHECK (price >= 0 AND qty < 1000)
);
INSERT INTO line (id, qty, price) VALUES (1, 2, 1.5), (2, 3, 2);
