"""Spans through the API: validation, exact offsets, bulk, idempotent retries, history."""

import pytest
from rest_framework.renderers import JSONRenderer
from rest_framework.serializers import ModelSerializer

from annotations import services
from annotations.models import Span, SpanEvent
from annotations.serializers import SpanSerializer
from annotations.services import spans as span_services
from tests.factories import DocumentFactory
from tests.scenes import TEXT, find, quote

# Every test starts from the same world: it is built once for the module (tests/api/conftest.py).
ONE_WORLD_PER_MODULE = True


def spans_url(world, layer: str = "mine") -> str:
    return f"/api/v1/documents/{world.document.pk}/spans/?layer={layer}"


def post(world, body, who: str = "ann", layer: str = "mine", **headers):
    return world.client(who).post(spans_url(world, layer), body, format="json", **headers)


def counts() -> tuple[int, int]:
    return Span.objects.count(), SpanEvent.objects.count()


# --- Validation -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (-1, 4, "start", "Ensure this value is greater than or equal to 0."),
        (0, 0, "end", "Ensure this value is greater than or equal to 1."),
        (10, 10, "end", "Must be greater than start: a span covers at least one character."),
        (12, 11, "end", "Must be greater than start: a span covers at least one character."),
        (
            5,
            len(TEXT) + 1,
            "end",
            f"Must be at most {len(TEXT)}, the length of the text in code points.",
        ),
        (
            len(TEXT),
            len(TEXT) + 2,
            "start",
            f"Must be less than {len(TEXT)}, the length of the text.",
        ),
    ],
)
def test_offsets_out_of_range_are_refused_by_field(world, start, end, field, message):
    before = counts()
    body = {"start": start, "end": end, "quote": "x", "stance": "pro", "role": "claim"}

    response = post(world, body)

    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert counts() == before


def test_quote_that_differs_from_the_text_is_refused_with_the_expected_text(world):
    start, end = find(TEXT, "scanning")
    response = post(world, {**world.span_payload(), "quote": "scannin"})
    assert response.status_code == 400
    assert response.json() == {"quote": [f"Must equal text[{start}:{end}], which is 'scanning'."]}


def test_utf16_offsets_after_an_emoji_are_caught_by_the_quote(world):
    # "say" follows the one-code-point emoji; a browser counting UTF-16 units is one ahead.
    start, end = find(TEXT, "say")
    body = {"start": start + 1, "end": end + 1, "quote": "say", "stance": "pro", "role": "claim"}
    response = post(world, body)
    assert response.status_code == 400
    assert response.json() == {
        "quote": [
            f"Must equal text[{start + 1}:{end + 1}], which is {TEXT[start + 1 : end + 1]!r}."
        ]
    }


@pytest.mark.parametrize(
    "needle",
    ["🔐", "🔐 say", "“backdoor”", "x\u0301", "x\u0301 marks\u00a0the", "marks\u00a0the spot."],
)
def test_spans_over_emoji_accents_curly_quotes_and_nbsp_keep_exact_offsets(world, needle):
    start, end = find(TEXT, needle)

    response = post(world, {**quote(TEXT, start, end), "stance": "contra", "role": "premise"})

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["start"], body["end"], body["quote"]) == (start, end, needle)
    span = Span.objects.get(pk=body["id"])
    assert (span.start, span.end, span.quote) == (start, end, needle)


def test_an_end_between_a_letter_and_its_combining_accent_is_refused(world):
    start = TEXT.index("x\u0301")
    response = post(world, {**quote(TEXT, start - 5, start + 1), "stance": "pro", "role": "claim"})
    assert response.status_code == 400
    assert response.json() == {
        "end": [
            f"Offset {start + 1} falls inside the character 'x\u0301' (U+0078 U+0301); "
            f"use {start} or {start + 2}. Offsets count code points, not UTF-16 units."
        ]
    }


def test_a_start_on_a_combining_accent_is_refused(world):
    start = TEXT.index("\u0301")
    response = post(world, {**quote(TEXT, start, start + 6), "stance": "pro", "role": "claim"})
    assert response.status_code == 400
    assert list(response.json()) == ["start"]
    assert response.json()["start"][0].startswith(f"Offset {start} falls inside the character")


EMOJI_TEXT = "Family 👩\u200d👩\u200d👧 flag 🇬🇧🇫🇷 thumbs 👍🏽 keycap 1\ufe0f\u20e3 end"


@pytest.mark.parametrize(
    ("needle", "cut", "character"),
    [
        ("👩\u200d👩\u200d👧", 1, "👩\u200d👩\u200d👧"),  # after the first woman, before the joiner
        ("👩\u200d👩\u200d👧", 2, "👩\u200d👩\u200d👧"),  # after the joiner
        ("🇬🇧🇫🇷", 1, "🇬🇧"),  # half a flag
        ("🇬🇧🇫🇷", 3, "🇫🇷"),  # one flag and a half
        ("👍🏽", 1, "👍🏽"),  # thumb without its skin tone
        ("1\ufe0f\u20e3", 1, "1\ufe0f\u20e3"),  # digit without its emoji presentation
        ("1\ufe0f\u20e3", 2, "1\ufe0f\u20e3"),  # without the keycap
    ],
)
def test_offsets_inside_emoji_sequences_are_refused(world, needle, cut, character):
    document = DocumentFactory(debate=world.debate, text=EMOJI_TEXT)
    start = EMOJI_TEXT.index(needle)
    body = {**quote(EMOJI_TEXT, start, start + cut), "stance": "pro", "role": "claim"}

    response = world.client("ann").post(
        f"/api/v1/documents/{document.pk}/spans/", body, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["end"]
    assert f"falls inside the character {character!r}" in response.json()["end"][0]


@pytest.mark.parametrize(
    "needle", ["👩\u200d👩\u200d👧", "🇬🇧", "🇫🇷", "🇬🇧🇫🇷", "👍🏽", "1\ufe0f\u20e3"]
)
def test_whole_emoji_sequences_are_accepted(world, needle):
    document = DocumentFactory(debate=world.debate, text=EMOJI_TEXT)
    start = EMOJI_TEXT.index(needle)
    body = {**quote(EMOJI_TEXT, start, start + len(needle)), "stance": "pro", "role": "claim"}

    response = world.client("ann").post(
        f"/api/v1/documents/{document.pk}/spans/", body, format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["quote"] == needle


def test_labels_must_come_from_the_debates_scheme(world):
    response = post(world, world.span_payload(stance="maybe", role="rant"))
    assert response.status_code == 400
    assert response.json() == {
        "stance": ["Must be one of this debate's stances: pro, contra, neutral."],
        "role": ["Must be one of this debate's roles: claim, premise."],
    }


def test_actor_must_belong_to_the_debate(world):
    before = counts()
    response = post(world, world.span_payload(actor=world.foreign_actor.pk))
    assert response.status_code == 400
    assert response.json() == {"actor": [f"No actor {world.foreign_actor.pk} in this debate."]}
    assert counts() == before

    response = post(world, world.span_payload(actor=world.actor.pk))
    assert response.status_code == 201
    assert response.json()["actor"] == world.actor.pk


@pytest.mark.parametrize(
    "field", ["layer", "version", "created_by", "id", "document", "annotator", "quotee"]
)
def test_server_owned_and_unknown_fields_cannot_be_written(world, field):
    before = counts()
    response = post(world, world.span_payload(**{field: "gold"}))
    assert response.status_code == 400
    assert response.json() == {field: ["Unknown or read-only field; it cannot be written."]}
    assert counts() == before


def test_missing_fields_are_named(world):
    response = post(world, {"start": 0})
    assert response.status_code == 400
    assert response.json() == {
        field: ["This field is required."] for field in ("end", "quote", "stance", "role")
    }


def test_created_span_has_the_documented_shape(world):
    response = post(world, world.span_payload(note="Why: NSPCC", actor=world.actor.pk))
    assert response.status_code == 201
    body = response.json()
    span = Span.objects.get(pk=body["id"])
    assert body == {
        "id": span.pk,
        "document": world.document.pk,
        "layer": "ann",
        **quote(TEXT, *find(TEXT, "scanning")),
        "stance": "pro",
        "role": "claim",
        "actor": world.actor.pk,
        "note": "Why: NSPCC",
        "version": 1,
        "client_id": "",
        "created_by": "ann",
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert response["ETag"] == f'"span-{span.pk}-v1"'
    assert response["Location"] == f"/api/v1/spans/{span.pk}/"


def test_gold_spans_are_written_by_reviewers_into_the_gold_layer(world):
    response = post(world, world.span_payload(), who="rev", layer="gold")
    assert response.status_code == 201
    assert response.json()["layer"] == "gold"
    span = Span.objects.get(pk=response.json()["id"])
    assert (span.annotator_id, span.created_by) == (None, world.users["rev"])


# --- Bulk -----------------------------------------------------------------------------------
def bulk_items(world) -> list[dict]:
    return [
        world.span_payload("NSPCC"),
        world.span_payload("scanning", stance="contra"),
        world.span_payload("backdoor", role="premise"),
    ]


def test_bulk_creates_every_span_with_history(world):
    before = counts()
    response = post(world, bulk_items(world))
    assert response.status_code == 201
    assert [span["quote"] for span in response.json()] == ["NSPCC", "scanning", "backdoor"]
    assert counts() == (before[0] + 3, before[1] + 3)


def test_bulk_is_all_or_nothing_with_errors_by_index_and_field(world):
    items = bulk_items(world)
    items[1]["quote"] = "scannin"
    items[2]["stance"] = "maybe"
    before = counts()

    response = post(world, items)

    assert response.status_code == 400
    start, end = find(TEXT, "scanning")
    assert response.json() == {
        "1": {"quote": [f"Must equal text[{start}:{end}], which is 'scanning'."]},
        "2": {"stance": ["Must be one of this debate's stances: pro, contra, neutral."]},
    }
    assert counts() == before


def test_bulk_type_errors_are_keyed_by_index_too(world):
    items = bulk_items(world)
    del items[0]["role"]
    items[2]["start"] = "three"
    response = post(world, items)
    assert response.status_code == 400
    assert response.json() == {
        "0": {"role": ["This field is required."]},
        "2": {"start": ["A valid integer is required."]},
    }


def test_bulk_refuses_an_empty_list_and_too_many_items(world):
    assert post(world, []).json() == {"non_field_errors": ["This list may not be empty."]}
    response = post(world, [world.span_payload()] * (services.MAX_BULK + 1))
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [f"Ensure this field has no more than {services.MAX_BULK} elements."]
    }


def test_bulk_refuses_a_client_id_used_twice(world):
    items = bulk_items(world)
    items[0]["client_id"] = items[2]["client_id"] = "same"
    response = post(world, items)
    assert response.status_code == 400
    assert response.json() == {"2": {"client_id": ["Also used by item 0."]}}


# --- Idempotency ----------------------------------------------------------------------------
def test_retry_with_the_same_idempotency_key_returns_the_same_span(world):
    before = counts()
    first = post(world, world.span_payload(), HTTP_IDEMPOTENCY_KEY="save-42")
    retry = post(world, world.span_payload(), HTTP_IDEMPOTENCY_KEY="save-42")

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert first.json()["client_id"] == "save-42"
    assert counts() == (before[0] + 1, before[1] + 1)


def test_retry_with_the_same_client_id_returns_the_same_span(world):
    first = post(world, world.span_payload(client_id="c-1"))
    retry = post(world, world.span_payload(client_id="c-1"))
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json()["id"] == first.json()["id"]


def test_a_key_reused_for_a_different_span_is_refused(world):
    post(world, world.span_payload(), HTTP_IDEMPOTENCY_KEY="k")
    before = counts()
    response = post(world, world.span_payload("NSPCC"), HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 422
    assert response.json() == {
        "detail": "The key 'k' was used for a different span; use a new key."
    }
    assert counts() == before


def test_a_replay_after_the_span_was_edited_still_returns_it(world):
    first = post(world, world.span_payload(), HTTP_IDEMPOTENCY_KEY="k")
    world.client("ann").patch(
        f"/api/v1/spans/{first.json()['id']}/", {"note": "later", "version": 1}, format="json"
    )
    retry = post(world, world.span_payload(), HTTP_IDEMPOTENCY_KEY="k")
    assert retry.status_code == 200
    assert (retry.json()["id"], retry.json()["version"]) == (first.json()["id"], 2)


def test_keys_belong_to_their_user(world):
    ann = post(world, world.span_payload(), HTTP_IDEMPOTENCY_KEY="k")
    ann2 = post(world, world.span_payload(), who="ann2", HTTP_IDEMPOTENCY_KEY="k")
    assert (ann.status_code, ann2.status_code) == (201, 201)
    assert ann.json()["id"] != ann2.json()["id"]


@pytest.mark.parametrize("key", ["has space", "x" * 60, "ключ"])
def test_malformed_idempotency_keys_are_refused(world, key):
    response = post(world, world.span_payload(), HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert response.json() == {
        "Idempotency-Key": ["Use 1 to 59 visible ASCII characters, no spaces."]
    }


def test_header_and_client_id_must_agree(world):
    response = post(world, world.span_payload(client_id="a"), HTTP_IDEMPOTENCY_KEY="b")
    assert response.status_code == 400
    assert response.json() == {"client_id": ["Differs from the Idempotency-Key header."]}


def test_a_retried_bulk_returns_the_same_spans(world):
    before = counts()
    first = post(world, bulk_items(world), HTTP_IDEMPOTENCY_KEY="batch-1")
    retry = post(world, bulk_items(world), HTTP_IDEMPOTENCY_KEY="batch-1")
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    assert [span["client_id"] for span in first.json()] == ["batch-1:0", "batch-1:1", "batch-1:2"]
    assert counts() == (before[0] + 3, before[1] + 3)


def test_the_unique_constraint_decides_a_retry_so_no_look_up_slows_first_saves(world, monkeypatch):
    # Concurrent retries cannot both insert: the database's unique (created_by, client_id)
    # refuses the second, which then answers with the first one's span.
    real_replay = span_services.span_replay
    calls = []

    def spy(**kwargs):
        calls.append(kwargs["client_id"])
        return real_replay(**kwargs)

    monkeypatch.setattr(span_services, "span_replay", spy)
    winner = post(world, world.span_payload(), HTTP_IDEMPOTENCY_KEY="race")
    assert (winner.status_code, calls) == (201, [])
    before = counts()

    retry = post(world, world.span_payload(), HTTP_IDEMPOTENCY_KEY="race")

    assert (retry.status_code, retry.json()["id"]) == (200, winner.json()["id"])
    assert calls == ["race"]
    assert counts() == before


# --- History --------------------------------------------------------------------------------
def test_history_records_who_when_before_and_after(world):
    client = world.client("ann")
    created = post(world, world.span_payload()).json()
    span_url = f"/api/v1/spans/{created['id']}/"
    client.patch(span_url, {"stance": "contra", "version": 1}, format="json")
    client.delete(span_url, HTTP_IF_MATCH=f'"span-{created["id"]}-v2"')

    response = world.client("rev").get(f"{span_url}history/")

    assert response.status_code == 200
    events = response.json()["results"]
    start, end = find(TEXT, "scanning")
    state = {
        "document": world.document.pk,
        "layer": "ann",
        "start": start,
        "end": end,
        "quote": "scanning",
        "stance": "pro",
        "role": "claim",
        "actor": None,
        "note": "",
        "version": 1,
    }
    changed = {**state, "stance": "contra", "version": 2}
    assert [(e["action"], e["by"], e["span"], e["before"], e["after"]) for e in events] == [
        ("created", "ann", created["id"], None, state),
        ("updated", "ann", created["id"], state, changed),
        ("deleted", "ann", created["id"], changed, None),
    ]
    assert events[0]["at"] <= events[1]["at"] <= events[2]["at"]
    # The deleted span's history stays hidden from those who could not read its layer.
    assert world.client("ann2").get(f"{span_url}history/").status_code == 404


def test_deleting_a_span_records_the_relations_that_went_with_it(world):
    client = world.client("ann")
    client.post(
        f"/api/v1/documents/{world.document.pk}/relations/",
        {"source": world.span_ann.pk, "target": world.span_ann_b.pk, "type": "supports"},
        format="json",
    )
    response = client.delete(f"/api/v1/spans/{world.span_ann_b.pk}/?version=1")
    assert response.status_code == 204
    event = SpanEvent.objects.get(span_pk=world.span_ann_b.pk, action="deleted")
    assert event.before["relations"] == [[world.span_ann.pk, "supports"]]
    assert not world.span_ann.outgoing.exists()


def test_an_unchanged_patch_writes_no_history(world):
    before = counts()
    response = world.client("ann").patch(
        f"/api/v1/spans/{world.span_ann.pk}/", {"stance": "pro", "version": 1}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert counts() == before


@pytest.mark.parametrize("layer", ["", "x" * 151, "ann\x00"])
def test_a_malformed_layer_name_is_a_field_error(world, layer):
    response = world.client("res").get(
        f"/api/v1/documents/{world.document.pk}/spans/", {"layer": layer}
    )
    assert response.status_code == 400
    assert response.json() == {"layer": ["Give a layer name of 1 to 150 characters."]}


def test_values_the_database_cannot_store_are_client_errors(world):
    # The fields refuse NUL characters, but should a value slip past them, PostgreSQL refuses
    # it with a DataError: the client hears 400, not 500.
    from django.db import DataError

    from core.api import exception_handler

    response = exception_handler(DataError("invalid byte sequence"), {})
    assert response.status_code == 400
    assert response.data == {
        "non_field_errors": ["A value cannot be stored (e.g. a NUL character)."]
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("start", "30", "A valid integer is required."),
        ("end", 34.0, "A valid integer is required."),
        ("actor", True, "A valid integer is required."),
        ("stance", 1, "Not a valid string."),
        ("note", 5, "Not a valid string."),
    ],
)
def test_values_of_the_wrong_json_type_are_refused_not_converted(world, field, value, message):
    before = counts()
    response = post(world, world.span_payload(**{field: value}))
    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert counts() == before


# --- Listing --------------------------------------------------------------------------------
def test_list_pages_in_text_order_and_gives_what_the_span_serializer_gives(world):
    # Spans sharing a start, so the cursor has to count past equal positions.
    note = "ünï 🔐 \u2028 “quoted”"
    for needle, role in [("Tech", "claim"), ("Tech firms 🔐", "premise"), ("NSPCC", "claim")]:
        start, end = find(TEXT, needle)
        data = services.SpanInput(
            start=start, end=end, quote=needle, stance="contra", role=role, note=note
        )
        services.span_create(
            document=world.document, annotator=None, by=world.users["rev"], data=data
        )
    client = world.client("rev")
    url = f"{spans_url(world, 'all')}&page_size=2"
    pages, seen = 0, []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        # Byte for byte what DRF's own JSON renderer writes (U+2028 escaped included).
        assert response.content == JSONRenderer().render(response.json())
        seen += response.json()["results"]
        url, pages = response.json()["next"], pages + 1

    spans = Span.objects.filter(document=world.document).select_related("annotator", "created_by")
    expected = [
        dict(ModelSerializer.to_representation(SpanSerializer(), span))
        for span in spans.order_by("start", "end", "id")
    ]
    assert pages == 4
    assert seen == expected
    assert [(item["layer"], item["quote"]) for item in seen[:3]] == [
        ("gold", "Tech"),
        ("ann", "Tech firms"),
        ("gold", "Tech firms 🔐"),
    ]
    assert b"\\u2028" in JSONRenderer().render({"note": note})
