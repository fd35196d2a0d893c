"""Documents and assignments by status kept per debate, by triggers (docs/AGREEMENT.md).

The table, then the triggers, then every debate counted, in the migration's transaction: a
change made afterwards is kept by the triggers, none made before is missed.
"""

import django.db.models.deletion
from django.db import migrations, models

from annotations.review.selectors.status_counts import (
    debate_status_counts_recount,
    status_counts_install,
    status_counts_uninstall,
)


def count(apps, schema_editor) -> None:
    status_counts_install(connection=schema_editor.connection)
    for debate in apps.get_model("debate", "Debate").objects.order_by("pk"):
        debate_status_counts_recount(debate=debate)


def uncount(apps, schema_editor) -> None:
    status_counts_uninstall(connection=schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('annotations', '0007_agreement_tallies'),
        ('debate', '0010_debate_suggestions'),
    ]

    operations = [
        migrations.CreateModel(
            name='DebateStatusCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=16)),
                ('status', models.CharField(max_length=32)),
                ('n', models.BigIntegerField(default=0)),
                ('debate', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='debate.debate')),
            ],
            options={
                'ordering': ['debate', 'kind', 'status'],
                'constraints': [models.UniqueConstraint(fields=('debate', 'kind', 'status'), name='one_status_count_per_debate')],
            },
        ),
        migrations.RunPython(count, uncount, elidable=False),
    ]
