mode=same  # a CHECK on the column or on the table is the same constraint
