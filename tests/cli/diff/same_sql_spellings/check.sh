mode=same  # every difference between a.sql and b.sql is one SQLite does not see
