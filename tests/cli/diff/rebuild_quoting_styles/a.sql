CREATE TABLE [order line] ( -- a comment, with a ( in it
	`id` INTEGER PRIMARY KEY, /* block
	comment ) */
	'qty' INTEGER NOT NULL DEFAULT (1) CHECK ("qty" > 0), -- 'qty' is a string-quoted name
	[unit price] REAL,
	note TEXT DEFAULT 'it''s -- not a comment'
);
CREATE INDEX [ix order line] ON [order line] (`qty`);
INSERT INTO [order line] VALUES (1, 2, 1.5, 'a'), (2, 1, 0.5, 'b');
