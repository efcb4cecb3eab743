CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, hidden INTEGER NOT NULL DEFAULT 0);
CREATE VIEW visible_item AS SELECT id, name FROM item WHERE NOT hidden;
CREATE TRIGGER visible_item_insert INSTEAD OF INSERT ON visible_item BEGIN INSERT INTO item (id, name) VALUES (NEW.id, NEW.name); END;
INSERT INTO item VALUES (1, 'cup', 0), (2, 'pot', 1);
