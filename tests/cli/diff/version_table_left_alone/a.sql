CREATE TABLE retort_version (revision TEXT PRIMARY KEY);
CREATE TABLE retort_history (id INTEGER PRIMARY KEY, revision TEXT, direction TEXT);
CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO retort_version VALUES ('4c2e9a1f7b3d');
INSERT INTO retort_history VALUES (1, '4c2e9a1f7b3d', 'upgrade');
INSERT INTO item VALUES (1, 'cup');
