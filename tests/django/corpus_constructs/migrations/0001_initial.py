import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Node",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("uid", models.UUIDField(default=uuid.uuid4, unique=True)),
                ("name", models.CharField(max_length=80)),
                ("data", models.JSONField(default=dict)),
                ("weight", models.DecimalField(decimal_places=2, max_digits=8)),
                ("blob", models.BinaryField(null=True)),
                ("ip", models.GenericIPAddressField(null=True)),
                ("took", models.DurationField(null=True)),
                ("rank", models.SmallIntegerField(default=0)),
                ("parent", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="children", to="corpus_constructs.node")),
            ],
        ),
        migrations.CreateModel(
            name="Detail",
            fields=[
                ("node", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, serialize=False, to="corpus_constructs.node")),
                ("note", models.TextField(blank=True)),
                ("score", models.FloatField(null=True)),
            ],
        ),
    ]
