"""Each document's gold revision, given anew by triggers as its gold rows change (maps.gold).

The table, then the triggers, in the migration's transaction. No document gets a row now: one
whose gold never changes after this keeps no revision (None), which names its gold as it is.
"""

import django.db.models.deletion
from django.db import migrations, models

from annotations.gold_revisions import gold_revisions_install, gold_revisions_uninstall


def install(apps, schema_editor) -> None:
    gold_revisions_install(connection=schema_editor.connection)


def uninstall(apps, schema_editor) -> None:
    gold_revisions_uninstall(connection=schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('annotations', '0008_debate_status_counts'),
        ('debate', '0011_merge_method_semantic_default'),
    ]

    operations = [
        migrations.CreateModel(
            name='GoldRevision',
            fields=[
                ('document', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='gold_revision', serialize=False, to='debate.document')),
                ('revision', models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
