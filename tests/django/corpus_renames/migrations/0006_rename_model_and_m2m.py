from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("corpus_renames", "0005_rename_and_alter"),
    ]

    operations = [
        migrations.RenameModel(old_name="Book", new_name="Volume"),
        migrations.RenameField(model_name="volume", old_name="tags", new_name="labels"),
    ]
