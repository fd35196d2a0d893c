import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from annotations.models import Assignment, AssignmentStatus
from debate.models import Role
from frontend.views import ANNOTATE_MODULES, shortcut_letters
from tests.factories import (
    AssignmentFactory,
    DebateFactory,
    DocumentFactory,
    RelationFactory,
    SpanFactory,
)

pytestmark = pytest.mark.django_db

XSS = '</script><script>alert("x")</script>'
JS = Path(settings.BASE_DIR) / "frontend" / "static" / "frontend" / "js"


def annotate_data(response) -> dict:
    """Return the page data the annotate page embeds for its script."""
    html = response.content.decode()
    opening = '<script id="annotate-data" type="application/json">'
    start = html.index(opening) + len(opening)
    return json.loads(html[start : html.index("</script>", start)])


def api_list(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    return response.json()["results"]


def test_annotate_page_embeds_the_document_as_json_without_breaking_out(client, debate, member):
    user = member(Role.ANNOTATOR)
    document = DocumentFactory(debate=debate, title=XSS, text=f"Text {XSS} 🔐 end")
    AssignmentFactory(document=document, annotator=user)
    client.force_login(user)

    response = client.get(reverse("annotate", args=[document.id]))

    assert response.status_code == 200
    html = response.content.decode()
    assert XSS not in html
    start = html.index('<script id="annotate-data" type="application/json">') + len(
        '<script id="annotate-data" type="application/json">'
    )
    payload = json.loads(html[start : html.index("</script>", start)])
    assert payload["document"] == {"id": document.id, "title": XSS, "text": document.text}
    assert payload["can_write"] is True
    assert payload["urls"]["spans"] == f"/api/v1/documents/{document.id}/spans/"


@pytest.mark.parametrize(
    ("role", "can_write"),
    [(Role.ANNOTATOR, True), (Role.REVIEWER, False), (Role.RESEARCHER, False)],
)
def test_only_annotators_write_on_the_annotate_page(client, debate, member, role, can_write):
    user = member(role)
    client.force_login(user)
    document = DocumentFactory(debate=debate)
    if role == Role.ANNOTATOR:
        AssignmentFactory(document=document, annotator=user)

    response = client.get(reverse("annotate", args=[document.id]))

    assert response.status_code == 200
    assert response.context["can_write"] is can_write
    assert (b'id="submit-doc"' in response.content) is can_write
    spans_url = json.loads(
        response.content.decode()
        .split('<script id="annotate-data" type="application/json">')[1]
        .split("</script>")[0]
    )["urls"]["spans"]
    layer = "" if can_write else "?layer=gold"
    assert spans_url == f"/api/v1/documents/{document.id}/spans/{layer}"


def test_non_members_get_404_for_pages_of_a_debate(client, debate, member):
    other = DebateFactory()
    client.force_login(member(Role.MANAGER))
    foreign = DocumentFactory(debate=other)

    assert client.get(reverse("annotate", args=[foreign.id])).status_code == 404
    assert client.get(reverse("debate-home", args=[other.slug])).status_code == 404
    assert client.get(reverse("queue-next", args=[other.slug])).status_code == 404


MAP_LINK = 'href="/d/{slug}/map/"'


@pytest.mark.parametrize(
    ("role", "allowed", "expected"),
    [
        (Role.ANNOTATOR, False, 403),
        (Role.ANNOTATOR, True, 200),
        (Role.REVIEWER, False, 200),
        (Role.MANAGER, False, 200),
        (Role.RESEARCHER, False, 200),
    ],
)
def test_the_map_page_and_its_link_follow_the_debate_s_map_setting(
    client, debate, member, role, allowed, expected
):
    debate.annotators_see_maps = allowed
    debate.save(update_fields=["annotators_see_maps"])
    client.force_login(member(role))

    page = client.get(reverse("map", args=[debate.slug]))
    home = client.get(reverse("debate-home", args=[debate.slug])).content.decode()

    assert page.status_code == expected
    assert (MAP_LINK.format(slug=debate.slug) in home) is (expected == 200)
    if expected == 403:  # the page says why
        assert "annotation here is blind" in page.content.decode()


def test_anonymous_users_are_sent_to_login(client, debate):
    document = DocumentFactory(debate=debate)
    response = client.get(reverse("annotate", args=[document.id]))
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next=/documents/{document.id}/annotate/"


def test_queue_next_opens_the_first_unsubmitted_assignment(client, debate, member):
    user = member(Role.ANNOTATOR)
    done = AssignmentFactory(
        document=DocumentFactory(debate=debate), annotator=user, status=AssignmentStatus.SUBMITTED
    )
    todo = AssignmentFactory(document=DocumentFactory(debate=debate), annotator=user)
    client.force_login(user)

    response = client.get(reverse("queue-next", args=[debate.slug]))

    assert done.document_id < todo.document_id
    assert response.status_code == 302
    assert response["Location"] == reverse("annotate", args=[todo.document_id])


def test_an_empty_queue_says_so_on_the_debate_home(client, debate, member):
    client.force_login(member(Role.ANNOTATOR))

    response = client.get(reverse("queue-next", args=[debate.slug]), follow=True)

    assert response.redirect_chain == [(reverse("debate-home", args=[debate.slug]), 302)]
    assert "Your queue is empty" in response.content.decode()


def test_debate_home_counts_the_queue(client, debate, member):
    user = member(Role.ANNOTATOR)
    for status in ["assigned", "assigned", "in_progress", "submitted"]:
        AssignmentFactory(document=DocumentFactory(debate=debate), annotator=user, status=status)
    client.force_login(user)

    response = client.get(reverse("debate-home", args=[debate.slug]))

    assert response.context["counts"] == {"assigned": 2, "in_progress": 1, "submitted": 1}
    assert "1 of 4 submitted" in response.content.decode()


def test_shortcut_letters_skip_reserved_and_used_letters():
    roles = [{"key": "claim"}, {"key": "premise"}, {"key": "conclusion"}, {"key": "jk"}]
    assert shortcut_letters(roles) == [("c", "claim"), ("p", "premise"), ("o", "conclusion")]


@pytest.fixture
def layers(debate, member):
    """A document with spans and relations in two annotators' layers and in gold."""
    annotator, other = member(Role.ANNOTATOR), member(Role.ANNOTATOR)
    document = DocumentFactory(
        debate=debate, text="Tech firms say a backdoor weakens security for all of us."
    )
    mine = [
        SpanFactory(document=document, annotator=annotator, start=16, end=25, note=XSS),
        SpanFactory(document=document, annotator=annotator, start=0, end=10, stance="contra"),
        SpanFactory(document=document, annotator=annotator, start=0, end=25, role="premise"),
    ]
    relation = RelationFactory(source=mine[0], target=mine[1], type="attacks")
    theirs = SpanFactory(document=document, annotator=other, start=26, end=33)
    RelationFactory(source=theirs, target=SpanFactory(document=document, annotator=other))
    gold = SpanFactory(document=document, annotator=None, start=34, end=42)
    return {
        "annotator": annotator,
        "document": document,
        "mine": mine,
        "relation": relation,
        "theirs": theirs,
        "gold": gold,
    }


def test_annotate_page_embeds_exactly_the_annotators_layer_as_the_api_lists_it(client, layers):
    document = layers["document"]
    client.force_login(layers["annotator"])

    data = annotate_data(client.get(reverse("annotate", args=[document.id])))

    # Text order (start, end, id), as the API lists them, and no other layer's spans.
    mine = layers["mine"]
    assert [span["id"] for span in data["spans"]] == [mine[1].id, mine[2].id, mine[0].id]
    assert [relation["id"] for relation in data["relations"]] == [layers["relation"].id]
    assert data["spans"] == api_list(client, f"/api/v1/documents/{document.id}/spans/")
    assert data["relations"] == api_list(client, f"/api/v1/documents/{document.id}/relations/")
    assert data["spans"][2]["note"] == XSS


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.RESEARCHER])
def test_annotate_page_embeds_the_gold_layer_for_readers(client, layers, member, role):
    document = layers["document"]
    client.force_login(member(role))

    data = annotate_data(client.get(reverse("annotate", args=[document.id])))

    assert [span["id"] for span in data["spans"]] == [layers["gold"].id]
    assert data["relations"] == []
    gold = f"/api/v1/documents/{document.id}/spans/?layer=gold"
    assert data["spans"] == api_list(client, gold)


def test_embedded_spans_cannot_break_out_of_their_script(client, layers):
    client.force_login(layers["annotator"])

    response = client.get(reverse("annotate", args=[layers["document"].id]))

    html = response.content.decode()
    assert XSS not in html
    assert html.count("</script>") == html.count("<script")  # nothing closed a script early
    assert annotate_data(response)["spans"][2]["note"] == XSS


def test_a_non_member_gets_404_and_no_spans(client, layers):
    outsider = DebateFactory()
    user = layers["annotator"].__class__.objects.create_user("outsider", password="x")
    outsider.memberships.create(user=user, role=Role.ANNOTATOR)
    client.force_login(user)

    response = client.get(reverse("annotate", args=[layers["document"].id]))

    assert response.status_code == 404
    assert layers["mine"][0].quote.encode() not in response.content


def test_the_annotate_page_is_never_kept_by_the_browser(client, layers):
    client.force_login(layers["annotator"])

    response = client.get(reverse("annotate", args=[layers["document"].id]))

    # A kept copy would show the spans as they were when it was made (the back button).
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_annotate_page_reads_its_spans_in_a_fixed_number_of_queries(
    client, layers, django_assert_num_queries
):
    document, annotator = layers["document"], layers["annotator"]
    client.force_login(annotator)
    url = reverse("annotate", args=[document.id])
    client.get(url)

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    added = [
        SpanFactory(document=document, annotator=annotator, start=start, end=start + 3)
        for start in range(40)
    ]
    for target in added[:5]:
        RelationFactory(source=layers["mine"][0], target=target)
    with django_assert_num_queries(len(few.captured_queries)):
        data = annotate_data(client.get(url))
    assert (len(data["spans"]), len(data["relations"])) == (43, 6)


def _imports(module: str) -> set[str]:
    """Return the modules ``module`` imports, by their path under frontend/js/."""
    source = (JS / module).read_text(encoding="utf-8")
    found = re.findall(r'^import\s[^;]*?from\s+"(\.\.?/[\w./-]+)";', source, flags=re.M)
    folder = (JS / module).parent
    return {(folder / name).resolve().relative_to(JS.resolve()).as_posix() for name in found}


def test_the_annotate_page_preloads_every_module_it_imports_by_the_url_it_imports(client, layers):
    needed, todo = set(), ["annotate/main.js"]
    while todo:
        for module in _imports(todo.pop()) - needed:
            needed.add(module)
            todo.append(module)
    client.force_login(layers["annotator"])

    html = client.get(reverse("annotate", args=[layers["document"].id])).content.decode()

    preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)
    # Unhashed, as the modules name them: any other URL would load a module twice.
    assert preloaded == [f"{settings.STATIC_URL}frontend/js/{name}" for name in ANNOTATE_MODULES]
    assert set(ANNOTATE_MODULES) == needed
    assert {"api.js", "html.js", "segments.js", "selection.js"} <= needed


# --- What the annotate page says an annotator may do ------------------------------------------
def _page(client, document) -> tuple[dict, str]:
    response = client.get(reverse("annotate", args=[document.id]))
    assert response.status_code == 200
    return annotate_data(response), response.content.decode()


@pytest.mark.parametrize(
    ("assignment", "document_status", "can_write", "reason"),
    [
        ("assigned", "new", True, None),
        ("in_progress", "annotating", True, None),
        (
            None,
            "new",
            False,
            "This document is not in your queue. Start annotating it to add it to your "
            "queue; it needs 2 annotators.",
        ),
        (None, "adjudicated", False, "This document is adjudicated: its gold layer is final."),
        (
            "in_progress",
            "adjudicated",
            False,
            "This document was adjudicated before you submitted it: its gold layer is final, "
            "so your layer is read only.",
        ),
        (
            "submitted",
            "annotating",
            False,
            "your layer is final and read only. It goes to review once 2 annotators have "
            "submitted it (1 so far).",
        ),
        (
            "submitted",
            "ready_for_review",
            False,
            "your layer is final and read only. A reviewer compares the annotators' layers next.",
        ),
        (
            "submitted",
            "adjudicated",
            False,
            "and it has been adjudicated: the gold layer is final.",
        ),
    ],
)
def test_the_annotate_page_opens_read_only_with_the_reason(
    client, debate, member, assignment, document_status, can_write, reason
):
    user = member(Role.ANNOTATOR)
    document = DocumentFactory(debate=debate, status=document_status)
    if assignment:
        AssignmentFactory(
            document=document,
            annotator=user,
            status=assignment,
            submitted_at=timezone.now() if assignment == "submitted" else None,
        )
    client.force_login(user)

    data, html = _page(client, document)

    assert data["can_write"] is can_write
    assert ('id="submit-doc"' in html) is can_write
    assert ('id="read-only"' in html) is (reason is not None)
    if reason:
        assert escape(reason) in html
    assert ('id="start-annotating"' in html) is (assignment is None and document_status == "new")
    assert (f'href="/documents/{document.id}/gold/"' in html) is (
        assignment == "submitted" and document_status == "adjudicated"
    )


def test_readers_are_told_the_gold_layer_is_read_only(client, debate, member):
    document = DocumentFactory(debate=debate)
    client.force_login(member(Role.RESEARCHER))

    data, html = _page(client, document)

    assert data["can_write"] is False
    assert "Select text to tag it" not in html
    assert "Read only: the gold layer." in html
    assert 'id="read-only"' not in html


def test_starting_a_document_puts_it_in_the_annotator_s_queue(client, debate, member):
    user = member(Role.ANNOTATOR)
    document = DocumentFactory(debate=debate)
    client.force_login(user)
    url = reverse("annotate-start", args=[document.id])

    assert client.get(url).status_code == 405
    assert not Assignment.objects.filter(document=document).exists()
    response = client.post(url, follow=True)

    assert response.redirect_chain == [(reverse("annotate", args=[document.id]), 302)]
    assignment = Assignment.objects.get(document=document)
    assert (assignment.annotator, assignment.status) == (user, "assigned")
    assert annotate_data(response)["can_write"] is True
    assert "The document is in your queue" in response.content.decode()
    # Starting again changes nothing.
    client.post(url)
    assert Assignment.objects.filter(document=document).count() == 1


@pytest.mark.parametrize(("role", "expected"), [(Role.REVIEWER, 403), (Role.RESEARCHER, 403)])
def test_only_annotators_start_documents(client, debate, member, role, expected):
    document = DocumentFactory(debate=debate)
    client.force_login(member(role))

    response = client.post(reverse("annotate-start", args=[document.id]))

    assert response.status_code == expected
    assert not Assignment.objects.exists()


def test_an_adjudicated_document_cannot_be_started_and_a_stranger_gets_404(client, debate, member):
    adjudicated = DocumentFactory(debate=debate, status="adjudicated")
    foreign = DocumentFactory(debate=DebateFactory())
    client.force_login(member(Role.ANNOTATOR))

    closed = client.post(reverse("annotate-start", args=[adjudicated.id]), follow=True)
    stranger = client.post(reverse("annotate-start", args=[foreign.id]))

    assert "This document is adjudicated; its gold layer is final." in closed.content.decode()
    assert stranger.status_code == 404
    assert not Assignment.objects.exists()


def test_pages_reload_when_restored_but_the_annotate_page_keeps_its_own_state(
    client, debate, member
):
    annotator = member(Role.ANNOTATOR)
    document = DocumentFactory(debate=debate)
    AssignmentFactory(document=document, annotator=annotator)
    client.force_login(annotator)
    site_script = b'<script type="module" src="/static/frontend/js/site/main.js"></script>'

    pages = {
        name: client.get(url).content
        for name, url in (
            ("home", "/"),
            ("debate home", f"/d/{debate.slug}/"),
            ("gold", reverse("gold", args=[document.id])),
            ("not found", "/nowhere/"),
            ("annotate", reverse("annotate", args=[document.id])),
        )
    }

    # annotate/reload.js reads its spans again once its writes are saved; a reload would
    # ask to leave a page with unsaved writes.
    assert {name: site_script in html for name, html in pages.items()} == {
        "home": True,
        "debate home": True,
        "gold": True,
        "not found": True,
        "annotate": False,
    }
    assert b"annotate/reload.js" in pages["annotate"]
