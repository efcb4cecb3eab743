-- retort revision: aaaa00000001
-- parent: none
-- message: semicolons in strings, names and comments

-- retort:upgrade
CREATE TABLE "a;b" (x TEXT DEFAULT ';', [y;] INT, `z;` INT); -- trailing; comment
/* a ; comment */ INSERT INTO t VALUES ('it''s; ok', x'3b', "c;"); ;;
INSERT INTO t (a) VALUES (1) /* ; */ ;

-- retort:downgrade
DROP TABLE "a;b";
