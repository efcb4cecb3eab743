mode=same  # a foreign key on the column or on the table is the same key
