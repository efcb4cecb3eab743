CREATE TABLE user (id INTEGER PRIMARY KEY);
CREATE TABLE item (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	qty INTEGER CHECK (qty >= 0),
	sku TEXT UNIQUE,
	owner_id INTEGER REFERENCES user(id),
	CHECK (qty < 1000 OR sku IS NOT NULL)
);
INSERT INTO user VALUES (1), (2);
INSERT INTO item VALUES (1, 'cup', 3, 'A1', 1), (2, 'pot', 0, 'A2', 2), (3, 'pan', NULL, NULL, NULL);
