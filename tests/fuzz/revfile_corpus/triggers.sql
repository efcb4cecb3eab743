-- retort revision: aaaa00000002
-- parent: aaaa00000001
-- message: trigger bodies

-- retort:upgrade
CREATE TRIGGER tr AFTER INSERT ON t BEGIN
  UPDATE t SET b = 1; INSERT INTO pet (name) VALUES ('x;');
  SELECT CASE WHEN new.a THEN RAISE(ABORT, 'no;') END;
END;
CREATE TEMP TRIGGER IF NOT EXISTS tr2 INSTEAD OF DELETE ON v FOR EACH ROW WHEN old.a > 0 BEGIN DELETE FROM t; END;
CREATE TABLE begin (end INT);

-- retort:downgrade
DROP TRIGGER tr;
DROP TRIGGER tr2;
DROP TABLE begin
