import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("corpus_constructs", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="node",
            index=models.Index(fields=["-rank", "name"], name="node_rank_name_idx"),
        ),
        migrations.AddIndex(
            model_name="node",
            index=models.Index(condition=models.Q(("rank__gt", 0)), fields=["name"], name="node_ranked_idx"),
        ),
        migrations.AddIndex(
            model_name="node",
            index=models.Index(django.db.models.functions.text.Lower("name"), name="node_lower_name_idx"),
        ),
        migrations.AddConstraint(
            model_name="node",
            constraint=models.UniqueConstraint(condition=models.Q(("parent__isnull", True)), fields=("name",), name="node_root_name_uniq"),
        ),
        migrations.AddConstraint(
            model_name="node",
            constraint=models.CheckConstraint(check=models.Q(("weight__gte", 0)), name="node_weight_ge_0"),
        ),
        migrations.AlterUniqueTogether(
            name="node",
            unique_together={("parent", "name")},
        ),
    ]
