"""core.db.statistics: after a bulk write the planner knows how many rows a debate holds."""

import re

import pytest
from django.db import connection

from core.db import is_postgresql
from core.db.statistics import analyze
from debate.models import Document
from tests.factories import DebateFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def _estimated_rows(debate_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN SELECT id FROM debate_document WHERE debate_id = %s", [debate_id])
        return int(re.search(r"rows=(\d+)", cursor.fetchone()[0]).group(1))


def test_fresh_statistics_count_the_new_debate_s_documents():
    DocumentFactory()  # another debate's document, in the statistics first
    assert analyze(Document, "debate", "sha256") is is_postgresql(connection)
    debate = DebateFactory()
    Document.objects.bulk_create(
        Document(debate=debate, title=f"t{i}", text=f"Text {i}", sha256=f"{i:064x}")
        for i in range(3_000)
    )
    if not is_postgresql(connection):
        assert analyze(Document, "debate", "sha256") is False
        return
    # The statistics predate the debate: the planner expects next to none of its rows, and
    # plans the duplicate check on the one-column index, reading every one of them.
    assert _estimated_rows(debate.pk) < 10

    assert analyze(Document, "debate", "sha256") is True

    assert _estimated_rows(debate.pk) > 2_900
