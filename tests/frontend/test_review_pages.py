"""The review queue, review, dashboard and assignment pages: who sees them, what they embed."""

import json

import pytest
from django.urls import reverse

from annotations.models import Assignment, ReviewDecision
from annotations.review.selectors import review_state_get
from annotations.review.services import DecisionInput, review_decide, review_finish
from annotations.services import SpanInput, document_submit, span_create
from debate.models import Document, DocumentStatus, Role
from tests.factories import AssignmentFactory, DebateFactory, DocumentFactory, UserFactory

pytestmark = pytest.mark.django_db

XSS = '</script><script>alert("x")</script>'
ROLES = [Role.ANNOTATOR, Role.REVIEWER, Role.MANAGER, Role.RESEARCHER]


def embedded(html: str, element_id: str) -> dict:
    opening = f'<script id="{element_id}" type="application/json">'
    start = html.index(opening) + len(opening)
    return json.loads(html[start : html.index("</script>", start)])


@pytest.mark.parametrize(
    ("page", "statuses"),
    [
        ("review-queue", [403, 200, 200, 403]),
        ("dashboard", [403, 200, 200, 200]),
        ("assign", [403, 403, 200, 403]),
        ("review", [403, 200, 200, 403]),
    ],
)
def test_who_sees_each_page(client, debate, member, page, statuses):
    document = DocumentFactory(debate=debate, status=DocumentStatus.READY_FOR_REVIEW)
    args = [document.id] if page == "review" else [debate.slug]
    got = []
    for role in ROLES:
        client.force_login(member(role))
        got.append(client.get(reverse(page, args=args)).status_code)
    assert got == statuses
    # A member of another debate only: 404, as for every page of a debate.
    stranger = UserFactory()
    DebateFactory().memberships.create(user=stranger, role=Role.MANAGER)
    client.force_login(stranger)
    assert client.get(reverse(page, args=args)).status_code == 404


def test_review_page_embeds_the_document_safely_and_says_who_decides(client, debate, member):
    document = DocumentFactory(debate=debate, title=XSS, text=f"Text {XSS} 🔐 end")
    client.force_login(member(Role.REVIEWER))
    response = client.get(reverse("review", args=[document.id]))
    html = response.content.decode()
    assert XSS not in html
    payload = embedded(html, "review-data")
    assert payload["document"]["text"] == document.text
    assert payload["can_decide"] is True
    assert payload["urls"]["decisions"] == f"/api/v1/documents/{document.id}/review/decisions/"
    assert "Content-Security-Policy" in response.headers

    client.force_login(member(Role.MANAGER))
    html = client.get(reverse("review", args=[document.id])).content.decode()
    assert embedded(html, "review-data")["can_decide"] is False
    assert 'id="accept-agreed"' not in html


def test_dashboard_embeds_the_agreement_api_answer(client, debate, member):
    DocumentFactory(debate=debate, title=XSS)
    client.force_login(member(Role.RESEARCHER))
    response = client.get(reverse("dashboard", args=[debate.slug]))
    html = response.content.decode()
    assert XSS not in html
    payload = embedded(html, "dashboard-data")
    api = client.get(f"/api/v1/debates/{debate.slug}/agreement/").json()
    assert payload["agreement"] == api
    assert payload["agreement"]["progress"]["documents"]["new"] == 1


def test_the_assign_page_spreads_documents_over_the_chosen_annotators(client, debate, member):
    manager = member(Role.MANAGER)
    third = [member(Role.ANNOTATOR, username=n) for n in ("a1", "a2", "a3")][-1]
    documents = [DocumentFactory(debate=debate) for _ in range(2)]
    AssignmentFactory(document=documents[0], annotator=third)
    client.force_login(manager)

    response = client.post(
        reverse("assign", args=[debate.slug]), {"annotators": ["a1", "a2"]}, follow=True
    )

    assert response.status_code == 200
    assert "Made 3 assignment(s) over 2 annotator(s)." in response.content.decode()
    assert sorted(Assignment.objects.values_list("document_id", "annotator__username")) == sorted(
        [
            (documents[0].id, "a3"),
            (documents[0].id, "a1"),
            (documents[1].id, "a1"),
            (documents[1].id, "a2"),
        ]
    )
    again = client.post(reverse("assign", args=[debate.slug]), {"annotators": ["a1"]}, follow=True)
    assert "Every document already has its annotators." in again.content.decode()
    nobody = client.post(reverse("assign", args=[debate.slug]), {}, follow=True)
    assert "Name at least one annotator." in nobody.content.decode()


def test_debate_home_links_each_role_to_its_pages(client, debate, member):
    links = {}
    for role in ROLES:
        client.force_login(member(role))
        html = client.get(reverse("debate-home", args=[debate.slug])).content.decode()
        links[role] = [
            name
            for name in ("review-queue", "dashboard", "assign")
            if f'href="{reverse(name, args=[debate.slug])}"' in html
        ]
    assert links == {
        Role.ANNOTATOR: [],
        Role.REVIEWER: ["review-queue", "dashboard"],
        Role.MANAGER: ["review-queue", "dashboard", "assign"],
        Role.RESEARCHER: ["dashboard"],
    }


def test_the_gold_page_opens_to_annotators_once_adjudicated(client, debate, member):
    text = "Tech firms say a backdoor weakens security. The NSPCC wants scanning."
    document = DocumentFactory(debate=debate, text=text, title="Gold test")
    ann, other = member(Role.ANNOTATOR, username="g-ann"), member(Role.ANNOTATOR)
    reviewer = member(Role.REVIEWER)

    def span(annotator, by, needle, stance="pro"):
        start = text.index(needle)
        data = SpanInput(
            start=start, end=start + len(needle), quote=needle, stance=stance, role="claim"
        )
        span_create(document=document, annotator=annotator, by=by, data=data)

    span(ann, ann, "a backdoor weakens security", "contra")
    span(ann, ann, "Tech firms")
    span(None, reviewer, "a backdoor weakens security")
    span(None, reviewer, "The NSPCC wants scanning")
    document_submit(document=document, annotator=ann)
    url = reverse("gold", args=[document.id])

    client.force_login(ann)
    before = client.get(url).content.decode()
    assert "opens to you once its review is finished" in before
    assert "The NSPCC wants scanning" not in before

    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.ADJUDICATED)
    html = client.get(url).content.decode()
    assert '<mark class="gold mine">a backdoor weakens security</mark>' in html
    assert '<mark class="gold">The NSPCC wants scanning</mark>' in html
    assert "Differs: stance" in html
    assert "You missed it" in html
    assert "Not in gold" in html

    client.force_login(other)  # never submitted it: no gold
    assert "opens to you" in client.get(url).content.decode()
    client.force_login(member(Role.RESEARCHER))
    assert "The NSPCC wants scanning" in client.get(url).content.decode()


def test_the_queue_and_the_dashboard_count_a_reviews_decisions_alike(client, debate, member):
    text = "Tech firms say a backdoor weakens security. The NSPCC wants scanning."
    document = DocumentFactory(debate=debate, text=text, title="Counted review")
    annotators = [member(Role.ANNOTATOR), member(Role.ANNOTATOR)]
    reviewer = member(Role.REVIEWER)

    def values(needle: str, stance: str = "contra") -> SpanInput:
        start = text.index(needle)
        return SpanInput(
            start=start, end=start + len(needle), quote=needle, stance=stance, role="claim"
        )

    for annotator in annotators:
        AssignmentFactory(document=document, annotator=annotator)
        span_create(
            document=document,
            annotator=annotator,
            by=annotator,
            data=values("a backdoor weakens security"),
        )
    span_create(
        document=document, annotator=annotators[0], by=annotators[0], data=values("Tech firms")
    )
    for annotator in annotators:
        document_submit(document=document, annotator=annotator)
    units = {unit.spans[0].quote: unit for unit in review_state_get(document=document).units}
    backdoor, firms = units["a backdoor weakens security"], units["Tech firms"]

    def decide(**fields) -> ReviewDecision:
        outcome = review_decide(
            document=document,
            by=reviewer,
            expected_version=None,
            decision=DecisionInput(**fields),
        )
        return outcome.decisions[0]

    decide(action="accept", unit=backdoor.key, span=backdoor.spans[0].pk)
    gold = decide(action="edit", unit=backdoor.key, values=values("a backdoor weakens security"))
    decide(action="reject", unit=firms.key)
    added = decide(action="add", values=values("The NSPCC wants scanning", "pro"))
    link = decide(
        action="link", source=gold.gold_span_pk, target=added.gold_span_pk, type="supports"
    )
    decide(action="unlink", relation=link.gold_relation_pk)
    client.force_login(member(Role.MANAGER))

    def counts() -> tuple[str, tuple[int, int], tuple[int, int]]:
        queue = client.get(reverse("review-queue", args=[debate.slug])).content.decode()
        row = queue[queue.index("Counted review") :]
        cell = row[: row.index("decided</span>") + len("decided</span>")]
        figures = client.get(reverse("dashboard", args=[debate.slug])).context["progress"]
        api = client.get(f"/api/v1/debates/{debate.slug}/agreement/").json()["progress"]
        return (
            cell[cell.rindex("<td>") + len("<td>") :],
            (figures.decisions, figures.units_decided),
            (api["decisions"], api["units_decided"]),
        )

    # 6 decisions: accept then edit (a changed mind on one unit), reject, add, link, unlink;
    # on 3 units: the backdoor's, the firms', and the added span's.
    cell, dashboard, api = counts()
    assert cell == (
        '<span title="Every decision recorded: accept, edit, reject, add, link, unlink and '
        'finish; a unit decided again counts again">6</span> <span class="muted small" '
        'title="Units with an accept, edit, reject or add decision">· 3 units decided</span>'
    )
    assert dashboard == api == (6, 3)
    dashboard_html = client.get(reverse("dashboard", args=[debate.slug])).content.decode()
    assert '<span class="figure-value">6</span><span class="figure-label">review decisions' in (
        dashboard_html
    )
    assert '<span class="figure-value">3</span><span class="figure-label">units decided' in (
        dashboard_html
    )
    queue_api = client.get(f"/api/v1/debates/{debate.slug}/review/queue/").json()["results"]
    assert [(d["decisions"], d["units_decided"]) for d in queue_api] == [(6, 3)]

    review_finish(document=document, by=reviewer, expected_version=None)

    cell, dashboard, api = counts()  # finishing is a decision too, on no unit
    assert cell.startswith("<span title=") and ">7</span>" in cell
    assert cell.endswith("· 3 units decided</span>")
    assert dashboard == api == (7, 3)
