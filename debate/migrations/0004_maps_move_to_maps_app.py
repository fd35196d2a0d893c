"""Hand map versions and builds over to the ``maps`` app, keeping every row.

The tables are renamed to the ``maps_`` prefix and the models leave this app's state;
``maps.0001_initial`` takes them into its own state without touching the database.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("debate", "0003_map_graph_lz4")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RenameIndex(
                    model_name="mapbuild",
                    new_name="map_build_status_requested",
                    old_name="debate_mapb_status_c23c7d_idx",
                ),
                migrations.AlterModelTable(name="mapbuild", table="maps_mapbuild"),
                migrations.AlterModelTable(name="mapversion", table="maps_mapversion"),
            ],
            state_operations=[
                migrations.DeleteModel(name="MapBuild"),
                migrations.DeleteModel(name="MapVersion"),
            ],
        ),
    ]
