CREATE TABLE item (
  id INTEGER PRIMARY KEY,
  qty INTEGER NOT NULL DEFAULT 0,
  price REAL DEFAULT 1.50,
  flags INTEGER DEFAULT 0x10,
  CHECK (qty > 0 AND (price > 0 OR flags = 1))
);
CREATE TABLE tag (id INTEGER PRIMARY KEY, label TEXT CHECK (length(label) BETWEEN 1 AND 20 AND label <> 'x'));
INSERT INTO item VALUES (1, 3, 2.5, 16), (2, 1, 12, 16);
INSERT INTO tag VALUES (1, 'new');
