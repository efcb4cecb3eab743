CREATE TABLE "user" (
	"id" INTEGER PRIMARY KEY,
	"name" VARCHAR NOT NULL
);
CREATE TABLE pet (
	id INTEGER PRIMARY KEY,
	name VARCHAR NOT NULL,
	owner_id INTEGER REFERENCES user (id) ON DELETE CASCADE,
	born DATE DEFAULT CURRENT_DATE,
	kind TEXT NOT NULL DEFAULT 'cat' CHECK (kind IN ('cat','dog','frog')),
	UNIQUE (owner_id, name),
	CONSTRAINT name_not_blank CHECK (length(trim(name)) > 0)
);
CREATE INDEX ix_pet_name ON pet (name);
CREATE UNIQUE INDEX ix_pet_alive ON pet (owner_id, name) WHERE born IS NOT NULL;
CREATE VIEW pet_owner AS SELECT pet.name AS pet, user.name AS owner FROM pet JOIN user ON user.id = pet.owner_id;
CREATE TRIGGER pet_touch AFTER UPDATE ON pet BEGIN SELECT 1; END;
INSERT INTO user VALUES (1, 'ann');
INSERT INTO pet (id, name, owner_id) VALUES (1, 'rex', 1);
