# a new foreign key that a row violates (pet 2's owner 7 does not exist):
# the script's foreign_key_check must stop it before COMMIT, not commit the
# orphan and print it
up_fails=1
