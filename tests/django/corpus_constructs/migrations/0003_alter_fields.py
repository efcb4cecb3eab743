from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("corpus_constructs", "0002_indexes_constraints"),
    ]

    operations = [
        migrations.AlterField(
            model_name="node",
            name="name",
            field=models.CharField(db_collation="NOCASE", max_length=120),
        ),
        migrations.AlterField(
            model_name="detail",
            name="score",
            field=models.FloatField(default=0.0),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="node",
            name="rank",
            field=models.CharField(default="0", max_length=10),
        ),
        migrations.AddField(
            model_name="detail",
            name="tags",
            field=models.JSONField(null=True),
        ),
    ]
