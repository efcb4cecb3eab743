-- retort revision: aaaa00000005
-- parent: none

-- retort:upgrade
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) INSERT INTO t (a) SELECT i FROM n;
CREATE VIEW w AS SELECT ';' AS s FROM t WHERE a = ';';
EXPLAIN QUERY PLAN SELECT * FROM t;
PRAGMA user_version = 3;

-- retort:downgrade
DROP VIEW w;
/* unclosed comment at the end
