-- retort revision: fdc24948574a
-- parent: 815b67093b86
-- message: add pet owner
-- created: 2026-11-24T17:07:12Z
-- author: Seed 12e91059 maintainers <maintainers@users.noreply.r-seed-12e91059.example>
-- commit: 3b60dc5a69c53c78a1daa0f054e3db91353a5cc6

-- retort:upgrade
ALTER TABLE "pet" ADD COLUMN "owner_id" INTEGER REFERENCES "user" ("id") ON DELETE CASCADE;

-- retort:downgrade
DROP INDEX "ix_pet_name";
-- warning: rebuilds table 'pet': every row is copied; drops column 'pet.owner_id' and its values
CREATE TABLE "_retort_new_pet" (
  "id" INTEGER PRIMARY KEY,
  "name" VARCHAR NOT NULL,
  "kind" TEXT NOT NULL DEFAULT 'cat' CHECK (kind IN ('cat','dog','frog')),
  "born" DATE DEFAULT CURRENT_DATE
);
INSERT INTO "_retort_new_pet" ("id", "name", "kind", "born") SELECT "id", "name", "kind", "born" FROM "pet";
DROP TABLE "pet";
ALTER TABLE "_retort_new_pet" RENAME TO "pet";
CREATE INDEX "ix_pet_name" ON "pet" ("name");
