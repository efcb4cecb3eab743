up_fails=1  # a new UNIQUE that two rows break: the upgrade fails whole
