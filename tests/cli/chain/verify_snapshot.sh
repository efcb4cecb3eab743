#!/usr/bin/env bash
# verify compares sqlite_schema's text at each step and reads the schemas
# only when it differs, making the earlier one again from its text: that
# must give the same answers as reading it live. Downgrades that give back
# the schema in other words (a rebuilt table, an index made again in another
# place, a virtual table with its shadow tables, views read before they are
# made, a trigger on a view, AUTOINCREMENT) are ok; one that loses a view or
# a column default is named, with what differs.
source "$(dirname "$0")/common.bash"

project
a=aaaa00000001 b=bbbb00000002 c=cccc00000003 d=dddd00000004
rev $a none "base" "CREATE TABLE pet (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL DEFAULT 'x');
CREATE INDEX ix_pet_name ON pet (name);
CREATE TABLE owner (id INTEGER PRIMARY KEY, pet_id INTEGER REFERENCES pet (id));
CREATE INDEX ix_owner_pet ON owner (pet_id);
CREATE VIRTUAL TABLE doc USING fts5 (body);
CREATE VIEW a_names AS SELECT name FROM b_pets;
CREATE VIEW b_pets AS SELECT * FROM pet;
CREATE TRIGGER a_names_insert INSTEAD OF INSERT ON a_names BEGIN
  INSERT INTO pet (name) VALUES (NEW.name);
END;" "DROP TRIGGER a_names_insert;
DROP VIEW a_names;
DROP VIEW b_pets;
DROP TABLE doc;
DROP TABLE owner;
DROP TABLE pet;"
# b: its downgrade rebuilds pet in other words and makes ix_pet_name again
# after ix_owner_pet, so sqlite_schema's text and order both change
rev $b $a "pet age" "ALTER TABLE pet ADD COLUMN age INTEGER;
DROP INDEX ix_pet_name;
CREATE INDEX ix_pet_name ON pet (name, age);" "DROP TRIGGER a_names_insert;
DROP VIEW a_names;
DROP VIEW b_pets;
DROP INDEX ix_pet_name;
CREATE TABLE _retort_new_pet (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL DEFAULT 'x'
);
INSERT INTO _retort_new_pet (id, name) SELECT id, name FROM pet;
DROP TABLE pet;
ALTER TABLE _retort_new_pet RENAME TO pet;
CREATE INDEX ix_pet_name ON pet (name);
CREATE VIEW b_pets AS SELECT * FROM pet;
CREATE VIEW a_names AS SELECT name FROM b_pets;
CREATE TRIGGER a_names_insert INSTEAD OF INSERT ON a_names BEGIN
  INSERT INTO pet (name) VALUES (NEW.name);
END;"
# c: the virtual table dropped and made again
rev $c $b "doc title" "DROP TABLE doc;
CREATE VIRTUAL TABLE doc USING fts5 (title, body);" "DROP TABLE doc;
CREATE VIRTUAL TABLE doc USING fts5 (body);"
run_ok verify
expect_said "ok: 3 revisions" "a downgrade that gives back the schema in other words is ok"

# d: its downgrade rebuilds pet without the default, and forgets a view
rev $d $c "pet kind" "ALTER TABLE pet ADD COLUMN kind TEXT;
CREATE VIEW kinds AS SELECT 1 AS kind;" "DROP TRIGGER a_names_insert;
DROP VIEW a_names;
DROP VIEW b_pets;
DROP INDEX ix_pet_name;
CREATE TABLE _retort_new_pet (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, age INTEGER);
INSERT INTO _retort_new_pet (id, name, age) SELECT id, name, age FROM pet;
DROP TABLE pet;
ALTER TABLE _retort_new_pet RENAME TO pet;
CREATE INDEX ix_pet_name ON pet (name, age);
CREATE VIEW b_pets AS SELECT * FROM pet;
CREATE VIEW a_names AS SELECT name FROM b_pets;
CREATE TRIGGER a_names_insert INSTEAD OF INSERT ON a_names BEGIN
  INSERT INTO pet (name) VALUES (NEW.name);
END;"
run_rc 1 verify
expect_said "revision $d: its downgrade does not give back the schema before it" "names the revision"
expect_said "kinds" "names the view left behind"
expect_said "pet" "names the table that lost its default"
finish
