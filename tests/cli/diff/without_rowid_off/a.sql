CREATE TABLE kv (k TEXT, scope TEXT, v TEXT, PRIMARY KEY (scope, k)) WITHOUT ROWID;
INSERT INTO kv VALUES ('a', 's', 'x'), ('b', 's', NULL), ('a', 't', 'z');
