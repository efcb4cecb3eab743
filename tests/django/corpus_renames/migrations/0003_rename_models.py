from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("corpus_renames", "0002_rename_fields"),
    ]

    operations = [
        migrations.RenameModel(old_name="Author", new_name="Person"),
        migrations.RenameModel(old_name="Tag", new_name="Label"),
    ]
