"""CSRF: with a browser session, no unsafe request is honoured without the CSRF token.

Every route the resolver knows (API, pages, admin) is asked with POST, PUT, PATCH and DELETE
without the token: each is refused with 403 by the CSRF check itself (DRF's "CSRF Failed" for
API views, the page of Django's CSRF failure view for all others, never some other refusal) and
nothing is written. Then every write a browser
makes (login, logout, spans, relations, submit, review decisions, map builds, imports,
assignments, admin forms) is made with the token and does its work; and the same API writes
made with a token in ``Authorization`` need no CSRF token at all.
"""

import io
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.middleware.csrf import REASON_CSRF_TOKEN_MISSING
from django.test import Client, RequestFactory
from django.urls import get_callable
from rest_framework.parsers import JSONParser
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts.models import ApiToken
from debate.models import Document, DocumentStatus
from tests.annotations.export_corpus import xmi_document, zip_of
from tests.factories import PASSWORD, SpanFactory, UserFactory, api_token
from tests.scenes import TwoDebates, changed_tables, database_state
from tests.security.routes import all_routes, fill

pytestmark = pytest.mark.django_db

UNSAFE = ("post", "put", "patch", "delete")
CSRF_MISSING = {"detail": "CSRF Failed: CSRF token missing."}
# Routes where no session is read, so there is nothing for a forged request to ride on.
NO_SESSION = {
    ("api/v1/auth/token/", "post"): 400,  # logging in: name and password, no session
    ("api/v1/", "post"): 404,  # unknown API paths authenticate no one
    ("api/v1/", "put"): 404,
    ("api/v1/", "patch"): 404,
    ("api/v1/", "delete"): 404,
}


def session(user=None) -> Client:
    """Return a client that enforces CSRF as a browser's session would, with its cookie set."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    # A page with a form sets the csrftoken cookie, as the victim's browser holds it.
    assert client.get("/" if user else "/login/").cookies["csrftoken"].value
    return client


def csrf_token(client: Client) -> str:
    return client.cookies["csrftoken"].value


def csrf_failure_page() -> bytes:
    """Return the page the project's CSRF failure view shows for a form posted without a token."""
    failure_view = get_callable(settings.CSRF_FAILURE_VIEW)
    return failure_view(RequestFactory().post("/"), reason=REASON_CSRF_TOKEN_MISSING).content


def test_no_unsafe_request_is_honoured_without_the_token(world):
    manager = session(world.alpha.user("manager"))  # staff too, so the admin lets them in
    anonymous = session()
    csrf_page = csrf_failure_page()
    # The control: the page is Django's CSRF failure, not the 403 any refusal shows (here the
    # admin refusing a manager the users), so comparing with it tells the two apart.
    assert b"<p>CSRF verification failed. Request aborted.</p>" in csrf_page
    refused_for_permission = manager.get("/admin/auth/user/")
    assert refused_for_permission.status_code == 403
    assert refused_for_permission.content != csrf_page
    before = database_state()
    refused, problems = 0, []
    for route, pattern in all_routes():
        url = fill(route, world.alpha)
        view_class = getattr(pattern.callback, "cls", None)
        json_body = any(
            issubclass(parser, JSONParser) for parser in getattr(view_class, "parser_classes", ())
        )
        for method in UNSAFE:
            client = anonymous if route in ("login/", "admin/login/") else manager
            # In the body the view reads (a JSON-only view refuses a form's body with 415).
            if json_body:
                response = getattr(client, method)(url, {}, content_type="application/json")
            else:
                response = getattr(client, method)(url)
            expected = NO_SESSION.get((route, method), 403)
            if response.status_code != expected:
                problems.append(f"{method.upper()} {url}: {response.status_code}")
            elif expected == 403:
                refused += 1
                if route.startswith("api/v1/"):
                    if response.json() != CSRF_MISSING:
                        problems.append(f"{method.upper()} {url}: {response.json()}")
                elif isinstance(view_class, type) and issubclass(view_class, APIView):
                    # The schema and its docs: DRF's refusal, in whatever their renderer shows
                    # (the docs' HTML shows only "403 Forbidden"), so read what the view raised;
                    # DRF's HTML renderer adds the status to it for its error template.
                    raised = {k: v for k, v in response.data.items() if k != "status_code"}
                    if raised != CSRF_MISSING:
                        problems.append(f"{method.upper()} {url}: {response.data}")
                elif response.content != csrf_page:
                    problems.append(f"{method.upper()} {url}: not the CSRF failure page")

    assert problems == []
    assert refused == 4 * len(all_routes()) - len(NO_SESSION)
    assert changed_tables(before, database_state()) == []


# --- Writes a browser makes ------------------------------------------------------------------
@dataclass
class Write:
    """One write as a member makes it, and the status it gets when allowed."""

    name: str
    role: str
    method: str
    url: str
    body: dict | bytes = field(default_factory=dict)
    status: int = 200
    multipart: bool = False
    if_match: bool = False


def _span_payload(document: Document, needle: str) -> dict:
    start = document.text.index(needle)
    return {
        "start": start,
        "end": start + len(needle),
        "quote": needle,
        "stance": "neutral",
        "role": "premise",
    }


def api_writes(world: TwoDebates, tag: str) -> list[Write]:
    """Return every kind of API write of alpha's members, in an order that makes sense."""
    alpha = world.alpha
    doc, review_doc = alpha.open_doc, alpha.review_doc
    unassigned = Document.objects.create(debate=alpha.debate, text=f"Unassigned ({tag}).")
    # A new account in no debate yet: one a manager may add (debate.selectors.member_candidates).
    newcomer = UserFactory(username=f"newcomer-{tag}")
    # A second gold claim, in its own adjudicated document, for a reviewer to join with.
    claim = alpha.gold_span
    other_text = f"Another gold claim ({tag})."
    other_claim = SpanFactory(
        document=Document.objects.create(
            debate=alpha.debate, text=other_text, status=DocumentStatus.ADJUDICATED
        ),
        annotator=None,
        created_by=alpha.user("reviewer"),
        start=0,
        end=len(other_text),
        stance=claim.stance,
        role=claim.role,
    )
    exports = {}
    exporter = world.api(alpha.user("manager"))
    for format_name in ("jsonl", "brat"):
        response = exporter.get(f"/api/v1/debates/alpha/export/spans/?format={format_name}")
        assert response.status_code == 200
        exports[format_name] = b"".join(response.streaming_content)
    return [
        Write(
            "debate",
            "manager",
            "post",
            "/api/v1/debates/",
            {"slug": f"new-{tag}", "title": "New", "proposition": "New."},
            201,
        ),
        Write("actor", "manager", "post", "/api/v1/debates/alpha/actors/", {"name": tag}, 201),
        Write(
            "member",
            "manager",
            "post",
            "/api/v1/debates/alpha/members/",
            {"username": newcomer.username, "role": "researcher"},
            201,
        ),
        Write(
            "document",
            "manager",
            "post",
            "/api/v1/debates/alpha/documents/",
            {"text": f"A new text ({tag})."},
            201,
        ),
        Write(
            "guidelines",
            "manager",
            "put",
            "/api/v1/debates/alpha/guidelines/",
            {"markdown": f"Guidelines ({tag})."},
        ),
        Write(
            "map", "reviewer", "post", "/api/v1/debates/alpha/maps/", {"reason": tag}, status=202
        ),
        Write(
            "merge decision",
            "reviewer",
            "post",
            "/api/v1/debates/alpha/maps/decisions/",
            {"kind": "join", "spans": [claim.pk], "other_spans": [other_claim.pk]},
            201,
        ),
        Write(
            "merge decision undo",
            "reviewer",
            "post",
            f"/api/v1/debates/alpha/maps/decisions/{alpha.merge_decision.pk}/undo/",
            {},
        ),
        Write(
            "span",
            "annotator",
            "post",
            f"/api/v1/documents/{doc.pk}/spans/",
            _span_payload(doc, "scanning is needed"),
            201,
        ),
        Write(
            "relation",
            "annotator",
            "post",
            f"/api/v1/documents/{doc.pk}/relations/",
            {"source": alpha.span.pk, "target": alpha.premise.pk, "type": "attacks"},
            201,
        ),
        Write(
            "span change",
            "annotator",
            "patch",
            f"/api/v1/spans/{alpha.span.pk}/",
            {"note": tag},
            if_match=True,
        ),
        Write(
            "relation delete",
            "annotator",
            "delete",
            f"/api/v1/relations/{alpha.relation.pk}/",
            status=204,
        ),
        Write(
            "span delete",
            "annotator",
            "delete",
            f"/api/v1/spans/{alpha.premise.pk}/",
            status=204,
            if_match=True,
        ),
        Write("submit", "annotator", "post", f"/api/v1/documents/{doc.pk}/submit/"),
        Write(
            "decision",
            "reviewer",
            "post",
            f"/api/v1/documents/{review_doc.pk}/review/decisions/",
            {"action": "add", **_span_payload(review_doc, "protect children")},
            201,
            if_match=True,
        ),
        Write(
            "finish",
            "reviewer",
            "post",
            f"/api/v1/documents/{review_doc.pk}/review/finish/",
            status=201,
            if_match=True,
        ),
        Write(
            "assignment",
            "manager",
            "post",
            f"/api/v1/documents/{unassigned.pk}/assignments/",
            {"annotator": "alpha-annotator"},
            201,
        ),
        Write(
            "spread",
            "manager",
            "post",
            "/api/v1/debates/alpha/assignments/spread/",
            {"annotators": ["alpha-annotator"]},
        ),
        Write(
            "import jsonl",
            "manager",
            "post",
            "/api/v1/debates/alpha/import/spans/",
            {
                "file": _named(exports["jsonl"], "alpha.jsonl"),
                "layer": "alpha-annotator2",
                "source_layer": "alpha-annotator",
            },
            multipart=True,
        ),
        Write(
            "import brat",
            "manager",
            "post",
            "/api/v1/debates/alpha/import/brat/",
            {"file": _named(exports["brat"], "alpha.zip")},
            multipart=True,
        ),
        Write(
            "import xmi",
            "manager",
            "post",
            "/api/v1/debates/alpha/import/xmi/",
            # A document of its own: the brat import above fills gold of the exported ones.
            {"file": _named(_xmi_zip(f"An XMI import ({tag}): scanning is needed."), "x.zip")},
            multipart=True,
        ),
        Write("token revoke", "researcher", "delete", "/api/v1/auth/token/", status=204),
    ]


def _xmi_zip(text: str) -> bytes:
    start = text.index("scanning")
    span = {"begin": start, "end": start + 18, "stance": "pro", "role": "claim"}
    return zip_of({"doc.xmi": xmi_document(text, [span])})


def _named(data: bytes, name: str) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def _send(client, write: Write, extra: dict):
    headers = dict(extra)
    if write.if_match:
        headers["HTTP_IF_MATCH"] = "*"
    if write.multipart:
        for value in write.body.values():
            if hasattr(value, "seek"):
                value.seek(0)
    if isinstance(client, APIClient):
        headers["format"] = "multipart" if write.multipart else "json"
    elif not write.multipart:
        headers["content_type"] = "application/json"
    return getattr(client, write.method)(write.url, write.body, **headers)


def test_every_browser_write_needs_the_token_and_works_with_it(world):
    clients = {}
    problems = []
    for write in api_writes(world, "session"):
        client = clients.setdefault(write.role, session(world.alpha.user(write.role)))
        if write.name == "token revoke":
            api_token(world.alpha.user(write.role))
        before = database_state()
        forged = _send(client, write, {})
        if forged.status_code != 403 or changed_tables(before, database_state()):
            problems.append(f"{write.name} without the token: {forged.status_code}")
        honest = _send(client, write, {"HTTP_X_CSRFTOKEN": csrf_token(client)})
        if honest.status_code != write.status:
            problems.append(f"{write.name} with the token: {honest.status_code} {honest.content}")
        elif not changed_tables(before, database_state()):
            problems.append(f"{write.name} with the token wrote nothing")

    assert problems == []
    assert not ApiToken.objects.filter(user=world.alpha.user("researcher")).exists()


def test_api_writes_with_an_api_token_need_no_csrf_token(world):
    problems = []
    for write in api_writes(world, "token"):
        client = APIClient(enforce_csrf_checks=True)
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(world.alpha.user(write.role))}")
        before = database_state()
        response = _send(client, write, {})
        if response.status_code != write.status:
            problems.append(f"{write.name}: {response.status_code} {response.content}")
        elif not changed_tables(before, database_state()):
            problems.append(f"{write.name} wrote nothing")

    assert problems == []


# --- Pages, login, logout, admin -------------------------------------------------------------
def _form(client: Client, url: str, data: dict, token: bool):
    if token:
        data = {**data, "csrfmiddlewaretoken": csrf_token(client)}
    return client.post(url, data)


def test_login_needs_the_token(world):
    client = session()
    data = {"username": "alpha-annotator", "password": PASSWORD}

    forged = _form(client, "/login/", data, token=False)
    assert forged.status_code == 403
    assert "_auth_user_id" not in client.session

    honest = _form(client, "/login/", data, token=True)
    assert (honest.status_code, honest.headers["Location"]) == (302, "/")
    assert client.session["_auth_user_id"] == str(world.alpha.user("annotator").pk)


def test_logout_needs_the_token(world):
    client = session(world.alpha.user("annotator"))

    forged = _form(client, "/logout/", {}, token=False)
    assert forged.status_code == 403
    assert client.session["_auth_user_id"] == str(world.alpha.user("annotator").pk)

    honest = _form(client, "/logout/", {}, token=True)
    assert (honest.status_code, honest.headers["Location"]) == (302, "/login/")
    assert "_auth_user_id" not in client.session


def test_spreading_assignments_on_the_page_needs_the_token(world):
    client = session(world.alpha.user("manager"))
    data = {"annotators": ["alpha-annotator", "alpha-annotator2"]}
    new_doc = Document.objects.create(debate=world.alpha.debate, text="Unassigned text.")
    before = database_state()

    forged = _form(client, "/d/alpha/assign/", data, token=False)
    assert forged.status_code == 403
    assert changed_tables(before, database_state()) == []

    honest = _form(client, "/d/alpha/assign/", data, token=True)
    assert (honest.status_code, honest.headers["Location"]) == (302, "/d/alpha/assign/")
    assert new_doc.assignments.count() == 2


def test_publishing_and_reading_guidelines_on_the_pages_need_the_token(world):
    manager = session(world.alpha.user("manager"))
    annotator = session(world.alpha.user("annotator"))
    publish = {"text": "Tag claims.", "action": "publish", "version": "0"}
    read = {"version": "1", "next": "/d/alpha/"}
    before = database_state()

    forged = [
        _form(manager, "/d/alpha/guidelines/", publish, token=False).status_code,
        _form(annotator, "/d/alpha/guidelines/read/", read, token=False).status_code,
    ]
    assert (forged, changed_tables(before, database_state())) == ([403, 403], [])

    published = _form(manager, "/d/alpha/guidelines/", publish, token=True)
    confirmed = _form(annotator, "/d/alpha/guidelines/read/", read, token=True)
    assert (published.status_code, published.headers["Location"]) == (302, "/d/alpha/guidelines/")
    assert (confirmed.status_code, confirmed.headers["Location"]) == (302, "/d/alpha/")
    assert sorted(changed_tables(before, database_state())) == [
        "debate.guidelines",
        "debate.guidelinesread",
    ]


def test_admin_forms_need_the_token(world):
    client = session(world.alpha.user("manager"))
    actor = world.alpha.actor
    change_url = f"/admin/debate/actor/{actor.pk}/change/"
    data = {
        "debate": world.alpha.debate.pk,
        "name": "Renamed",
        "kind": "person",
        "affiliation": "",
        "aliases": "[]",
    }
    before = database_state()

    assert _form(client, change_url, data, token=False).status_code == 403
    assert _form(client, "/admin/debate/actor/add/", data, token=False).status_code == 403
    delete_url = f"/admin/debate/actor/{actor.pk}/delete/"
    assert _form(client, delete_url, {"post": "yes"}, token=False).status_code == 403
    assert changed_tables(before, database_state()) == []

    changed = _form(client, change_url, data, token=True)
    assert (changed.status_code, changed.headers["Location"]) == (302, "/admin/debate/actor/")
    actor.refresh_from_db()
    assert actor.name == "Renamed"


def test_admin_login_needs_the_token(world):
    client = session()
    data = {"username": "alpha-manager", "password": PASSWORD, "next": "/admin/"}

    assert _form(client, "/admin/login/", data, token=False).status_code == 403
    honest = _form(client, "/admin/login/", data, token=True)
    assert (honest.status_code, honest.headers["Location"]) == (302, "/admin/")
