"""page_json_script: json_script's escaping and meaning, with the JSON written by orjson."""

import json
import re
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils.html import json_script
from django.utils.translation import gettext_lazy

from frontend.templatetags.page_data import page_json, page_json_script

HOSTILE = {
    "note": "</script><script>alert(1)</script>",
    "comment": "<!-- <script>",
    "amp": "Tom & Jerry > Spike",
    "separators": "a\u2028b\u2029c",
    "emoji": "🔐 Café",
    "controls": "tab\tnew\nline\x00nul",
    "nested": [{"quote": "“a backdoor”", "start": 19, "end": 70, "actor": None}],
    "flags": [True, False],
    "number": 1.5,
}


def _payload(html: str, element_id: str) -> str:
    match = re.fullmatch(
        rf'<script id="{element_id}" type="application/json">(.*)</script>', html, re.S
    )
    assert match, html
    return match[1]


def test_means_what_json_script_means_and_escapes_the_same_characters():
    ours = _payload(page_json_script(HOSTILE, "annotate-data"), "annotate-data")
    django = _payload(json_script(HOSTILE, "annotate-data"), "annotate-data")

    assert json.loads(ours) == json.loads(django) == HOSTILE
    for raw in "<>&":
        assert raw not in ours
    assert "\\u003C/script\\u003E" in ours
    assert "\\u003C!--" in ours
    assert "\\u0026" in ours
    # Non-ASCII as UTF-8 (json_script writes \\u escapes: the same text, more bytes).
    assert "🔐 Café" in ours


def test_writes_dates_decimals_uuids_and_lazy_text_as_json_script_does():
    value = {
        "at": datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
        "day": date(2024, 1, 2),
        "amount": Decimal("1.50"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "label": gettext_lazy("Stance"),
        7: "an integer key",
    }
    ours = json.loads(str(page_json(value)))
    assert ours == json.loads(_payload(json_script(value, "x"), "x"))
    assert ours["at"] == "2024-01-02T03:04:05.678Z"


def test_the_element_id_is_escaped_and_the_filter_loads_in_templates():
    assert (
        page_json_script({}, 'a"b') == '<script id="a&quot;b" type="application/json">{}</script>'
    )
    html = Template('{% load page_data %}{{ data|page_json_script:"map-data" }}').render(
        Context({"data": {"x": "<b>"}})
    )
    assert html == '<script id="map-data" type="application/json">{"x":"\\u003Cb\\u003E"}</script>'
