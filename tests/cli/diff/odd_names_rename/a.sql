CREATE TABLE "group by" ("key word" INTEGER PRIMARY KEY, "naïve" TEXT);
CREATE TABLE "order" (
	"select" INTEGER PRIMARY KEY,
	"café" TEXT NOT NULL CONSTRAINT "ck ""café""" CHECK (length("café") > 0),
	"it's" TEXT DEFAULT 'it''s',
	"名前" TEXT COLLATE NOCASE,
	"the ""quoted"" col" INTEGER CONSTRAINT "fk 'o'" REFERENCES "group by" ("key word") ON DELETE CASCADE,
	CONSTRAINT "uq order" UNIQUE ("名前", "it's")
);
CREATE INDEX "ix ""café"" 'x'" ON "order" ("café", "名前" DESC);
CREATE VIEW "view 名前" AS SELECT "select", "café" AS "the café" FROM "order";
CREATE TRIGGER "trg ""order"" it's" AFTER INSERT ON "order" BEGIN UPDATE "group by" SET "naïve" = NEW."café" WHERE "key word" = NEW."the ""quoted"" col"; END;
INSERT INTO "group by" VALUES (1, 'one'), (2, 'two');
INSERT INTO "order" VALUES (1, 'latte', 'it''s', '名', 1), (2, 'mocha', 'x', 'b', 2), (3, 'flat "white"', NULL, NULL, 2);
