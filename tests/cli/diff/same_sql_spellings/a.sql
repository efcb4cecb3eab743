CREATE TABLE item (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL DEFAULT 'unnamed' CHECK (length(trim(name)) > 0),
  qty INTEGER NOT NULL DEFAULT 0 CHECK (qty >= 0 AND qty <> 13),
  price REAL DEFAULT 1.50,
  flags INTEGER DEFAULT 0x10,
  total REAL GENERATED ALWAYS AS (qty * price + 1) VIRTUAL,
  CONSTRAINT cheap CHECK (price < 1e3 OR name = 'gold')
);
CREATE TABLE log (id INTEGER PRIMARY KEY, what TEXT NOT NULL);
CREATE INDEX ix_item_name ON item (lower(name), qty + 1) WHERE qty <> 0;
CREATE VIEW stock AS SELECT name, qty FROM item WHERE qty > 0 AND (price < 10 OR flags = 16);
CREATE TRIGGER item_log AFTER UPDATE OF qty, price ON item FOR EACH ROW WHEN NEW.qty <> OLD.qty BEGIN INSERT INTO log (what) VALUES ('qty ' || NEW.name || ' ' || NEW.qty); END;
INSERT INTO item (id, name, qty, price) VALUES (1, 'cup', 3, 2.5), (2, 'pot', 0, 12);
