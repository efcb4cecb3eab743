-- retort revision: aaaa00000003
-- parent: aaaa00000001, aaaa00000002
-- message: no last semicolon, CRLF

-- retort:downgrade
SELECT 1;
SELECT 2

-- retort:upgrade

