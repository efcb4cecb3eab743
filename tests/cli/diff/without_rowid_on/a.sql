CREATE TABLE kv (k TEXT PRIMARY KEY NOT NULL, v TEXT, n INTEGER DEFAULT 0);
CREATE INDEX ix_kv_v ON kv (v);
INSERT INTO kv VALUES ('a', 'x', 1), ('b', NULL, 2), ('c', 'z', 0);
