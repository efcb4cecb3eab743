CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, code TEXT);
CREATE TABLE log (what TEXT);
CREATE VIEW item_codes AS SELECT name, code FROM item;
CREATE TRIGGER item_code_changed AFTER UPDATE OF code ON item BEGIN INSERT INTO log VALUES (NEW.code); END;
INSERT INTO item VALUES (1, 'cup', 'c1'), (2, 'pot', 'p1');
