CREATE TABLE user (id INTEGER PRIMARY KEY, name TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL, owner_id INTEGER REFERENCES user(id));
CREATE VIEW pet_owner AS SELECT pet.name AS pet, user.name AS owner FROM pet JOIN user ON user.id = pet.owner_id;
CREATE VIEW active_user AS SELECT id, name FROM user WHERE active;
INSERT INTO user VALUES (1, 'ann', 1), (2, 'bob', 0), (3, 'cy', 1);
INSERT INTO pet VALUES (1, 'rex', 1), (2, 'tom', 2), (3, 'kit', 1);
