"""The revision of each document's gold layer, kept by the database as the gold rows change.

``GoldRevision`` rows hold one number per document, which triggers on the spans' and
relations' tables give anew in every statement that inserts, changes or deletes a gold row
(``core.db.kept_revisions``): whatever writes the gold layer, adjudication, an import, the
admin, a cascade or SQL by hand, moves its document's revision. The map worker reads these
numbers instead of the gold rows to know which documents changed since its last build
(``maps.gold``).

The triggers are installed by the migration that added the table and again after every
``migrate`` (``annotations.receivers``), so a database made without migrations, as the test
suite's, has them too.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

from annotations.models import GoldRevision, Relation, Span
from core.db.kept_revisions import Revisions, Watched, kept_revisions_triggers


def _specs() -> tuple[Revisions, list[Watched]]:
    revisions = Revisions(
        table=GoldRevision._meta.db_table,
        group=GoldRevision._meta.pk.column,
        prefix="gold_revisions",
    )
    watched = [
        Watched(
            table=model._meta.db_table,
            group=model._meta.get_field("document").column,
            # The gold layer: no annotator.
            where=f"{{row}}.{model._meta.get_field('annotator').column} IS NULL",
        )
        for model in (Span, Relation)
    ]
    return revisions, watched


def gold_revisions_install(*, connection: BaseDatabaseWrapper) -> None:
    """Install the triggers that keep every document's gold revision (idempotent)."""
    revisions, watched = _specs()
    kept_revisions_triggers(connection, revisions=revisions, watched=watched, install=True)


def gold_revisions_uninstall(*, connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers that keep the gold revisions (the migration's way back)."""
    revisions, watched = _specs()
    kept_revisions_triggers(connection, revisions=revisions, watched=watched, install=False)
