"""Queries compiled to SQL once per process from a queryset, then run with each call's values.

Django compiles a queryset to SQL every time it runs. For the reads every API request makes
(the token's user, the document with the caller's role) compiling cost several times what
the database took to answer. A ``CompiledQuery`` is compiled *from the queryset itself*, built
once with stand-in values where each call's values go, so the rules that queryset carries
(``Document.objects.visible_to``) stay written in one place: a change there is a change in
the SQL run here.

Their statements, and other hot raw SQL, run through ``preparable_cursor``, so PostgreSQL can
keep them prepared when the settings allow it.
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import QuerySet

from core.db import is_postgresql


@dataclass(frozen=True)
class _Compiled:
    alias: str
    sql: str | None  # None: the queryset is empty whatever the values
    # Per parameter: the name of a call's value, or None to keep the compiled constant.
    slots: tuple[str | None, ...]
    constants: tuple[Any, ...]
    # Per column that needs one: (position, converters, expression), as Django applies them.
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]


def _stand_in(index: int, example: Any) -> int | str:
    # Of the real value's type (an int for a key, a str for a token), so fields prepare it as
    # they would the real one, and unlike any real value; it is never sent to the database.
    return _STAND_IN_INT - index if isinstance(example, int) else f"\x1fstand-in {index}\x1f"


_STAND_IN_INT = -(2**62)


class CompiledQuery:
    """The SQL of ``build(**shape, **values)`` per database and shape, compiled on first use.

    ``build`` returns a ``values_list`` queryset. ``shape`` holds what changes the SQL itself
    (a superuser sees every debate: no membership filter), and must say everything about the
    call that ``build`` branches on; ``values`` are the parameters that only fill the SQL's
    placeholders, and each must reach the SQL as a parameter (checked when compiling).
    """

    def __init__(self, build: Callable[..., QuerySet]):
        self._build = build
        self._compiled: dict[Hashable, _Compiled] = {}

    def first(self, *, shape: dict[str, Hashable], **values: Any) -> tuple | None:
        """Return the first row the built queryset gives for these values, or None."""
        rows = self._rows(shape, values, many=False)
        return rows[0] if rows else None

    def all(self, *, shape: dict[str, Hashable], **values: Any) -> list[tuple]:
        """Return every row the built queryset gives for these values, in its order."""
        return self._rows(shape, values, many=True)

    def _rows(self, shape: dict[str, Hashable], values: dict[str, Any], *, many: bool) -> list:
        key = (tuple(sorted(shape.items())), tuple(sorted(values)))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(shape, values)
        if compiled.sql is None:
            return []
        params = [
            values[slot] if slot is not None else constant
            for slot, constant in zip(compiled.slots, compiled.constants, strict=True)
        ]
        connection = connections[compiled.alias]
        with preparable_cursor(connection) as cursor:
            cursor.execute(compiled.sql, params)
            if many:
                rows = cursor.fetchall()
            else:
                row = cursor.fetchone()
                rows = [] if row is None else [row]
        if not compiled.converters:
            return rows
        return [self._convert(row, compiled, connection) for row in rows]

    @staticmethod
    def _convert(row: tuple, compiled: _Compiled, connection: BaseDatabaseWrapper) -> tuple:
        converted = list(row)
        for position, converters, expression in compiled.converters:
            value = converted[position]
            for converter in converters:
                value = converter(value, expression, connection)
            converted[position] = value
        return tuple(converted)

    def queryset(self, *, shape: dict[str, Hashable], **values: Any) -> QuerySet:
        """Return the queryset ``first`` compiles, for the ORM to run: the path it must match."""
        return self._build(**shape, **values)

    def clear(self) -> None:
        """Forget the compiled SQL, to compile it again from the queryset on next use."""
        self._compiled.clear()

    def _compile(self, shape: dict[str, Hashable], values: dict[str, Any]) -> _Compiled:
        stand_ins = {
            name: _stand_in(index, value) for index, (name, value) in enumerate(values.items())
        }
        queryset = self._build(**shape, **stand_ins)
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _Compiled(queryset.db, None, (), (), ())
        by_value = {stand_in: name for name, stand_in in stand_ins.items()}
        slots = tuple(
            by_value.get(param) if isinstance(param, int | str) else None for param in params
        )
        missing = set(values) - set(slots)
        if missing:
            raise ValueError(f"Not parameters of the compiled SQL: {sorted(missing)}")
        # Found once, as the compiler finds them per query. Backend converters are methods of
        # the compiling thread's connection; they read only settings (the time zone), so
        # every thread may apply them with its own connection.
        connection = connections[queryset.db]
        converters = []
        expressions = [select[0] for select in compiler.select[: compiler.col_count]]
        for position, expression in enumerate(expressions):
            found = connection.ops.get_db_converters(expression) + expression.get_db_converters(
                connection
            )
            if found:
                converters.append((position, tuple(found), expression))
        return _Compiled(
            alias=queryset.db,
            sql=sql,
            slots=slots,
            constants=tuple(params),
            converters=tuple(converters),
        )


@contextmanager
def preparable_cursor(connection: BaseDatabaseWrapper) -> Iterator[CursorWrapper]:
    """Yield a cursor whose statements PostgreSQL can keep prepared; elsewhere the usual one.

    Django's PostgreSQL cursors put the parameters into the SQL text, so the server parses
    and plans every statement anew, which for the hot reads costs more than running them
    (docs/BENCHMARKS.md). This cursor sends them apart, so psycopg prepares a
    statement once it ran ``prepare_threshold`` times on a connection (DATABASES OPTIONS;
    Django's default, None, prepares nothing, for the sake of transaction-pooling proxies).
    It is wrapped as Django wraps its own: query logging, execute wrappers, Django's errors.
    """
    if not is_postgresql(connection):
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    # What connection.cursor() does before it makes its cursor.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    cursor = ServerBindingCursor(connection.connection)
    wrapped = (
        connection.make_debug_cursor(cursor)
        if connection.queries_logged
        else connection.make_cursor(cursor)
    )
    with wrapped:
        yield wrapped
