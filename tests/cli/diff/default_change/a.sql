CREATE TABLE task (
	id INTEGER PRIMARY KEY,
	status TEXT NOT NULL DEFAULT 'new',
	prio INTEGER DEFAULT 0,
	created TEXT DEFAULT CURRENT_TIMESTAMP,
	note TEXT
);
INSERT INTO task (id, status, prio, created, note) VALUES (1, 'new', 0, '2024-01-01 00:00:00', NULL), (2, 'done', 5, '2024-02-02 00:00:00', 'x');
