import json

import pytest
from django.urls import reverse

from annotations.models import AssignmentStatus
from debate.models import Role
from frontend.views import shortcut_letters
from tests.factories import AssignmentFactory, DebateFactory, DocumentFactory

pytestmark = pytest.mark.django_db

XSS = '</script><script>alert("x")</script>'


def test_annotate_page_embeds_the_document_as_json_without_breaking_out(client, debate, member):
    user = member(Role.ANNOTATOR)
    document = DocumentFactory(debate=debate, title=XSS, text=f"Text {XSS} 🔐 end")
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
    client.force_login(member(role))
    document = DocumentFactory(debate=debate)

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
