"""The Django admin as a debate's manager uses it: their debate only, every way in."""

import json
import re
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.test import Client

from annotations.admin import ADMIN_REASON
from annotations.models import Assignment, Relation, Span, SpanEvent, SpanEventAction
from debate.models import Actor, Debate, Document, DocumentLocked, Membership, Role
from tests.factories import (
    PASSWORD,
    ActorFactory,
    AssignmentFactory,
    DebateFactory,
    DocumentFactory,
    MembershipFactory,
    RelationFactory,
    SpanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ALPHA_TEXT = "Tech firms say a backdoor weakens security for all."
# Everything of debate B carries "bravo" in a name, so one look at a page finds any leak.
LEAK = "bravo"


@pytest.fixture
def world(db):
    alpha = DebateFactory(slug="alpha", title="Debate Alpha")
    bravo = DebateFactory(slug="bravo", title="Debate Bravo")
    manager = UserFactory(username="manager", is_staff=True)
    MembershipFactory(debate=alpha, user=manager, role=Role.MANAGER)
    MembershipFactory(debate=bravo, user=manager, role=Role.REVIEWER)  # member, not manager
    annotator = UserFactory(username="annotator")
    MembershipFactory(debate=alpha, user=annotator, role=Role.ANNOTATOR)
    bravo_annotator = UserFactory(username="bravo_annotator")
    MembershipFactory(debate=bravo, user=bravo_annotator, role=Role.ANNOTATOR)

    document = DocumentFactory(debate=alpha, title="Alpha article", text=ALPHA_TEXT)
    draft = DocumentFactory(debate=alpha, title="Alpha draft", text="Not annotated\nyet.")
    bravo_document = DocumentFactory(debate=bravo, title="Bravo article", text="Bravo text.")
    actor = ActorFactory(debate=alpha, name="Alpha actor")
    bravo_actor = ActorFactory(debate=bravo, name="Bravo actor")
    span = SpanFactory(document=document, annotator=annotator, start=0, end=10)
    target = SpanFactory(document=document, annotator=annotator, start=17, end=25)
    bravo_span = SpanFactory(document=bravo_document, annotator=bravo_annotator, start=0, end=5)
    relation = RelationFactory(source=span, target=target)
    bravo_relation = RelationFactory(
        source=bravo_span,
        target=SpanFactory(document=bravo_document, annotator=bravo_annotator, start=6, end=10),
    )
    assignment = AssignmentFactory(document=document, annotator=annotator)
    bravo_assignment = AssignmentFactory(document=bravo_document, annotator=bravo_annotator)
    event = SpanEvent.objects.create(
        span_pk=span.pk, document=document, action=SpanEventAction.CREATED, by=annotator
    )
    bravo_event = SpanEvent.objects.create(
        span_pk=bravo_span.pk,
        document=bravo_document,
        action=SpanEventAction.CREATED,
        by=bravo_annotator,
    )
    return SimpleNamespace(**locals())


@pytest.fixture
def manager_client(world) -> Client:
    client = Client()
    client.force_login(world.manager)
    return client


def _url(obj, view: str = "change") -> str:
    meta = obj._meta
    return f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/{view}/"


def _errors(response) -> list[str]:
    return re.findall(r'<ul class="errorlist[^"]*"[^>]*><li>(.*?)</li>', response.content.decode())


# --- who gets in ------------------------------------------------------------------------------


def test_manager_logs_in_and_sees_the_debate_apps_only(world):
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "manager", "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"

    index = client.get("/admin/")

    assert index.status_code == 200
    models = {m["object_name"] for app in index.context["app_list"] for m in app["models"]}
    assert models == {
        "Debate",
        "Actor",
        "Document",
        "Membership",
        "Span",
        "Relation",
        "RelationEvent",
        "Assignment",
        "SpanEvent",
    }
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403


def test_annotators_are_sent_to_the_admin_login(world):
    client = Client()
    refused = client.post(
        "/admin/login/?next=/admin/",
        {"username": "annotator", "password": PASSWORD, "next": "/admin/"},
    )
    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors() == [
        "Please enter the correct username and password for a staff account. "
        "Note that both fields may be case-sensitive."
    ]
    client.force_login(world.annotator)
    for url in ("/admin/", "/admin/debate/document/", _url(world.document)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/admin/login/?next={url}"


def test_staff_who_manage_no_debate_see_nothing(world):
    staff = UserFactory(username="staff_annotator", is_staff=True)
    MembershipFactory(debate=world.alpha, user=staff, role=Role.ANNOTATOR)
    client = Client()
    client.force_login(staff)

    index = client.get("/admin/")

    assert index.status_code == 200
    assert index.context["app_list"] == []
    assert client.get("/admin/debate/document/").status_code == 403
    assert client.get(_url(world.document)).status_code == 403


# --- what a manager sees ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (Debate, ["Debate Alpha"]),
        (Document, ["Alpha article", "Alpha draft"]),
        (Actor, ["Alpha actor"]),
        (
            Membership,
            ["annotator is annotator of Debate Alpha", "manager is manager of Debate Alpha"],
        ),
        (Span, ["annotator:0-10 pro/claim", "annotator:17-25 pro/claim"]),
        (Relation, ["{source} supports {target}"]),
        (Assignment, ["annotator on Alpha article: assigned"]),
        (SpanEvent, ["span {source} created"]),
    ],
)
def test_changelists_hold_the_managed_debate_only(world, manager_client, model, expected):
    meta = model._meta

    response = manager_client.get(f"/admin/{meta.app_label}/{meta.model_name}/")

    assert response.status_code == 200
    rows = sorted(str(obj) for obj in response.context["cl"].result_list)
    expected = sorted(e.format(source=world.span.pk, target=world.target.pk) for e in expected)
    if model is SpanEvent:
        rows = [row.split(" by ")[0] for row in rows]
    assert rows == expected
    # Not in the rows, nor in the filters beside them.
    assert LEAK not in response.content.decode().lower()


@pytest.mark.parametrize(
    ("name", "delete_status"),
    [
        ("bravo", 403),  # nobody but a superuser deletes a debate, whichever
        ("bravo_document", 302),
        ("bravo_actor", 302),
        ("bravo_span", 302),
        ("bravo_relation", 302),
        ("bravo_assignment", 302),
        ("bravo_event", 403),  # nobody deletes history
    ],
)
def test_objects_of_another_debate_do_not_exist_for_the_manager(
    world, manager_client, name, delete_status
):
    obj = getattr(world, name)
    for view in ("change", "history"):
        response = manager_client.get(_url(obj, view))
        # Django answers an object outside get_queryset() as a missing one: back to the index.
        assert response.status_code == 302
        assert response.headers["Location"] == "/admin/"
        assert [str(m) for m in get_messages(response.wsgi_request)][-1] == (
            f"{obj._meta.verbose_name} with ID \u201c{obj.pk}\u201d doesn\u2019t "
            "exist. Perhaps it was deleted?"
        )
    for response in (
        manager_client.get(_url(obj, "delete")),
        manager_client.post(_url(obj, "delete"), {"post": "yes"}),
    ):
        assert response.status_code == delete_status
        if delete_status == 302:
            assert response.headers["Location"] == "/admin/"
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_manager_cannot_add_or_delete_a_debate(world, manager_client):
    assert manager_client.get("/admin/debate/debate/add/").status_code == 403
    assert manager_client.get(_url(world.alpha, "delete")).status_code == 403
    assert manager_client.post(_url(world.alpha, "delete"), {"post": "yes"}).status_code == 403
    assert Debate.objects.filter(pk=world.alpha.pk).exists()


# --- what a manager changes -------------------------------------------------------------------


def _debate_form(world, **fields) -> dict:
    """Return the POST data of debate A's change page, inlines untouched, with ``fields``."""
    memberships = world.alpha.memberships.order_by("user__username")
    actors = world.alpha.actors.order_by("name")
    data = {
        "slug": "alpha",
        "title": world.alpha.title,
        "proposition": world.alpha.proposition,
        "scheme": json.dumps(world.alpha.scheme),
        "annotators_per_document": world.alpha.annotators_per_document,
        "merge_method": world.alpha.merge_method,
        "suggestions": world.alpha.suggestions,
        "actors-TOTAL_FORMS": len(actors),
        "actors-INITIAL_FORMS": len(actors),
        "memberships-TOTAL_FORMS": len(memberships),
        "memberships-INITIAL_FORMS": len(memberships),
    }
    for i, actor in enumerate(actors):
        data |= {
            f"actors-{i}-id": actor.pk,
            f"actors-{i}-debate": world.alpha.pk,
            f"actors-{i}-name": actor.name,
            f"actors-{i}-kind": actor.kind,
            f"actors-{i}-affiliation": actor.affiliation,
            f"actors-{i}-aliases": json.dumps(actor.aliases),
        }
    for i, membership in enumerate(memberships):
        data |= {
            f"memberships-{i}-id": membership.pk,
            f"memberships-{i}-debate": world.alpha.pk,
            f"memberships-{i}-user": membership.user_id,
            f"memberships-{i}-role": membership.role,
        }
    return data | fields


def test_manager_edits_actors_and_members_inline_on_their_debate(world, manager_client):
    page = manager_client.get(_url(world.alpha))
    assert page.status_code == 200
    assert 'name="actors-TOTAL_FORMS"' in page.content.decode()
    assert 'name="memberships-TOTAL_FORMS"' in page.content.decode()
    # memberships-0 is the annotator's (ordered by username), actors-0 the one actor.
    assert Membership.objects.filter(debate=world.alpha).order_by("user__username")[0].user == (
        world.annotator
    )

    response = manager_client.post(
        _url(world.alpha),
        _debate_form(
            world,
            **{
                "title": "Debate Alpha, renamed",
                "annotators_per_document": 3,
                "actors-TOTAL_FORMS": 2,
                "actors-0-affiliation": "Citizen Lab",
                "actors-0-aliases": '["Alpha"]',
                "actors-1-debate": world.alpha.pk,
                "actors-1-name": "Home Office",
                "actors-1-kind": "organisation",
                "actors-1-affiliation": "",
                "actors-1-aliases": "[]",
                "memberships-0-role": Role.REVIEWER,
            },
        ),
    )

    assert response.status_code == 302, _errors(response)
    world.alpha.refresh_from_db()
    assert (world.alpha.title, world.alpha.annotators_per_document) == (
        "Debate Alpha, renamed",
        3,
    )
    assert sorted(world.alpha.actors.values_list("name", "affiliation", "aliases")) == [
        ("Alpha actor", "Citizen Lab", ["Alpha"]),
        ("Home Office", "", []),
    ]
    assert Membership.objects.get(debate=world.alpha, user=world.annotator).role == Role.REVIEWER


def test_scheme_cannot_drop_labels_that_annotations_use(world, manager_client):
    scheme = world.alpha.scheme
    without_pro_and_supports = {
        "stances": [s for s in scheme["stances"] if s["key"] != "pro"],
        "roles": scheme["roles"],
        "relation_types": [t for t in scheme["relation_types"] if t["key"] != "supports"],
    }
    without_neutral = scheme | {"stances": [s for s in scheme["stances"] if s["key"] != "neutral"]}

    refused = manager_client.post(
        _url(world.alpha), _debate_form(world, scheme=json.dumps(without_pro_and_supports))
    )
    invalid = manager_client.post(
        _url(world.alpha), _debate_form(world, scheme=json.dumps({"stances": []}))
    )
    accepted = manager_client.post(
        _url(world.alpha), _debate_form(world, scheme=json.dumps(without_neutral))
    )

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "scheme": [
            "Annotations use labels this scheme drops: stances pro; relation_types supports."
        ]
    }
    assert invalid.status_code == 200
    assert invalid.context["adminform"].form.errors["scheme"] == [
        "stances: must be a non-empty list.",
        "roles: must be a non-empty list.",
        "relation_types: must be a non-empty list.",
    ]
    assert accepted.status_code == 302, _errors(accepted)
    world.alpha.refresh_from_db()
    assert [s["key"] for s in world.alpha.scheme["stances"]] == ["pro", "contra"]


def test_manager_changes_a_document_actor_and_membership(world, manager_client):
    response = manager_client.post(
        _url(world.draft),
        {
            "debate": world.alpha.pk,
            "title": "Alpha draft, retitled",
            "source": "Shropshire Star",
            "url": "https://example.org/draft",
            "published": "2023-07-01",
            "text": "Not annotated yet, so the text\r\nmay still change.",
            "status": "new",
        },
    )
    assert response.status_code == 302, _errors(response)
    world.draft.refresh_from_db()
    assert world.draft.title == "Alpha draft, retitled"
    assert world.draft.text == "Not annotated yet, so the text\nmay still change."

    response = manager_client.post(
        _url(world.actor),
        {
            "debate": world.alpha.pk,
            "name": "Kate Robertson",
            "kind": "person",
            "affiliation": "Citizen Lab",
            "aliases": '["Robertson"]',
        },
    )
    assert response.status_code == 302, _errors(response)
    world.actor.refresh_from_db()
    assert (world.actor.name, world.actor.aliases) == ("Kate Robertson", ["Robertson"])

    membership = Membership.objects.get(debate=world.alpha, user=world.annotator)
    response = manager_client.post(
        _url(membership),
        {"debate": world.alpha.pk, "user": world.annotator.pk, "role": Role.REVIEWER},
    )
    assert response.status_code == 302, _errors(response)
    membership.refresh_from_db()
    assert membership.role == Role.REVIEWER


def test_a_manager_demoted_or_removed_in_the_admin_loses_admin_access(world, manager_client):
    deputy = UserFactory(username="deputy")
    membership = MembershipFactory(debate=world.alpha, user=deputy, role=Role.REVIEWER)
    fields = {"debate": world.alpha.pk, "user": deputy.pk}

    promoted = manager_client.post(_url(membership), {**fields, "role": Role.MANAGER})
    deputy.refresh_from_db()
    assert (promoted.status_code, deputy.is_staff) == (302, True)

    demoted = manager_client.post(_url(membership), {**fields, "role": Role.ANNOTATOR})
    deputy.refresh_from_db()
    assert (demoted.status_code, deputy.is_staff) == (302, False)

    manager_client.post(_url(membership), {**fields, "role": Role.MANAGER})
    removed = manager_client.post(
        f"/admin/debate/membership/{membership.pk}/delete/", {"post": "yes"}
    )
    deputy.refresh_from_db()
    assert (removed.status_code, deputy.is_staff) == (302, False)


LAST = (
    "manager is the debate&#x27;s last manager; make another member manager first, so that "
    "someone can still manage it."
)


def test_the_last_manager_cannot_be_demoted_or_removed_in_the_admin(world, manager_client):
    membership = Membership.objects.get(debate=world.alpha, user=world.manager)
    fields = {"debate": world.alpha.pk, "user": world.manager.pk}

    demoted = manager_client.post(_url(membership), {**fields, "role": Role.ANNOTATOR})
    assert (demoted.status_code, _errors(demoted)) == (200, [LAST])
    moved = manager_client.post(_url(membership), {**fields, "debate": world.bravo.pk})
    assert moved.status_code == 200
    # The delete page names the reason and deletes nothing, alone or in the bulk action.
    page = manager_client.post(_url(membership, "delete"), {"post": "yes"})
    assert page.status_code == 200
    assert LAST + " (alpha)" in page.content.decode()
    bulk = manager_client.post(
        "/admin/debate/membership/",
        {"action": "delete_selected", "_selected_action": [membership.pk], "post": "yes"},
    )
    assert bulk.status_code == 200 and LAST + " (alpha)" in bulk.content.decode()
    # Nor on the debate's own page, by role or by the delete box.
    by_role = manager_client.post(
        _url(world.alpha), _debate_form(world, **{"memberships-1-role": Role.REVIEWER})
    )
    assert (by_role.status_code, _errors(by_role)) == (200, [LAST])
    by_box = manager_client.post(
        _url(world.alpha), _debate_form(world, **{"memberships-1-DELETE": "on"})
    )
    assert (by_box.status_code, _errors(by_box)) == (
        200,
        [
            "A debate keeps at least one manager: make another member manager first, so that "
            "someone can still manage it."
        ],
    )
    membership.refresh_from_db()
    assert (membership.debate, membership.role) == (world.alpha, Role.MANAGER)
    # With a second manager, the first may step down.
    MembershipFactory(debate=world.alpha, user=UserFactory(username="deputy"), role=Role.MANAGER)
    stepped = manager_client.post(_url(membership), {**fields, "role": Role.REVIEWER})
    assert stepped.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.REVIEWER


def test_annotated_text_is_read_only_in_the_admin(world, manager_client):
    page = manager_client.get(_url(world.document)).content.decode()
    assert 'name="text"' not in page
    assert ALPHA_TEXT in page  # shown, not editable
    assert 'name="text"' in manager_client.get(_url(world.draft)).content.decode()

    response = manager_client.post(
        _url(world.document),
        {
            "debate": world.alpha.pk,
            "title": "Alpha article, retitled",
            "source": "",
            "url": "",
            "published": "",
            "text": "An attempt to replace the annotated text.",
            "status": "annotating",
        },
    )

    assert response.status_code == 302, _errors(response)
    world.document.refresh_from_db()
    assert world.document.title == "Alpha article, retitled"
    assert world.document.text == ALPHA_TEXT
    assert world.document.status == "new"  # the workflow moves it, not the form


def test_an_annotated_document_stays_in_its_debate(world, manager_client):
    gamma = DebateFactory(slug="gamma", title="Debate Gamma")
    MembershipFactory(debate=gamma, user=world.manager, role=Role.MANAGER)
    assert 'name="debate"' not in manager_client.get(_url(world.document)).content.decode()
    fields = {"title": "Moved?", "source": "", "url": "", "published": "", "status": "new"}

    response = manager_client.post(_url(world.document), {**fields, "debate": gamma.pk})

    assert response.status_code == 302, _errors(response)
    world.document.refresh_from_db()
    assert (world.document.debate_id, world.document.title) == (world.alpha.pk, "Moved?")
    # No other path moves it either; a document nobody annotated still may move.
    world.document.debate = gamma
    with pytest.raises(DocumentLocked):
        world.document.save()
    world.draft.debate = gamma
    world.draft.save()
    assert Document.objects.get(pk=world.draft.pk).debate_id == gamma.pk


def test_document_admin_refuses_a_text_the_debate_already_holds(world, manager_client):
    def add(text: str):
        return manager_client.post(
            "/admin/debate/document/add/",
            {"debate": world.alpha.pk, "title": "Again", "text": text, "status": "new"},
        )

    refused = add("Not annotated\r\nyet.")  # the draft's text once normalised
    added = add("Not annotated\r\nyet, and longer.")

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "text": ["The debate already holds this text: 'Alpha draft'."]
    }
    assert added.status_code == 302, _errors(added)
    assert Document.objects.get(title="Again").text == "Not annotated\nyet, and longer."
    assert Document.objects.filter(debate=world.alpha).count() == 3

    # A byte-order mark alone passes the form's "required" but is no text once normalised.
    empty = add("\ufeff")
    assert empty.status_code == 200
    assert empty.context["adminform"].form.errors == {"text": ["The text is empty."]}


@pytest.mark.parametrize(
    ("url", "data", "field_error"),
    [
        (
            "/admin/debate/document/add/",
            {"debate": "{bravo}", "title": "T", "text": "Into B.", "status": "new"},
            "debate",
        ),
        (
            "/admin/debate/actor/add/",
            {"debate": "{bravo}", "name": "Intruder", "kind": "person", "aliases": "[]"},
            "debate",
        ),
        (
            "/admin/debate/membership/add/",
            {"debate": "{bravo}", "user": "{manager}", "role": "manager"},
            "debate",
        ),
        (
            "/admin/annotations/assignment/add/",
            {"document": "{bravo_document}", "annotator": "{annotator}", "status": "assigned"},
            "document",
        ),
        (
            "/admin/annotations/span/add/",
            {
                "document": "{bravo_document}",
                "annotator": "{annotator}",
                "start": 0,
                "end": 5,
                "quote": "Bravo",
                "stance": "pro",
                "role": "claim",
            },
            "document",
        ),
        (
            "/admin/annotations/span/add/",
            {
                "document": "{document}",
                "annotator": "{annotator}",
                "start": 0,
                "end": 4,
                "quote": "Tech",
                "stance": "pro",
                "role": "claim",
                "actor": "{bravo_actor}",
            },
            "actor",
        ),
        (
            "/admin/annotations/relation/add/",
            {
                "document": "{document}",
                "annotator": "{annotator}",
                "source": "{span}",
                "target": "{bravo_span}",
                "type": "supports",
            },
            "target",
        ),
    ],
)
def test_nothing_can_be_pointed_into_another_debate(world, manager_client, url, data, field_error):
    counts = {m: m.objects.count() for m in (Document, Actor, Membership, Assignment, Span)}
    data = {
        key: getattr(world, value[1:-1]).pk
        if isinstance(value, str) and value[:1] == "{"
        else value
        for key, value in data.items()
    }

    response = manager_client.post(url, data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert field_error in form.errors
    assert form.errors[field_error][0].startswith("Select a valid choice.")
    assert {m: m.objects.count() for m in counts} == counts


# --- spans, relations, assignments ------------------------------------------------------------


def test_manager_adds_a_span_that_matches_the_text(world, manager_client):
    data = {
        "document": world.document.pk,
        "annotator": world.annotator.pk,
        "start": 17,
        "end": 25,
        "quote": "a backdoor",
        "stance": "maybe",
        "role": "claim",
        "actor": world.actor.pk,
        "note": "",
    }

    refused = manager_client.post("/admin/annotations/span/add/", data)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "quote": ["Must equal text[17:25], which is 'backdoor'."],
        "stance": ["Must be one of this debate's stances: pro, contra, neutral."],
    }

    added = manager_client.post(
        "/admin/annotations/span/add/", data | {"quote": "backdoor", "stance": "contra"}
    )

    assert added.status_code == 302, _errors(added)
    span = Span.objects.get(document=world.document, stance="contra")
    assert (span.start, span.end, span.quote, span.actor, span.version) == (
        17,
        25,
        "backdoor",
        world.actor,
        1,
    )
    assert span.created_by == world.manager
    event = SpanEvent.objects.get(span_pk=span.pk)
    assert (event.action, event.by, event.annotator, event.reason, event.before) == (
        SpanEventAction.CREATED,
        world.manager,
        world.annotator,
        ADMIN_REASON,
        None,
    )
    assert event.after == {
        "document": world.document.pk,
        "layer": "annotator",
        "start": 17,
        "end": 25,
        "quote": "backdoor",
        "stance": "contra",
        "role": "claim",
        "actor": world.actor.pk,
        "note": "",
        "version": 1,
    }


def test_manager_changes_a_span_and_its_version_moves_on(world, manager_client):
    page = manager_client.get(_url(world.span)).content.decode()
    assert 'name="opened_version" value="1"' in page
    data = {
        "start": 0,
        "end": 4,
        "quote": "Tech",
        "stance": "neutral",
        "role": "premise",
        "actor": world.actor.pk,
        "note": "narrowed",
        "opened_version": 1,
    }

    response = manager_client.post(_url(world.span), data)

    assert response.status_code == 302, _errors(response)
    world.span.refresh_from_db()
    assert (world.span.quote, world.span.stance, world.span.note, world.span.version) == (
        "Tech",
        "neutral",
        "narrowed",
        2,
    )
    event = SpanEvent.objects.get(span_pk=world.span.pk, action=SpanEventAction.UPDATED)
    assert (event.by, event.reason) == (world.manager, ADMIN_REASON)
    changed = {k for k in event.after if event.after[k] != event.before[k]}
    assert changed == {"end", "quote", "stance", "role", "actor", "note", "version"}
    assert (event.before["quote"], event.after["quote"]) == ("Tech firms", "Tech")
    assert (event.before["version"], event.after["version"]) == (1, 2)
    # The document and layer of a span never change, whatever the form says.
    manager_client.post(_url(world.span), data | {"document": world.draft.pk, "opened_version": 2})
    world.span.refresh_from_db()
    assert (world.span.document, world.span.annotator) == (world.document, world.annotator)
    # Saving a form without a change is no change: no new version, no history.
    assert world.span.version == 2
    assert SpanEvent.objects.filter(span_pk=world.span.pk).count() == 2  # fixture's + update


def test_spans_deleted_in_the_admin_leave_their_history(world, manager_client):
    single = manager_client.post(_url(world.span, "delete"), {"post": "yes"})
    assert single.status_code == 302
    extra = SpanFactory(document=world.document, annotator=world.annotator, start=26, end=33)
    bulk = manager_client.post(
        "/admin/annotations/span/",
        {
            "action": "delete_selected",
            "_selected_action": [world.target.pk, extra.pk],
            "post": "yes",
        },
    )
    assert bulk.status_code == 302

    assert not Span.objects.filter(document=world.document).exists()
    assert not Relation.objects.filter(pk=world.relation.pk).exists()
    deleted = {
        e.span_pk: e
        for e in SpanEvent.objects.filter(action=SpanEventAction.DELETED, by=world.manager)
    }
    assert set(deleted) == {world.span.pk, world.target.pk, extra.pk}
    assert deleted[world.span.pk].before["relations"] == [[world.target.pk, "supports"]]
    assert deleted[world.span.pk].before["quote"] == "Tech firms"
    assert "relations" not in deleted[world.target.pk].before  # went with the first span
    assert deleted[extra.pk].before["quote"] == ALPHA_TEXT[26:33]
    assert all(e.after is None and e.reason == ADMIN_REASON for e in deleted.values())


def test_span_changed_since_the_form_opened_is_not_overwritten(world, manager_client):
    Span.objects.filter(pk=world.span.pk).update(note="written through the API", version=2)

    response = manager_client.post(
        _url(world.span),
        {
            "start": 0,
            "end": 10,
            "quote": "Tech firms",
            "stance": "pro",
            "role": "claim",
            "note": "stale form",
            "opened_version": 1,
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "The span changed since this page was opened (now version 2); reload the page and "
        "make your change again."
    ]
    world.span.refresh_from_db()
    assert (world.span.note, world.span.version) == ("written through the API", 2)


def test_manager_adds_a_relation_within_one_layer(world, manager_client):
    other = SpanFactory(document=world.document, annotator=world.manager, start=26, end=33)
    data = {
        "document": world.document.pk,
        "annotator": world.annotator.pk,
        "source": world.target.pk,
        "target": other.pk,
        "type": "supports",
    }

    refused = manager_client.post("/admin/annotations/relation/add/", data)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "target": ["Both spans must belong to the relation's layer."]
    }
    added = manager_client.post(
        "/admin/annotations/relation/add/", data | {"target": world.span.pk, "type": "attacks"}
    )
    assert added.status_code == 302, _errors(added)
    relation = Relation.objects.get(type="attacks")
    assert (relation.source, relation.target, relation.created_by) == (
        world.target,
        world.span,
        world.manager,
    )


def test_assignments_go_to_members_of_the_debate(world, manager_client):
    outsider = UserFactory(username="outsider")
    data = {"document": world.draft.pk, "annotator": outsider.pk, "status": "assigned"}

    refused = manager_client.post("/admin/annotations/assignment/add/", data)

    assert refused.status_code == 200
    assert "annotator" in refused.context["adminform"].form.errors
    added = manager_client.post(
        "/admin/annotations/assignment/add/", data | {"annotator": world.annotator.pk}
    )
    assert added.status_code == 302, _errors(added)
    assert Assignment.objects.filter(document=world.draft, annotator=world.annotator).exists()


# --- history ----------------------------------------------------------------------------------


def test_history_is_read_only_even_for_its_managers(world, manager_client):
    event_admin = admin.site._registry[SpanEvent]
    request = SimpleNamespace(user=world.manager)
    assert event_admin.has_view_permission(request, world.event) is True
    assert event_admin.has_add_permission(request) is False
    assert event_admin.has_change_permission(request, world.event) is False
    assert event_admin.has_delete_permission(request, world.event) is False

    view = manager_client.get(_url(world.event))
    assert view.status_code == 200
    assert 'name="_save"' not in view.content.decode()
    assert manager_client.get("/admin/annotations/spanevent/add/").status_code == 403
    assert manager_client.post(_url(world.event), {"reason": "rewritten"}).status_code == 403
    assert manager_client.get(_url(world.event, "delete")).status_code == 403
    assert manager_client.post(_url(world.event, "delete"), {"post": "yes"}).status_code == 403
    changelist = manager_client.get("/admin/annotations/spanevent/")
    assert "delete_selected" not in changelist.content.decode()
    assert SpanEvent.objects.filter(pk=world.event.pk, reason="").exists()
