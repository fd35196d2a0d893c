"""row_chunks: the driver's server-side cursor gives the ORM's rows, in the same lists."""

from datetime import date

import pytest
from django.db import connection, transaction

from core.db import is_postgresql
from core.db.chunks import row_chunks, row_chunks_by_orm, row_chunks_by_server_cursor
from core.db.timestamps import UtcIsoText
from debate.models import Document
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents():
    DocumentFactory(title="“Curly” 🔐 e\u0301", published=date(2024, 2, 29), url="")
    DocumentFactory(title="plain", published=None, url="https://example.org/?q=1")
    for number in range(5):
        DocumentFactory(title=f"more {number}")


def _rows():
    return (
        Document.objects.annotate(created=UtcIsoText("created_at"))
        .order_by("id")
        .values_list("id", "title", "url", "published", "debate_id", "created")
    )


def test_both_paths_give_the_same_rows_in_the_same_lists(documents):
    with transaction.atomic():
        orm = list(row_chunks_by_orm(_rows(), size=3))
        chosen = list(row_chunks(_rows(), size=3, name="rows"))
        if is_postgresql(connection):
            server = list(row_chunks_by_server_cursor(_rows(), size=3, name="rows"))
            assert [list(map(tuple, chunk)) for chunk in server] == orm
    assert [len(chunk) for chunk in orm] == [3, 3, 1]
    assert [list(map(tuple, chunk)) for chunk in chosen] == orm
    assert orm[0][0][1:4] == ("“Curly” 🔐 e\u0301", "", date(2024, 2, 29))
    assert orm[0][1][3] is None
