"""A Django app of the corpus (tests/django/run.sh) whose migrations rename:
the Django apps packaged in Debian have no RenameField or RenameModel. Its
migrations are written as makemigrations writes them (and, for the swap, by
hand); it has no models module, which `migrate` does not need."""
