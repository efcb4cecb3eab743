CREATE TABLE keep (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE "evil
DROP TABLE keep; --" (x);
CREATE TABLE "a */ b" (y);
INSERT INTO keep VALUES (1, 'ann'), (2, 'bob');
INSERT INTO "evil
DROP TABLE keep; --" VALUES (1);
