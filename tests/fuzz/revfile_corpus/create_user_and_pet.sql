-- retort revision: 815b67093b86
-- parent: none
-- message: create user and pet
-- created: 2026-11-24T17:07:09Z
-- author: Seed 12e91059 maintainers <maintainers@users.noreply.r-seed-12e91059.example>
-- commit: 3b60dc5a69c53c78a1daa0f054e3db91353a5cc6

-- retort:upgrade
CREATE TABLE "pet" (
  "id" INTEGER PRIMARY KEY,
  "name" VARCHAR NOT NULL,
  "kind" TEXT NOT NULL DEFAULT 'cat' CHECK (kind IN ('cat','dog','frog')),
  "born" DATE DEFAULT CURRENT_DATE
);
CREATE INDEX "ix_pet_name" ON "pet" ("name");
CREATE TABLE "user" (
  "id" INTEGER PRIMARY KEY,
  "name" VARCHAR NOT NULL
);

-- retort:downgrade
-- warning: drops table 'pet' and its rows
DROP TABLE "pet";
-- warning: drops table 'user' and its rows
DROP TABLE "user";
