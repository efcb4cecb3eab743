from django.db import migrations


class Migration(migrations.Migration):
    """Two columns swap names, through a third (written by hand: the
    autodetector never writes a swap)."""

    dependencies = [
        ("corpus_renames", "0006_rename_model_and_m2m"),
    ]

    operations = [
        migrations.RenameField(model_name="person", old_name="full_name", new_name="swap_tmp"),
        migrations.RenameField(model_name="person", old_name="nickname", new_name="full_name"),
        migrations.RenameField(model_name="person", old_name="swap_tmp", new_name="nickname"),
    ]
