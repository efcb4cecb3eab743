from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("corpus_renames", "0004_db_table_db_column"),
    ]

    operations = [
        migrations.RenameField(model_name="person", old_name="name", new_name="full_name"),
        migrations.AlterField(
            model_name="person",
            name="full_name",
            field=models.CharField(max_length=150),
        ),
        migrations.RemoveField(model_name="book", name="isbn"),
        migrations.AddField(
            model_name="book",
            name="edition",
            field=models.IntegerField(null=True),
        ),
    ]
