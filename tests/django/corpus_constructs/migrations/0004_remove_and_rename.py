from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("corpus_constructs", "0003_alter_fields"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="node", name="node_weight_ge_0"),
        migrations.AddConstraint(
            model_name="node",
            constraint=models.CheckConstraint(check=models.Q(("weight__gte", 0), ("weight__lt", 100000)), name="node_weight_range"),
        ),
        migrations.RemoveIndex(model_name="node", name="node_lower_name_idx"),
        migrations.RenameField(model_name="node", old_name="data", new_name="payload"),
        migrations.RenameField(model_name="detail", old_name="note", new_name="remark"),
        migrations.AlterUniqueTogether(name="node", unique_together=set()),
        migrations.RemoveField(model_name="node", name="took"),
    ]
