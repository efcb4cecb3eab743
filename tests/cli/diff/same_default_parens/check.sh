mode=same  # DEFAULT 0 and DEFAULT (0) are the same default
