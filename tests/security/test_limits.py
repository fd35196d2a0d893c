"""One set of input limits, the same on every path, and each refusal names its limit.

A request body may be as large as the largest valid request (a 2,000,000-character text, a
bulk of 1,000 spans with long notes); a larger one answers 413 in the API's JSON, not
Django's HTML page. A document's text has one limit, whether it comes through the API, the
admin or an import.
"""

import json

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from debate.models import MAX_TEXT_CHARS
from debate.services import DocumentInput, document_create
from tests.scenes import role_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return role_world()


def test_a_bulk_of_a_thousand_spans_with_long_notes_is_accepted(world):
    # 1,000 spans with 5,000-character notes: about 5 MB of JSON, over Django's default 2.5 MiB.
    span = {"start": 0, "end": 4, "quote": "Tech", "stance": "pro", "role": "claim"}
    body = [{**span, "note": "é" * 5000} for _ in range(1000)]

    response = world.client("ann").post(
        f"/api/v1/documents/{world.document.pk}/spans/",
        json.dumps(body),
        content_type="application/json",
    )

    assert response.status_code == 201, response.content[:300]
    assert len(response.json()) == 1000


def test_a_body_over_the_limit_is_a_json_413_that_names_it(world):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = json.dumps({"note": "x" * (limit + 1)})

    response = world.client("ann").post(
        f"/api/v1/documents/{world.document.pk}/spans/", body, content_type="application/json"
    )

    assert response.status_code == 413
    assert response.json() == {
        "detail": f"The request body is larger than the API takes ({limit:,} bytes)."
    }


def test_a_text_over_the_limit_is_refused_on_every_path(world):
    text = "a" * (MAX_TEXT_CHARS + 1)
    with pytest.raises(ValidationError) as refused:
        document_create(debate=world.debate, data=DocumentInput(text=text, source="test"))
    assert refused.value.message_dict == {
        "text": [f"Must be at most {MAX_TEXT_CHARS:,} characters; this one has {len(text):,}."]
    }


def test_the_admin_refuses_a_text_over_the_limit(world):
    from django.test import Client

    client = Client()
    client.force_login(world.users["root"])
    text = "a" * (MAX_TEXT_CHARS + 1)

    response = client.post(
        "/admin/debate/document/add/",
        {"debate": world.debate.pk, "title": "Long", "source": "", "url": "", "text": text},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "text": [f"Must be at most {MAX_TEXT_CHARS:,} characters; this one has {len(text):,}."]
    }
