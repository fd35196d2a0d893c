"""The JSON Lines body of an export as one query: each row a document or span line.

Each line is the text ``formats.jsonl.document_json`` or ``span_json`` would give, written by
the database with the JSON pieces of ``core.db.json_lines``: the same keys
(``fields.SPAN_EXPORT``) in the same order, strings escaped as orjson escapes them,
timestamps as ``core.db.timestamps`` writes them. Documents lead, and for each one (in id
order) its line comes first, then its spans in export order with their relations aggregated
from the document's own: the per-document sort is small, so rows leave as soon as the first
document is written. ``tests/annotations/exports/test_lines.py`` holds the bytes to the
portable writer's.
"""

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection

from annotations.fields import SPAN_EXPORT
from annotations.models import GOLD, Relation, Span
from annotations.selectors import ALL
from core.db.json_lines import (
    LinesQuery,
    any_of,
    bigint_parameter,
    json_date,
    json_items,
    json_number,
    json_object,
    json_or_null,
    json_string,
    json_utc_timestamp,
)
from debate.models import Actor, Debate, Document


def _document_line() -> str:
    return json_object(
        [
            ("type", "'\"document\"'"),
            ("id", json_number("d.id")),
            ("sha256", "d.sha256_json"),
            ("title", json_string("d.title")),
            ("source", json_string("d.source")),
            ("url", json_string("d.url")),
            ("published", json_date("d.published")),
            ("text", json_string("d.text")),
        ]
    )


# How the database writes each key of a span line (``x``: the span, ``d``: its document,
# ``l``: its annotator, ``c``: who created it, ``a``: its actor).
_SPAN_VALUES = {
    "id": json_number("x.id"),
    "document": json_number("d.id"),
    "document_sha256": "d.sha256_json",
    "layer": "COALESCE(l.name_json, %(gold_json)s)",
    "annotator": json_or_null("l.name_json"),
    "start": json_number("x.start"),
    "end": json_number('x."end"'),
    "quote": json_string("x.quote"),
    "stance": json_string("x.stance"),
    "role": json_string("x.role"),
    "actor": json_or_null("a.actor_json"),
    "note": json_string("x.note"),
    "relations": "'[' || COALESCE(x.relations, '') || ']'",
    "version": json_number("x.version"),
    "created_by": "c.name_json",
    "created_at": json_utc_timestamp("x.created_at"),
    "updated_at": json_utc_timestamp("x.updated_at"),
}


def _span_line() -> str:
    return json_object(
        [("type", "'\"span\"'"), *((name, _SPAN_VALUES[name]) for name in SPAN_EXPORT)]
    )


def export_lines_query(*, debate: Debate, filters) -> LinesQuery:
    """Return the query of an export's document and span lines, by document id batches."""
    quote = connection.ops.quote_name
    user_model = get_user_model()
    username = quote(user_model._meta.get_field(user_model.USERNAME_FIELD).column)
    tables = {
        "span": quote(Span._meta.db_table),
        "relation": quote(Relation._meta.db_table),
        "document": quote(Document._meta.db_table),
        "actor": quote(Actor._meta.db_table),
        "user": quote(user_model._meta.db_table),
    }
    params: dict[str, Any] = {"debate": debate.pk, "gold_json": json.dumps(GOLD)}
    documents = ""
    if filters.documents:
        documents += " AND " + any_of("id", "documents")
        params["documents"] = list(filters.documents)
    if filters.published_after is not None:
        documents += " AND published >= %(published_after)s"
        params["published_after"] = filters.published_after
    if filters.published_before is not None:
        documents += " AND published <= %(published_before)s"
        params["published_before"] = filters.published_before
    spans = ""
    if filters.layer == GOLD:
        spans += " AND {alias}.annotator_id IS NULL"
    elif filters.layer != ALL:
        spans += (
            f" AND {{alias}}.annotator_id = (SELECT id FROM {tables['user']}"  # noqa: S608
            f" WHERE {username} = %(layer)s)"
        )
        params["layer"] = filters.layer
    if filters.updated_since is not None:
        spans += " AND {alias}.updated_at >= %(updated_since)s"
        params["updated_since"] = filters.updated_since
    relation_item = json_object(
        [
            ("id", json_number("r.id")),
            ("type", json_string("r.type")),
            ("target", json_number("r.target_id")),
        ]
    )
    actor_json = json_object([("id", json_number("id")), ("name", json_string("name"))])
    low, high = bigint_parameter("low"), bigint_parameter("high")
    # Table and column names come from the models; every value is a parameter.
    sql = f"""
        SELECT CASE WHEN x.kind = 0 THEN {_document_line()} ELSE {_span_line()} END
        FROM (
            SELECT id, sha256, title, source, url, published, text,
                   {json_string("sha256")} AS sha256_json
            FROM {tables["document"]}
            WHERE debate_id = %(debate)s{documents}
              AND ({low} IS NULL OR id >= {low})
              AND ({high} IS NULL OR id < {high})
        ) d
        CROSS JOIN LATERAL (
            SELECT 0 AS kind, CAST(NULL AS integer) AS annotator_id,
                   CAST(NULL AS integer) AS start, CAST(NULL AS integer) AS "end",
                   CAST(NULL AS bigint) AS id, CAST(NULL AS text) AS quote,
                   CAST(NULL AS text) AS stance, CAST(NULL AS text) AS role,
                   CAST(NULL AS bigint) AS actor_id, CAST(NULL AS text) AS note,
                   CAST(NULL AS integer) AS version, CAST(NULL AS integer) AS created_by_id,
                   CAST(NULL AS timestamp with time zone) AS created_at,
                   CAST(NULL AS timestamp with time zone) AS updated_at,
                   CAST(NULL AS text) AS relations
            WHERE EXISTS (
                SELECT 1 FROM {tables["span"]} e
                WHERE e.document_id = d.id{spans.format(alias="e")}
            )
            UNION ALL
            SELECT 1, s.annotator_id, s.start, s."end", s.id, s.quote, s.stance, s.role,
                   s.actor_id, s.note, s.version, s.created_by_id, s.created_at,
                   s.updated_at, r.items
            FROM {tables["span"]} s
            LEFT JOIN (
                SELECT r.source_id, {json_items(relation_item, order_by="r.id")} AS items
                FROM {tables["relation"]} r
                WHERE r.document_id = d.id
                GROUP BY r.source_id
            ) r ON r.source_id = s.id
            WHERE s.document_id = d.id{spans.format(alias="s")}
        ) x
        LEFT JOIN (
            SELECT id, {json_string(username)} AS name_json FROM {tables["user"]}
        ) l ON l.id = x.annotator_id
        LEFT JOIN (
            SELECT id, {json_string(username)} AS name_json FROM {tables["user"]}
        ) c ON c.id = x.created_by_id
        LEFT JOIN (
            SELECT id, {actor_json} AS actor_json FROM {tables["actor"]}
        ) a ON a.id = x.actor_id
        ORDER BY d.id, x.kind, x.annotator_id NULLS FIRST, x.start, x."end", x.id
    """  # noqa: S608
    batches_sql = f"""
        SELECT id FROM (
            SELECT id, row_number() OVER (ORDER BY id) AS n
            FROM {tables["document"]}
            WHERE debate_id = %(debate)s{documents}
        ) numbered
        WHERE mod(n - 1, %(batch_size)s) = 0
        ORDER BY id
    """  # noqa: S608
    return LinesQuery(sql=sql, batches_sql=batches_sql, params=params)
