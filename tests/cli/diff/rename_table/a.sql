CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE INDEX ix_person_name ON person (name);
CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT, owner_id INTEGER REFERENCES person(id) ON DELETE CASCADE);
CREATE VIEW person_names AS SELECT name FROM person;
CREATE TRIGGER person_gone AFTER DELETE ON person BEGIN DELETE FROM pet WHERE owner_id IS NULL; END;
INSERT INTO person VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
INSERT INTO pet VALUES (1, 'rex', 1), (2, 'tom', 2), (3, 'kit', 2);
