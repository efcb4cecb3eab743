CREATE TABLE Person (id INTEGER PRIMARY KEY, Name TEXT);
CREATE INDEX ix_person_name ON Person (Name);
INSERT INTO Person VALUES (1, 'ann'), (2, 'bob');
