from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("corpus_renames", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="book", old_name="title", new_name="name"),
        migrations.RenameField(model_name="book", old_name="author", new_name="writer"),
        migrations.RenameField(model_name="tag", old_name="label", new_name="text"),
    ]
