# the same with rows: flagged, and applying it fails as a whole, leaving the
# database as it was
warn_up=yes
up_fails=1
