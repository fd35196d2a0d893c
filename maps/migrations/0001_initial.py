"""Take map versions and builds over from the ``debate`` app, whose tables they keep.

``debate.0004_maps_move_to_maps_app`` renamed the tables; this migration only states the
models here, and moves their content types so admin history and permissions follow them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("mapversion", "mapbuild")


def move_content_types(apps, schema_editor, old="debate", new="maps"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not ContentType.objects.using(db).filter(app_label=new, model=model).exists():
            ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, old="maps", new="debate")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("debate", "0004_maps_move_to_maps_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="MapVersion",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("input_hash", models.CharField(max_length=64)),
                        ("builder_version", models.CharField(max_length=32)),
                        ("graph_json", models.TextField(help_text="The map as canonical JSON (maps.builder.map_to_json).")),
                        ("argument_count", models.PositiveIntegerField(default=0)),
                        ("source_count", models.PositiveIntegerField(default=0)),
                        ("document_count", models.PositiveIntegerField(default=0)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("debate", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="map_versions", to="debate.debate")),
                    ],
                    options={
                        "ordering": ["-created_at", "-id"],
                        "constraints": [
                            models.UniqueConstraint(fields=("debate", "input_hash"), name="one_map_per_input"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="MapBuild",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("status", models.CharField(choices=[("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")], default="queued", max_length=16)),
                        ("progress", models.PositiveSmallIntegerField(default=0, help_text="Percent done.")),
                        ("message", models.CharField(blank=True, max_length=300)),
                        ("error", models.TextField(blank=True)),
                        ("reason", models.CharField(blank=True, help_text="Why the build was asked for.", max_length=300)),
                        ("requests", models.PositiveIntegerField(default=1, help_text="How many requests this build answers (bursts coalesce).")),
                        ("reused_version", models.BooleanField(default=False, help_text="The input was unchanged, so an existing version was kept.")),
                        ("worker", models.CharField(blank=True, max_length=200)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("requested_at", models.DateTimeField(auto_now_add=True)),
                        ("dispatched_at", models.DateTimeField(blank=True, null=True)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("heartbeat_at", models.DateTimeField(blank=True, null=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("debate", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="map_builds", to="debate.debate")),
                        ("requested_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("version", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="builds", to="maps.mapversion")),
                    ],
                    options={
                        "ordering": ["-requested_at", "-id"],
                        "indexes": [models.Index(fields=["status", "requested_at"], name="map_build_status_requested")],
                        "constraints": [
                            models.CheckConstraint(condition=models.Q(("status__in", ["queued", "running", "done", "failed"])), name="map_build_status_known"),
                            models.CheckConstraint(condition=models.Q(("progress__lte", 100)), name="map_build_progress_max"),
                            models.UniqueConstraint(condition=models.Q(("status", "queued")), fields=("debate",), name="one_queued_map_build_per_debate"),
                            models.UniqueConstraint(condition=models.Q(("status", "running")), fields=("debate",), name="one_running_map_build_per_debate"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back, elidable=False),
    ]
