CREATE TABLE membership (user_id INTEGER NOT NULL, group_id INTEGER NOT NULL, role TEXT, PRIMARY KEY (user_id));
INSERT INTO membership VALUES (1, 10, 'admin'), (2, 10, 'user'), (3, 20, NULL);
