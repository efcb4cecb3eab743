# a row holds NULL: flagged, and the upgrade fails whole, changing nothing
warn_up=yes
up_fails=1
