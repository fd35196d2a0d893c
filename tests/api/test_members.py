"""A debate's members through the API: added by username or e-mail, roles changed, removed.

What a removal keeps (the member's layer and assignments) and what it takes (access), the
last manager who stays, and the debate's admin history that records every change.
"""

import json

from django.contrib.admin.models import CHANGE, LogEntry

from annotations.models import Assignment, Span
from debate.models import Membership
from debate.serializers import SHARED_MEMBER_EMAIL, UNKNOWN_MEMBER_EMAIL
from tests.factories import MembershipFactory, UserFactory

URL = "/api/v1/debates/encryption/members/"


def _roles(world) -> dict[str, str]:
    return dict(world.debate.memberships.values_list("user__username", "role"))


def _history(world) -> list[tuple]:
    entries = LogEntry.objects.filter(object_id=str(world.debate.pk)).order_by("pk")
    return [
        (entry.user.username, entry.action_flag, json.loads(entry.change_message))
        for entry in entries
    ]


def test_a_manager_adds_a_new_account_by_e_mail_whatever_its_case(world):
    UserFactory(username="newcomer", email="New.Comer@example.org")

    response = world.client("man").post(
        URL, {"email": "new.comer@EXAMPLE.org", "role": "annotator"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["username"] == "newcomer"
    assert _roles(world)["newcomer"] == "annotator"


def test_any_address_the_manager_may_not_add_answers_the_same_byte_for_byte(world):
    UserFactory(username="elsewhere", email="elsewhere@example.org")
    MembershipFactory(debate=world.foreign_debate, user=UserFactory(username="busy"))
    UserFactory(username="retired", email="retired@example.org", is_active=False)
    world.users["outsider"].email = "outsider@example.org"
    world.users["outsider"].save()
    before = Membership.objects.count()
    client = world.client("man")

    answers = [
        client.post(URL, {"email": email, "role": "annotator"}, format="json")
        for email in ("outsider@example.org", "retired@example.org", "nobody@example.org")
    ]

    assert [answer.status_code for answer in answers] == [400, 400, 400]
    assert answers[0].json() == {"email": [UNKNOWN_MEMBER_EMAIL]}
    assert len({answer.content for answer in answers}) == 1
    assert Membership.objects.count() == before


def test_two_accounts_the_manager_may_add_with_one_address_are_named_by_username(world):
    UserFactory(username="twin1", email="twins@example.org")
    UserFactory(username="twin2", email="twins@example.org")

    response = world.client("man").post(
        URL, {"email": "twins@example.org", "role": "annotator"}, format="json"
    )

    assert (response.status_code, response.json()) == (400, {"email": [SHARED_MEMBER_EMAIL]})


def test_the_user_to_add_is_named_once(world):
    client = world.client("man")
    neither = client.post(URL, {"role": "annotator"}, format="json")
    both = client.post(
        URL, {"username": "ann", "email": "a@example.org", "role": "annotator"}, format="json"
    )

    expected = {"username": ["Give the username or the e-mail address of the user to add."]}
    assert (neither.status_code, neither.json()) == (400, expected)
    assert (both.status_code, both.json()) == (400, expected)


def test_removing_an_annotator_keeps_their_layer_and_ends_their_access(world):
    ann = world.users["ann"]
    spans = Span.objects.filter(annotator=ann).count()
    assignments = Assignment.objects.filter(annotator=ann).count()

    response = world.client("man").delete(f"{URL}ann/")

    assert (response.status_code, response.content) == (204, b"")
    assert "ann" not in _roles(world)
    assert (spans, assignments) == (2, 1)
    assert Span.objects.filter(annotator=ann).count() == spans
    assert Assignment.objects.filter(annotator=ann).count() == assignments
    assert world.client("ann").get("/api/v1/debates/encryption/").status_code == 404
    assert world.client("ann").get(f"/api/v1/documents/{world.document.pk}/").status_code == 404
    # Reviewers still read the layer.
    layer = world.client("rev").get(f"/api/v1/documents/{world.document.pk}/spans/?layer=ann")
    assert (layer.status_code, len(layer.json()["results"])) == (200, 2)


def test_a_name_that_is_no_member_here_is_not_found(world):
    client = world.client("man")
    for name in ("outsider", "nobody"):
        response = client.delete(f"{URL}{name}/")
        assert (response.status_code, response.json()) == (
            404,
            {"detail": "No member of this debate has this username."},
        )


def test_the_last_manager_can_be_neither_removed_nor_demoted(world):
    client = world.client("man")
    reason = (
        "man is the debate's last manager; make another member manager first, so that "
        "someone can still manage it."
    )

    removed = client.delete(f"{URL}man/")
    demoted = client.post(URL, {"username": "man", "role": "reviewer"}, format="json")

    assert (removed.status_code, removed.json()) == (400, {"username": [reason]})
    assert (demoted.status_code, demoted.json()) == (400, {"role": [reason]})
    assert _roles(world)["man"] == "manager"
    # With a second manager, the first may step down.
    assert (
        client.post(URL, {"username": "rev", "role": "manager"}, format="json").status_code == 200
    )
    assert client.delete(f"{URL}man/").status_code == 204
    world.users["man"].refresh_from_db()
    assert world.users["man"].is_staff is False  # managing gave admin access; removal takes it
    assert _roles(world)["rev"] == "manager"


def test_every_change_is_in_the_debate_admin_history(world):
    UserFactory(username="newcomer")
    client = world.client("man")

    client.post(URL, {"username": "newcomer", "role": "annotator"}, format="json")
    client.post(URL, {"username": "newcomer", "role": "reviewer"}, format="json")
    client.post(URL, {"username": "newcomer", "role": "reviewer"}, format="json")  # no change
    client.delete(f"{URL}newcomer/")

    name = "membership"
    assert _history(world) == [
        (
            "man",
            CHANGE,
            [{"added": {"name": name, "object": "newcomer is annotator of Encryption"}}],
        ),
        (
            "man",
            CHANGE,
            [
                {
                    "changed": {
                        "name": name,
                        "object": "newcomer is reviewer of Encryption",
                        "fields": ["role"],
                    }
                }
            ],
        ),
        (
            "man",
            CHANGE,
            [{"deleted": {"name": name, "object": "newcomer is reviewer of Encryption"}}],
        ),
    ]
