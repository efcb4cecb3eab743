CREATE TABLE event (id INTEGER PRIMARY KEY AUTOINCREMENT, msg TEXT, level INTEGER);
INSERT INTO event (msg, level) VALUES ('a', 1), ('b', 1), ('c', 2), ('d', 3), ('e', 3);
DELETE FROM event WHERE id > 3;
