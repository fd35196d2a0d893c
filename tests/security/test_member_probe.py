"""A manager cannot learn who has an account by adding members, in the API or the admin.

A manager adds the people whose names they already see: members of a debate where they read
the member list, and new accounts that belong to no debate yet (someone has to place them).
Anyone else, a member of another debate only, an inactive account or a name nobody has,
gets the same answer, byte for byte, so a refusal says nothing about who exists.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from debate.models import Membership, Role
from debate.selectors import member_candidates
from tests.factories import MembershipFactory, UserFactory
from tests.scenes import TwoDebates

pytestmark = pytest.mark.django_db

UNKNOWN = {
    "username": [
        "No user you can add has this username. A manager adds the members of their other "
        "debates and new accounts that are in no debate yet; an administrator adds anyone."
    ]
}


def _add(world: TwoDebates, username: str, role: str = "annotator"):
    manager = world.alpha.user("manager")
    return world.api(manager).post(
        "/api/v1/debates/alpha/members/", {"username": username, "role": role}, format="json"
    )


def test_a_member_of_another_debate_only_answers_like_a_name_nobody_has(world):
    before = Membership.objects.count()
    stranger = world.bravo.user("annotator")
    retired = UserFactory(username="retired", is_active=False)

    answers = [_add(world, name) for name in (stranger.username, "retired", "no-such-person")]

    assert [answer.status_code for answer in answers] == [400, 400, 400]
    assert [answer.json() for answer in answers] == [UNKNOWN, UNKNOWN, UNKNOWN]
    assert len({answer.content for answer in answers}) == 1
    assert Membership.objects.count() == before
    assert not retired.memberships.exists()


def test_a_manager_adds_people_of_their_other_debates_and_new_accounts(world):
    manager = world.alpha.user("manager")
    colleague = world.bravo.user("researcher")
    # The alpha manager reviews in bravo too, so bravo's members are names they already see.
    MembershipFactory(debate=world.bravo.debate, user=manager, role=Role.REVIEWER)
    UserFactory(username="newcomer")

    assert _add(world, colleague.username, "reviewer").status_code == 201
    assert _add(world, "newcomer").status_code == 201
    assert Membership.objects.get(debate=world.alpha.debate, user=colleague).role == "reviewer"
    assert Membership.objects.get(debate=world.alpha.debate, user__username="newcomer")


def test_an_annotator_elsewhere_sees_no_member_list_there_so_adds_none_of_it(world):
    manager = world.alpha.user("manager")
    MembershipFactory(debate=world.bravo.debate, user=manager, role=Role.ANNOTATOR)

    response = _add(world, world.bravo.user("reviewer").username)

    assert (response.status_code, response.json()) == (400, UNKNOWN)


def test_a_superuser_adds_anyone_active(world):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    response = world.api(root).post(
        "/api/v1/debates/alpha/members/",
        {"username": world.bravo.user("annotator").username, "role": "researcher"},
        format="json",
    )

    assert response.status_code == 201


def test_the_admin_offers_only_the_users_the_api_would_take(world):
    manager = world.alpha.user("manager")
    UserFactory(username="newcomer")
    UserFactory(username="retired", is_active=False)
    client = Client()
    client.force_login(manager)

    page = client.get(f"/admin/debate/debate/{world.alpha.debate.pk}/change/")

    assert page.status_code == 200
    field = page.context["inline_admin_formsets"][1].formset.forms[0].fields["user"]
    offered = sorted(user.username for user in field.queryset)
    alpha_members = sorted(world.alpha.users[role].username for role in world.alpha.users)
    assert offered == sorted([*alpha_members, "newcomer"])
    assert offered == sorted(u.username for u in member_candidates(user=manager))
    assert world.bravo.user("annotator").username not in page.content.decode()


def test_the_admin_refuses_a_posted_user_it_did_not_offer(world):
    manager = world.alpha.user("manager")
    debate = world.alpha.debate
    stranger = world.bravo.user("annotator")
    client = Client()
    client.force_login(manager)
    url = f"/admin/debate/debate/{debate.pk}/change/"
    form = client.get(url).context["adminform"].form
    memberships = list(debate.memberships.order_by("pk"))
    data = {
        **{name: form.initial.get(name, getattr(debate, name)) for name in form.fields},
        "scheme": form["scheme"].value(),
        "actors-TOTAL_FORMS": "0",
        "actors-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": str(len(memberships) + 1),
        "memberships-INITIAL_FORMS": str(len(memberships)),
    }
    for index, membership in enumerate(memberships):
        data.update(
            {
                f"memberships-{index}-id": membership.pk,
                f"memberships-{index}-debate": debate.pk,
                f"memberships-{index}-user": membership.user_id,
                f"memberships-{index}-role": membership.role,
            }
        )
    last = len(memberships)
    data.update(
        {
            f"memberships-{last}-debate": debate.pk,
            f"memberships-{last}-user": stranger.pk,
            f"memberships-{last}-role": "annotator",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 200  # the form again, with the error
    assert "Select a valid choice" in response.content.decode()
    assert not Membership.objects.filter(debate=debate, user=stranger).exists()
    assert get_user_model().objects.filter(pk=stranger.pk).exists()
