CREATE TABLE point (id INTEGER PRIMARY KEY, x REAL);
CREATE TABLE "_retort_new_point" (id INTEGER PRIMARY KEY, note TEXT);
CREATE TABLE "_retort_tmp" (id INTEGER PRIMARY KEY);
INSERT INTO point VALUES (1, 1.5);
INSERT INTO "_retort_new_point" VALUES (1, 'mine, not retort''s');
