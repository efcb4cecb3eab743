CREATE TABLE user (
	id INTEGER PRIMARY KEY,
	email TEXT NOT NULL UNIQUE,
	org TEXT,
	login TEXT,
	CONSTRAINT uq_user_org_login UNIQUE (org, login)
);
INSERT INTO user VALUES (1, 'a@x', 'acme', 'ann'), (2, 'b@x', 'acme', 'bob');
