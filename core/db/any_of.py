"""A filter of a column by a long list of values, sent as one array on PostgreSQL.

``filter(column__in=values)`` prepares each value in Python, and on PostgreSQL Django's
client-side binding then quotes each one into the SQL text and the driver scans the text for
each placeholder: for a chunk's 2,000 document ids, milliseconds of Python a query.
``AnyOf(column, values)`` is ``column = ANY(%s::type[])`` with the list as one parameter (the
driver writes it as an array literal in C); elsewhere it is the ``__in`` lookup. Values must
be of the column's type already (ints for ids): they are not prepared. Use it as a filter
expression: ``Span.objects.filter(AnyOf("document_id", ids))``.
tests/core/db/test_any_of.py holds both paths to the same rows.
"""

from collections.abc import Collection
from typing import Any

from django.db.models import F
from django.db.models.lookups import In


class AnyOf(In):
    """``column = ANY(values)`` on PostgreSQL, ``column IN (values)`` elsewhere."""

    def __init__(self, column: str, values: Collection[Any]) -> None:
        super().__init__(F(column), list(values))

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if not self.rhs:
            # As ``In`` does: an empty list matches nothing, without asking the database.
            return super().as_sql(compiler, connection)
        lhs, params = self.process_lhs(compiler, connection)
        # Cast to the column's type: the driver types a list of small ints as smallint[].
        db_type = self.lhs.output_field.cast_db_type(connection)
        return f"{lhs} = ANY(%s::{db_type}[])", [*params, self.rhs]
