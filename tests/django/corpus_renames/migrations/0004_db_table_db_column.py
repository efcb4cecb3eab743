from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("corpus_renames", "0003_rename_models"),
    ]

    operations = [
        migrations.AlterModelTable(name="person", table="people"),
        migrations.AlterField(
            model_name="book",
            name="pages",
            field=models.PositiveIntegerField(db_column="page_count"),
        ),
    ]
