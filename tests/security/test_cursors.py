"""Tampered pagination cursors answer 404 "Invalid cursor", as a cursor DRF cannot decode does.

The cursor below decodes to ``p=1' OR 1=1--&r=0``: a position that is not a value of the
list's ordering field. It used to reach the database filter and answer 500.
"""

import base64
from urllib.parse import quote

import pytest

from tests.scenes import role_world

pytestmark = pytest.mark.django_db

TAMPERED = [
    "cD0xJyBPUiAxPTEtLSZyPTA=",  # p=1' OR 1=1--&r=0
    base64.b64encode(b"p=not-a-number&r=0").decode(),
    base64.b64encode(b"p=\x00&r=0").decode(),
]


@pytest.fixture
def world(db):
    return role_world()


def lists(world) -> dict[str, str]:
    return {
        "documents": f"/api/v1/debates/{world.debate.slug}/documents/",
        "spans": f"/api/v1/documents/{world.document.pk}/spans/",
        "relations": f"/api/v1/documents/{world.document.pk}/relations/",
        "members": f"/api/v1/debates/{world.debate.slug}/members/",
        "maps": f"/api/v1/debates/{world.debate.slug}/maps/",
        "history": f"/api/v1/spans/{world.span_ann.pk}/history/",
    }


@pytest.mark.parametrize("cursor", TAMPERED)
# Lists ordered by a number; debates and actors are ordered by slug and name, where any text
# is a position (a tampered one there only pages from another place).
@pytest.mark.parametrize("name", ["documents", "spans", "relations", "members", "maps", "history"])
def test_a_tampered_cursor_is_an_invalid_cursor(world, name, cursor):
    url = lists(world)[name]
    response = world.client("man").get(f"{url}?cursor={quote(cursor)}")

    assert response.status_code == 404, response.content[:300]
    assert response.json() == {"detail": "Invalid cursor"}
