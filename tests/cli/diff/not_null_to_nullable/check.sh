# the way down makes them NOT NULL again: that is the risky direction
warn_down=yes
after_up() {
	expect_ok a.db "INSERT INTO user VALUES (3, NULL, NULL)"
}
