"""A kept table's triggers replaced in one transaction: every one dropped, then made again.

The kept tables (``kept_counts``, ``kept_revisions``) are changed by triggers on the tables
they watch. Installing them again after every ``migrate`` must leave exactly one set, and a
database migrated back before the kept table must be left with none: so each install drops
every trigger first, and creates them only while the kept table exists.
"""

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper


class _OnTable(Protocol):
    table: str


Spec = TypeVar("Spec", bound=_OnTable)


def triggers_replace(
    connection: BaseDatabaseWrapper,
    *,
    kept_table: str,
    watched: Sequence[Spec],
    drop: Callable[[Spec], list[str]],
    create: Callable[[Spec], list[str]],
    install: bool,
    between: Callable[[bool], list[str]] | None = None,
) -> None:
    """Drop the triggers of every watched table there is, then, if ``install`` and the kept
    table exists, create them; ``between(installing)`` gives statements to run in between
    (a sequence made or dropped)."""
    tables = set(connection.introspection.table_names())
    install = install and kept_table in tables
    present = [spec for spec in watched if spec.table in tables]
    statements = [statement for spec in present for statement in drop(spec)]
    statements += between(install) if between else []
    statements += [statement for spec in present if install for statement in create(spec)]
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
