"""A Django app of the corpus (tests/django/run.sh) whose migrations use what
Django 3.2 can put in a SQLite schema and the packaged apps do not: JSON
fields, partial and functional indexes, conditional unique constraints, CHECK
constraints, collations, descending index terms, one-to-one and
self-referencing keys, and the AlterField changes Django makes by rebuilding.
Written as makemigrations writes them; no models module."""
