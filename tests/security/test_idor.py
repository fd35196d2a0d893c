"""IDOR: a member of debate alpha, whatever their role, reaches nothing of debate bravo.

The routes come from the URL resolver, so a new route fails ``test_every_route_is_classified``
until it is put in the matrix. Every object route is asked with every method by every role of
alpha for bravo's object: a method the route supports answers 404 (never 403, which would tell
the object exists, nor 200), any other method answers exactly as for an id that exists nowhere.
Whatever the status, the answer's content type and body are those for the missing id too, so no
message or title can tell that the other debate's object exists. Afterwards every row of the
database is as it was.
"""

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.admin.sites import site
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.models import Span
from annotations.services import SpanInput, relation_create, span_create
from debate.admin import ManagedDebateAdmin
from tests.annotations.export_corpus import xmi_document, zip_of
from tests.scenes import ROLES, Side, TwoDebates, changed_tables, database_state
from tests.security.routes import METHODS, all_routes, supported_methods

pytestmark = pytest.mark.django_db

MISSING_ID = 2_000_000_000
MISSING_SLUG = "no-such-debate"
MISSING_USERNAME = "no-such-member"
ALPHA_ROLES = ("annotator", "reviewer", "manager", "researcher")


# --- The matrix -----------------------------------------------------------------------------
def _span_body(side: Side, document=None) -> dict:
    """Return a valid new span of the open document (or ``document``) of a side."""
    text = (document or side.open_doc).text
    start = text.index("scanning is needed")
    end = start + len("scanning is needed")
    return {"start": start, "end": end, "quote": text[start:end], "stance": "pro", "role": "claim"}


def _jsonl_upload(side: Side) -> dict:
    line = json.dumps({"type": "document", "id": 1, "text": "Injected.", "title": "x"})
    return {
        "file": SimpleUploadedFile("x.jsonl", line.encode(), "application/x-ndjson"),
        "layer": "gold",
    }


def _brat_upload(side: Side) -> dict:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "Injected text.")
        archive.writestr("a.ann", "T1\tclaim 0 8\tInjected\n")
    return {
        "file": SimpleUploadedFile("x.zip", buffer.getvalue(), "application/zip"),
        "layer": "gold",
    }


def _xmi_upload(side: Side) -> dict:
    xmi = xmi_document("Injected text.", [{"begin": 0, "end": 8, "stance": "pro", "role": "claim"}])
    return {
        "file": SimpleUploadedFile("x.zip", zip_of({"a.xmi": xmi}), "application/zip"),
        "layer": "gold",
    }


@dataclass(frozen=True)
class Scoped:
    """A route that names one object of a debate, and how to fill and feed it."""

    target: str | Callable[[Side], object]  # the Side attribute the route names, or a getter
    kwarg: str = "pk"
    body: Callable[[Side], dict] = field(default=lambda side: {})
    multipart: bool = False
    in_debate: bool = False  # the route names the object's debate by its slug too

    def value(self, side: Side):
        obj = self.target(side) if callable(self.target) else getattr(side, self.target)
        if self.kwarg == "slug":
            return obj.slug
        if self.kwarg == "username":
            return obj.get_username()
        return obj.pk

    def missing(self):
        return {"slug": MISSING_SLUG, "username": MISSING_USERNAME}.get(self.kwarg, MISSING_ID)


DEBATE = Scoped("debate", kwarg="slug")
OPEN_DOC = Scoped("open_doc")

API = {
    "api/v1/debates/<slug:slug>/": DEBATE,
    "api/v1/debates/<slug:slug>/actors/": Scoped(
        "debate", kwarg="slug", body=lambda side: {"name": "Planted actor"}
    ),
    # The attacker tries to make themselves a manager of the other debate.
    "api/v1/debates/<slug:slug>/members/": Scoped(
        "debate", kwarg="slug", body=lambda side: {"username": "alpha-annotator", "role": "manager"}
    ),
    # The attacker tries to remove a member (the other debate's annotator) from it.
    "api/v1/debates/<slug:slug>/members/<str:username>/": Scoped(
        lambda side: side.user("annotator"), kwarg="username", in_debate=True
    ),
    "api/v1/debates/<slug:slug>/guidelines/": Scoped(
        "debate", kwarg="slug", body=lambda side: {"markdown": "Planted guidelines."}
    ),
    "api/v1/debates/<slug:slug>/documents/": Scoped(
        "debate", kwarg="slug", body=lambda side: {"text": "Planted text.", "title": "Planted"}
    ),
    "api/v1/debates/<slug:slug>/documents/import/": Scoped(
        "debate", kwarg="slug", body=lambda side: [{"text": "Planted text."}]
    ),
    "api/v1/documents/<int:pk>/": Scoped("open_doc", body=lambda side: {"title": "Planted"}),
    "api/v1/debates/<slug:slug>/maps/": Scoped(
        "debate", kwarg="slug", body=lambda side: {"reason": "planted"}
    ),
    "api/v1/debates/<slug:slug>/maps/decisions/": Scoped(
        "debate",
        kwarg="slug",
        body=lambda side: {
            "kind": "join",
            "spans": [side.gold_span.pk],
            "other_spans": [side.merge_decision.other_spans[0]],
        },
    ),
    "api/v1/debates/<slug:slug>/maps/decisions/<int:pk>/undo/": Scoped(
        "merge_decision", in_debate=True
    ),
    "api/v1/map-builds/<int:pk>/": Scoped("map_build"),
    "api/v1/maps/<int:pk>/": Scoped("map_version"),
    "api/v1/maps/<int:pk>/diff/": Scoped("map_version"),
    "api/v1/maps/<int:pk>/timeline/": Scoped("map_version"),
    "api/v1/debates/<slug:slug>/maps/agreement/": DEBATE,
    "api/v1/documents/<int:pk>/spans/": Scoped("open_doc", body=_span_body),
    "api/v1/documents/<int:pk>/relations/": Scoped(
        "open_doc",
        body=lambda side: {"source": side.span.pk, "target": side.premise.pk, "type": "attacks"},
    ),
    "api/v1/documents/<int:pk>/submit/": OPEN_DOC,
    "api/v1/spans/<int:pk>/": Scoped(
        "span", body=lambda side: {"note": "planted", "version": side.span.version}
    ),
    "api/v1/spans/<int:pk>/history/": Scoped("span"),
    "api/v1/relations/<int:pk>/": Scoped("relation"),
    "api/v1/relations/<int:pk>/history/": Scoped("relation"),
    "api/v1/debates/<slug:slug>/queue/next/": DEBATE,
    "api/v1/debates/<slug:slug>/export/spans/": DEBATE,
    "api/v1/debates/<slug:slug>/export/spans": DEBATE,
    "api/v1/debates/<slug:slug>/import/brat/": Scoped(
        "debate", kwarg="slug", body=_brat_upload, multipart=True
    ),
    "api/v1/debates/<slug:slug>/import/xmi/": Scoped(
        "debate", kwarg="slug", body=_xmi_upload, multipart=True
    ),
    "api/v1/debates/<slug:slug>/import/spans/": Scoped(
        "debate", kwarg="slug", body=_jsonl_upload, multipart=True
    ),
    "api/v1/documents/<int:pk>/review/": Scoped("review_doc"),
    "api/v1/documents/<int:pk>/review/decisions/": Scoped(
        "review_doc", body=lambda side: {"action": "accept_agreed"}
    ),
    "api/v1/documents/<int:pk>/review/finish/": Scoped("review_doc"),
    "api/v1/documents/<int:pk>/assignments/": Scoped(
        "open_doc", body=lambda side: {"annotator": side.user("annotator").username}
    ),
    "api/v1/debates/<slug:slug>/review/queue/": DEBATE,
    "api/v1/debates/<slug:slug>/agreement/": DEBATE,
    "api/v1/debates/<slug:slug>/assignments/spread/": Scoped(
        "debate", kwarg="slug", body=lambda side: {"annotators": [side.user("annotator").username]}
    ),
    "api/v1/documents/<int:pk>/suggestions/": OPEN_DOC,
    "api/v1/documents/<int:pk>/suggestions/decisions/": Scoped(
        "open_doc", body=lambda side: {"model": 1, "start": 0, "end": 5, "action": "dismiss"}
    ),
    "api/v1/debates/<slug:slug>/suggestions/model/": DEBATE,
    "api/v1/debates/<slug:slug>/suggestions/model/train/": Scoped(
        "debate", kwarg="slug", body=lambda side: {"reason": "planted"}
    ),
    "api/v1/debates/<slug:slug>/suggestions/settings/": Scoped(
        "debate", kwarg="slug", body=lambda side: {"mode": "on", "annotators": []}
    ),
    "api/v1/debates/<slug:slug>/suggestions/export/": DEBATE,
}
PAGES = {
    "d/<slug:slug>/": DEBATE,
    "d/<slug:slug>/next/": DEBATE,
    "documents/<int:document_id>/annotate/": Scoped("open_doc", kwarg="document_id"),
    "documents/<int:document_id>/start/": Scoped("open_doc", kwarg="document_id"),
    "d/<slug:slug>/review/": DEBATE,
    "d/<slug:slug>/dashboard/": DEBATE,
    "d/<slug:slug>/assign/": Scoped(
        "debate", kwarg="slug", body=lambda side: {"annotators": [side.user("annotator").username]}
    ),
    "d/<slug:slug>/members/": DEBATE,
    "d/<slug:slug>/import/": DEBATE,
    "documents/<int:document_id>/review/": Scoped("review_doc", kwarg="document_id"),
    "documents/<int:document_id>/gold/": Scoped("gold_doc", kwarg="document_id"),
    "d/<slug:slug>/map/": DEBATE,
    "d/<slug:slug>/guidelines/": Scoped(
        "debate",
        kwarg="slug",
        body=lambda side: {"text": "Planted guidelines.", "action": "publish", "version": "0"},
    ),
    "d/<slug:slug>/guidelines/read/": Scoped(
        "debate", kwarg="slug", body=lambda side: {"version": "1", "next": "/"}
    ),
}
# Lists of everything a user may see, not of one debate: they must not show bravo at all.
GLOBAL_LISTS = {"api/v1/debates/": "/api/v1/debates/", "": "/"}
# Routes that name no debate object at all.
UNSCOPED = {
    "api/v1/auth/token/": "your own token",
    "api/v1/auth/tokens/": "your own tokens; another user's are not listed (tests/accounts)",
    "api/v1/auth/tokens/<int:token_id>/": "one of your tokens; another's is 404 (tests/accounts)",
    "account/": "your own account page",
    "account/password/": "changing your own password",
    "password-reset/": "asking for a reset link: says the same whoever has the address",
    "password-reset/sent/": "the page after asking for a reset link",
    "reset/<uidb64>/<token>/": "a reset link: the signed token is the credential",
    "reset/done/": "the page after a reset",
    "oidc/authenticate/": "single sign-on: off to the provider (404 where not configured)",
    "oidc/callback/": "single sign-on: the provider's answer (404 where not configured)",
    "api/v1/": "the JSON 404 of unknown API paths",
    "api/schema/": "the public OpenAPI schema",
    "api/docs/": "Swagger UI of the schema",
    "api/redoc/": "Redoc of the schema",
    "login/": "the login form",
    "logout/": "logging out",
    "favicon.ico": "a redirect to the site's icon",
    "health/": "readiness for load balancers: which checks pass, no data",
    "health/live/": "liveness: the process answers",
    "metrics": "Prometheus metrics: METRICS_TOKEN or the machine itself (test_operations.py)",
}
ADMIN_PREFIX = "admin/"


def test_every_route_is_classified():
    known = {*API, *PAGES, *GLOBAL_LISTS, *UNSCOPED}
    unclassified = [
        route
        for route, _pattern in all_routes()
        if route not in known and not route.startswith(ADMIN_PREFIX)
    ]
    assert unclassified == []
    # And the matrix names no route that is gone.
    assert sorted(known - {route for route, _pattern in all_routes()}) == []


def _url(route: str, spec: Scoped, value, slug: str | None = None) -> str:
    path = route
    for converter in ("slug", "int", "str"):
        path = path.replace(f"<{converter}:{spec.kwarg}>", str(value))
    if spec.in_debate:
        path = path.replace("<slug:slug>", slug or MISSING_SLUG)
    assert "<" not in path, path
    return "/" + path


def _ask(client, method: str, url: str, spec: Scoped, side: Side, *, api: bool):
    kwargs = {"HTTP_IF_MATCH": "*"}
    if method in ("head", "options"):
        return getattr(client, method)(url, **kwargs)
    if method in ("post", "put", "patch"):
        body = spec.body(side)
        if api and spec.multipart:
            kwargs["format"] = "multipart"
        elif api:
            kwargs["format"] = "json"
        return getattr(client, method)(url, body, **kwargs)
    return getattr(client, method)(url, **kwargs)


_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _answer(response, url: str, value) -> tuple:
    """Return what a response tells of the object it was asked for, with its id taken out.

    The body is kept byte for byte but for three things that differ between any two requests
    and tell nothing of the object: the path asked for; the id or slug the caller wrote in it,
    where a message echoes it in Django's quotes (the admin's message that the object "with
    ID “7”" does not exist; a bare number is left alone, as small ids occur in the SVG paths of
    any admin page); and the CSRF token of a form, masked afresh for every response. Nothing
    else: the pages carry no CSP nonce, so anything else that differs is what the test is for.
    """
    body = response.content.decode()
    body = body.replace(url, "<url>").replace(f"“{value}”", "“<id>”")
    body = _CSRF_FIELD.sub('name="csrfmiddlewaretoken" value="<token>"', body)
    return response.status_code, response.get("Content-Type"), response.get("Allow"), body


def _matrix(world: TwoDebates, routes: dict, *, api: bool) -> list[str]:
    """Ask every route with every method as every alpha role; return what went wrong."""
    patterns = dict(all_routes())
    alpha, bravo = world.alpha, world.bravo
    clients = {
        role: (world.api if api else world.browser)(alpha.user(role)) for role in ALPHA_ROLES
    }
    before = database_state()
    problems = []
    for route, spec in routes.items():
        supported = supported_methods(patterns[route])
        foreign_url = _url(route, spec, spec.value(bravo), bravo.debate.slug)
        missing_url = _url(route, spec, spec.missing())
        for method in (*METHODS, "head", "options"):
            missing = _ask(clients["annotator"], method, missing_url, spec, bravo, api=api)
            if method == "options":
                # OPTIONS describes the route, not the object: exactly as for a missing one.
                expected = missing.status_code
            else:
                handles = method in supported or (method == "head" and "get" in supported)
                expected = 404 if handles else missing.status_code
                if expected not in (404, 405):
                    problems.append(f"{method.upper()} {missing_url}: {missing.status_code}")
            # HEAD and OPTIONS take the path of GET and of no method: two roles tell enough.
            asking = (
                clients.items()
                if method in METHODS
                else [(role, clients[role]) for role in ("annotator", "manager")]
            )
            for role, client in asking:
                # The missing id asked by the same user, since a page names who is signed in.
                theirs = (
                    missing
                    if role == "annotator"
                    else _ask(client, method, missing_url, spec, bravo, api=api)
                )
                like_missing = _answer(theirs, missing_url, spec.missing())
                response = _ask(client, method, foreign_url, spec, bravo, api=api)
                if response.status_code != expected:
                    problems.append(
                        f"{method.upper()} {foreign_url} as alpha {role}: "
                        f"{response.status_code}, expected {expected}"
                    )
                elif (seen := _answer(response, foreign_url, spec.value(bravo))) != like_missing:
                    problems.append(
                        f"{method.upper()} {foreign_url} as alpha {role}: {seen} "
                        f"but for a missing id {like_missing}"
                    )
    problems += [f"{table} changed" for table in changed_tables(before, database_state())]
    return problems


def _reaches_own(world: TwoDebates, routes: dict, *, api: bool) -> list[str]:
    """Return the routes no alpha role reaches alpha's own object through (they must all).

    Reads, and writes that every role but one is refused before anything is written, prove
    the 404s above come from the debate check, not from a broken route.
    """
    patterns = dict(all_routes())
    alpha = world.alpha
    unreached = []
    for route, spec in routes.items():
        method = "get" if "get" in supported_methods(patterns[route]) else "post"
        url = _url(route, spec, spec.value(alpha), alpha.debate.slug)
        role = "researcher" if method == "post" else None  # refused (403), so nothing written
        statuses = {
            who: _ask(
                (world.api if api else world.browser)(alpha.user(who)),
                method,
                url,
                spec,
                alpha,
                api=api,
            ).status_code
            for who in ([role] if role else ALPHA_ROLES)
        }
        if all(status == 404 for status in statuses.values()):
            unreached.append(f"{method.upper()} {url}: {statuses}")
    return unreached


def test_api_answers_404_for_every_object_of_another_debate(world):
    assert _matrix(world, API, api=True) == []
    assert _reaches_own(world, API, api=True) == []


def test_pages_answer_404_for_every_object_of_another_debate(world):
    assert _matrix(world, PAGES, api=False) == []
    assert _reaches_own(world, PAGES, api=False) == []


def test_lists_of_everything_show_nothing_of_another_debate(world):
    seen = {}
    for role in ROLES:
        user = world.alpha.user(role)
        api = world.api(user).get(GLOBAL_LISTS["api/v1/debates/"])
        page = world.browser(user).get(GLOBAL_LISTS[""]).content.decode()
        seen[role] = (
            api.status_code,
            [debate["slug"] for debate in api.json()["results"]],
            "/d/alpha/" in page,
            "bravo" in page,
        )

    assert seen == {role: (200, ["alpha"], True, False) for role in ROLES}


# --- Within a debate: another annotator's layer ----------------------------------------------
def test_an_annotator_reaches_nothing_of_another_annotators_layer_or_unfinished_gold(world):
    alpha = world.alpha
    other = alpha.user("annotator2")
    theirs = _tag_span(alpha.open_doc, other, "NSPCC")
    their_target = _tag_span(alpha.open_doc, other, "Tech firms")
    their_relation = relation_create(
        document=alpha.open_doc, by=other, source=theirs, target=their_target, type="supports"
    )
    review_gold = Span.objects.filter(document=alpha.review_doc, annotator__isnull=True).first()
    client = world.api(alpha.user("annotator"))
    before = database_state()

    hidden = {
        f"/api/v1/spans/{theirs.pk}/": ("get", "patch", "delete"),
        f"/api/v1/spans/{theirs.pk}/history/": ("get",),
        f"/api/v1/relations/{their_relation.pk}/": ("get", "delete"),
        f"/api/v1/relations/{their_relation.pk}/history/": ("get",),
        # Gold of a document still in review: not for annotators, even those who submitted.
        f"/api/v1/spans/{review_gold.pk}/": ("get", "patch", "delete"),
        f"/api/v1/spans/{review_gold.pk}/history/": ("get",),
    }
    statuses = {
        (method, url): getattr(client, method)(
            url, {"note": "x"} if method == "patch" else None, format="json", HTTP_IF_MATCH="*"
        ).status_code
        for url, methods in hidden.items()
        for method in methods
    }
    lists = {
        layer: [
            item["id"]
            for kind in ("spans", "relations")
            for item in client.get(f"/api/v1/documents/{doc.pk}/{kind}/", {"layer": layer}).json()[
                "results"
            ]
        ]
        for layer, doc in (
            ("alpha-annotator2", alpha.open_doc),
            ("all", alpha.open_doc),
            ("gold", alpha.review_doc),
        )
    }
    linked = client.post(
        f"/api/v1/documents/{alpha.open_doc.pk}/relations/",
        {"source": alpha.span.pk, "target": theirs.pk, "type": "attacks"},
        format="json",
    )

    assert set(statuses.values()) == {404}, statuses
    assert lists == {
        "alpha-annotator2": [],
        "all": [alpha.span.pk, alpha.premise.pk, alpha.relation.pk],  # spans in text order
        "gold": [],
    }
    assert (linked.status_code, list(linked.json())) == (400, ["target"])
    assert changed_tables(before, database_state()) == []
    # Once adjudicated, the gold of a document they submitted opens to them (the control).
    gold = client.get(f"/api/v1/documents/{alpha.gold_doc.pk}/spans/", {"layer": "gold"})
    assert alpha.gold_span.pk in [item["id"] for item in gold.json()["results"]]


def _tag_span(document, annotator, needle: str):
    start = document.text.index(needle)
    data = SpanInput(start=start, end=start + len(needle), quote=needle, stance="pro", role="claim")
    return span_create(document=document, annotator=annotator, by=annotator, data=data).span


# --- Writes that point at another debate's objects -------------------------------------------
def test_writes_cannot_point_at_objects_of_another_debate(world):
    alpha, bravo = world.alpha, world.bravo
    annotator = world.api(alpha.user("annotator"))
    reviewer = world.api(alpha.user("reviewer"))
    manager = world.api(alpha.user("manager"))
    researcher = world.api(alpha.user("researcher"))
    review_url = f"/api/v1/documents/{alpha.review_doc.pk}/review/decisions/"
    units = reviewer.get(f"/api/v1/documents/{alpha.review_doc.pk}/review/").json()["units"]
    before = database_state()

    attempts = {
        "actor": annotator.post(
            f"/api/v1/documents/{alpha.open_doc.pk}/spans/",
            {**_span_body(alpha), "actor": bravo.actor.pk},
            format="json",
        ),
        "actor (change)": annotator.patch(
            f"/api/v1/spans/{alpha.span.pk}/",
            {"actor": bravo.actor.pk},
            format="json",
            HTTP_IF_MATCH="*",
        ),
        "source": annotator.post(
            f"/api/v1/documents/{alpha.open_doc.pk}/relations/",
            {"source": bravo.premise.pk, "target": alpha.span.pk, "type": "supports"},
            format="json",
        ),
        "target": annotator.post(
            f"/api/v1/documents/{alpha.open_doc.pk}/relations/",
            {"source": alpha.premise.pk, "target": bravo.span.pk, "type": "attacks"},
            format="json",
        ),
        "span": reviewer.post(
            review_url,
            {"action": "accept", "unit": units[0]["key"], "span": bravo.span.pk},
            format="json",
            HTTP_IF_MATCH="*",
        ),
        "sources": reviewer.post(
            review_url,
            {
                **_span_body(alpha, alpha.review_doc),
                "action": "edit",
                "unit": units[0]["key"],
                "sources": [bravo.span.pk],
            },
            format="json",
            HTTP_IF_MATCH="*",
        ),
        "source (gold)": reviewer.post(
            review_url,
            {
                "action": "link",
                "source": bravo.gold_span.pk,
                "target": units[0]["gold"]["id"],
                "type": "supports",
            },
            format="json",
            HTTP_IF_MATCH="*",
        ),
        "relation": reviewer.post(
            review_url,
            {"action": "unlink", "relation": bravo.gold_relation.pk},
            format="json",
            HTTP_IF_MATCH="*",
        ),
        "annotator": manager.post(
            f"/api/v1/documents/{alpha.open_doc.pk}/assignments/",
            {"annotator": bravo.user("annotator").username},
            format="json",
        ),
        "annotators": manager.post(
            "/api/v1/debates/alpha/assignments/spread/",
            {"annotators": [bravo.user("annotator").username]},
            format="json",
        ),
        "documents": researcher.get(
            f"/api/v1/debates/alpha/export/spans/?documents={bravo.open_doc.pk}"
        ),
        "layer": researcher.get(
            f"/api/v1/debates/alpha/export/spans/?layer={bravo.user('annotator').username}"
        ),
        "layer (import)": manager.post(
            "/api/v1/debates/alpha/import/spans/",
            {**_jsonl_upload(alpha), "layer": bravo.user("annotator").username},
            format="multipart",
        ),
    }

    answers = {name: (r.status_code, sorted(r.json())) for name, r in attempts.items()}
    assert answers == {name: (400, [name.split(" ")[0]]) for name in attempts}
    assert changed_tables(before, database_state()) == []


# --- Admin ----------------------------------------------------------------------------------
def _admin_object(world: TwoDebates, model):
    """Return bravo's object of a model the admin shows, or None when bravo has none."""
    from annotations.models import Assignment, Relation, RelationEvent, Span, SpanEvent
    from debate.models import Actor, Debate, Document, Membership

    bravo = world.bravo
    return {
        RelationEvent: RelationEvent.objects.filter(document__debate=bravo.debate).first(),
        Debate: bravo.debate,
        Actor: bravo.actor,
        Document: bravo.open_doc,
        Membership: bravo.debate.memberships.first(),
        Span: bravo.span,
        Relation: bravo.relation,
        Assignment: bravo.open_doc.assignments.first(),
        SpanEvent: SpanEvent.objects.filter(document__debate=bravo.debate).first(),
    }.get(model)


def test_every_admin_route_is_classified():
    scoped = {m for m, a in site._registry.items() if isinstance(a, ManagedDebateAdmin)}
    superuser_only = {m for m, a in site._registry.items() if not isinstance(a, ManagedDebateAdmin)}
    labels = {f"{m._meta.app_label}.{m._meta.model_name}" for m in superuser_only}
    # Django's, django-axes' and the accounts' own models: no debate data, superusers only.
    assert labels == {
        "auth.user",
        "auth.group",
        "accounts.apitoken",
        "accounts.oidcidentity",
        "axes.accessattempt",
        "axes.accesslog",
        "axes.accessfailurelog",
    }
    assert {m._meta.label for m in scoped} == {
        "debate.Debate",
        "debate.Actor",
        "debate.Document",
        "debate.Membership",
        "annotations.Span",
        "annotations.Relation",
        "annotations.Assignment",
        "annotations.SpanEvent",
        "annotations.RelationEvent",
    }
    model_routes = {
        route
        for route, _pattern in all_routes()
        if route.startswith(ADMIN_PREFIX)
        and any(
            route.startswith(f"admin/{m._meta.app_label}/{m._meta.model_name}/")
            for m in site._registry
        )
    }
    site_routes = {
        route for route, _ in all_routes() if route.startswith(ADMIN_PREFIX)
    } - model_routes
    assert site_routes == {
        "admin/",
        "admin/login/",
        "admin/logout/",
        "admin/password_change/",
        "admin/password_change/done/",
        "admin/autocomplete/",
        "admin/jsi18n/",
        "admin/r/<path:content_type_id>/<path:object_id>/",
        "admin/^(?P<app_label>auth|axes|accounts|debate|annotations)/$",
        "admin/(?P<url>.*)$",
    }


def _admin_answer(client, method: str, url: str, args: tuple, pk) -> tuple:
    """Return the admin's answer to a request, and the page its redirect leads to, if any.

    The admin sends a missing object to its index with a message that names the id; following
    the redirect renders (and so uses up) the message, and the page is compared with the id
    and the CSRF token taken out (``_answer``), so the message and the page must match too.
    """
    response = getattr(client, method)(url, *args, follow=True)
    chain = [(location, status) for location, status in response.redirect_chain]
    first = chain[0][1] if chain else response.status_code
    return (first, chain), _answer(response, url, pk)


def _difference(seen: tuple, like_missing: tuple) -> str:
    """Return the statuses of two admin answers and the first line where their pages differ."""
    pairs = zip(seen[1][3].splitlines(), like_missing[1][3].splitlines(), strict=False)
    line = next((pair for pair in pairs if pair[0] != pair[1]), None)
    return f"{seen[0]}, {seen[1][:3]} vs {like_missing[0]}, {like_missing[1][:3]}; {line}"


def test_admin_answers_another_debates_objects_as_missing_ones(world):
    client = world.browser(world.alpha.user("manager"))
    # Users are not of one debate (a manager adds any of them), so only bravo's own rows count.
    bravo_rows = [
        world.bravo.debate.title,
        world.bravo.open_doc.title,
        world.bravo.actor.name,
        f"{world.bravo.user('annotator').username}:",  # how a span of their layer is named
    ]
    before = database_state()
    problems = []
    for model, model_admin in site._registry.items():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        obj = _admin_object(world, model)
        if not isinstance(model_admin, ManagedDebateAdmin):
            # Superusers only: the manager is refused the list and the add form.
            for url in (base, base + "add/"):
                if (status := client.get(url).status_code) != 403:
                    problems.append(f"GET {url}: {status}, expected 403")
            continue
        assert obj is not None, f"name bravo's {model._meta.label} in _admin_object"
        for view, posted in (("change", {}), ("history", None), ("delete", {"post": "yes"})):
            foreign_url = f"{base}{obj.pk}/{view}/"
            missing_url = f"{base}{MISSING_ID}/{view}/"
            for method, data in (("get", None), ("post", posted)):
                if method == "post" and posted is None:
                    continue
                args = (data,) if data is not None else ()
                seen = _admin_answer(client, method, foreign_url, args, obj.pk)
                like_missing = _admin_answer(client, method, missing_url, args, MISSING_ID)
                if seen != like_missing or seen[0][0] not in (302, 403):
                    problems.append(
                        f"{method.upper()} {foreign_url}: {_difference(seen, like_missing)}"
                    )
        listing = client.get(base)
        if listing.status_code != 200 or "bravo" in listing.content.decode().lower():
            problems.append(f"GET {base}: {listing.status_code} or shows bravo")
        adding = client.get(base + "add/")
        offered = [row for row in bravo_rows if row in adding.content.decode()]
        if adding.status_code not in (200, 403) or offered:
            problems.append(f"GET {base}add/: {adding.status_code}, offers {offered}")
    # Shortcut links of the admin ("view on site") for bravo's span: like a missing one.
    from django.contrib.contenttypes.models import ContentType

    span_type = ContentType.objects.get_for_model(type(world.bravo.span))
    shortcuts = {
        pk: _answer(client.get(url := f"/admin/r/{span_type.pk}/{pk}/"), url, pk)
        for pk in (world.bravo.span.pk, MISSING_ID)
    }
    if shortcuts[world.bravo.span.pk] != shortcuts[MISSING_ID] or shortcuts[MISSING_ID][0] != 404:
        problems.append(f"GET /admin/r/{span_type.pk}/: {shortcuts}")

    assert problems == []
    assert changed_tables(before, database_state()) == []
