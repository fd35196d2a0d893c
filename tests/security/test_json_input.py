"""Malformed JSON answers 400 naming the problem, never a server error.

A lone surrogate (``\\ud800``) is valid JSON syntax but no Unicode text, so nothing could store
it; nesting deeper than the parser allows, or a body of 100,000 ``[``, is refused before any
work. The same parser reads request bodies and JSON Lines uploads.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.scenes import role_world

pytestmark = pytest.mark.django_db

BODIES = {
    "lone-surrogate": b'{"start": 0, "end": 4, "quote": "Tech", "stance": "pro", '
    b'"role": "claim", "note": "\\ud800"}',
    "deep-nesting": b"[" * 5000 + b"]" * 5000,
    "unclosed-brackets": b"[" * 100_000,
    "nan": b'{"start": NaN, "end": 4, "quote": "Tech", "stance": "pro", "role": "claim"}',
}


@pytest.fixture
def world(db):
    return role_world()


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_a_malformed_body_is_a_400_that_says_so(world, body):
    response = world.client("ann").post(
        f"/api/v1/documents/{world.document.pk}/spans/", body, content_type="application/json"
    )

    assert response.status_code == 400, response.content[:300]
    assert response.json()["detail"].startswith("JSON parse error")


def test_a_json_lines_line_with_a_lone_surrogate_is_reported_not_a_500(world):
    lines = [
        {"type": "document", "id": 1, "text": world.document.text, "title": "T"},
        {
            "type": "span",
            "document": 1,
            "layer": "gold",
            "start": 0,
            "end": 4,
            "quote": "Tech",
            "stance": "pro",
            "role": "claim",
            "note": "PLACEHOLDER",
        },
    ]
    body = "\n".join(json.dumps(line) for line in lines).replace("PLACEHOLDER", "\\ud800")
    upload = SimpleUploadedFile("s.jsonl", body.encode(), "application/x-ndjson")

    response = world.client("rev").post(
        f"/api/v1/debates/{world.debate.slug}/import/spans/",
        {"file": upload, "layer": "gold"},
        format="multipart",
    )

    assert response.status_code < 500, response.content[:300]
    assert "surrogate" in response.content.decode()
