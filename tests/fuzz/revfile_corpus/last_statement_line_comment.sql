-- retort revision: aaaa00000004
-- parent: none
-- message: the last statement ends in a line comment

-- retort:upgrade
CREATE TABLE x (a INT) -- no semicolon after this comment

-- retort:downgrade
DROP TABLE x -- nor here
