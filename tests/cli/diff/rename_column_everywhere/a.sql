CREATE TABLE user (id INTEGER PRIMARY KEY, nme TEXT NOT NULL, qty INTEGER CHECK (qty >= 0));
CREATE TABLE log (old TEXT, new TEXT);
CREATE INDEX ix_user_nme ON user (nme);
CREATE UNIQUE INDEX ux_user_nme_lower ON user (lower(nme)) WHERE nme <> '';
CREATE VIEW user_names AS SELECT nme FROM user WHERE nme <> '' ORDER BY nme;
CREATE TRIGGER user_nme_changed AFTER UPDATE OF nme ON user WHEN OLD.nme <> NEW.nme BEGIN INSERT INTO log VALUES (OLD.nme, NEW.nme); END;
INSERT INTO user VALUES (1, 'ann', 1), (2, 'bob', 2);
