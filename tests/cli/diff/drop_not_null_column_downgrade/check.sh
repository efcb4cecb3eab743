# the downgrade must bring back a NOT NULL column without a default into a
# table with rows: it is flagged, and when it cannot run it fails whole
warn_up=yes
warn_down=yes
lost="item.code"
down_fails=1
