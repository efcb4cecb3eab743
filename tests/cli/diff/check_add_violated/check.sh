up_fails=1  # a new CHECK that a row breaks: the upgrade fails whole
