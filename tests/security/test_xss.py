"""Stored XSS: payloads in every field users can write render as text on every page.

One debate is built with a payload in every text field its members and managers write:
debate title and proposition, document titles, sources, URLs and texts, actor names,
affiliations and aliases, span notes and quotes, the labels *and keys* of the label scheme,
and the annotators' usernames. Each role signs in once in Chromium and visits every page that
shows them (and the admin, for the manager); a test fails on any dialog, script error or CSP
violation, on any element that carries an event-handler attribute or a ``javascript:`` link,
on any script the site did not write, and when the payload is not there, literally, as text.

The Content-Security-Policy of every route the resolver knows is checked too: scripts from
this site only, with the Swagger UI and Redoc pages' one documented exception (inline styles
and blob workers, which those two pages need and which run no script).
"""

import io
import re
import zipfile
from urllib.parse import quote

import pytest
from django.test import Client
from playwright.sync_api import Page

from annotations.models import SpanEvent
from debate.models import Debate, Document
from tests.factories import PASSWORD, UserFactory
from tests.scenes import build_side
from tests.security.routes import all_routes, fill, supported_methods

XSS = (
    '<img src=x onerror=alert(1)>"><script>alert(2)</script></script><svg onload=alert(3)>'
    "' onfocus='alert(4)' autofocus x='{{7*7}}${alert(5)}javascript:alert(6)"
)
USERNAMES = {
    "annotator": '"><img src=x onerror=alert(8)>',
    "annotator2": "<svg onload=alert(9)>{{7*7}}",
}


def words(field: str) -> str:
    return f"{field} {XSS}"


def xss_scheme() -> dict:
    return {
        "stances": [
            {
                "key": "<img src=x onerror=alert(10)>",
                "label": words("pro stance"),
                "side": "pro",
                "color": "</style><script>alert(11)</script>",
            },
            {
                "key": '"><svg onload=alert(12)>',
                "label": words("contra stance"),
                "side": "contra",
                "color": 'red" onmouseover="alert(13)',
            },
            {"key": "neutral", "label": words("neutral stance"), "side": "neutral"},
        ],
        "roles": [
            {"key": "claim", "label": words("claim role")},
            {"key": "</script><svg onload=alert(14)>", "label": words("premise role")},
        ],
        "relation_types": [
            {"key": "' onfocus='alert(15)' x='", "label": words("supports"), "polarity": "support"},
            {"key": "attacks", "label": words("attacks"), "polarity": "attack"},
        ],
    }


@pytest.fixture
def side(transactional_db):
    side = build_side(
        "alpha",
        words=words,
        scheme=xss_scheme(),
        usernames=USERNAMES,
        claim_line=f"Tech firms say a backdoor {XSS} would make services less secure for all.",
    )
    # A URL the forms would refuse, as an import or a database edit could leave it.
    Document.objects.filter(pk=side.open_doc.pk).update(url="javascript:alert(7)")
    return side


# --- What a page must not do, and what it must show ------------------------------------------
DOM_PROBLEMS_JS = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) bad.push(`${el.tagName} has ${name}="${attr.value}"`);
      const url = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(name);
      // data: URLs are images (img-src allows them) or the empty favicon, nothing that runs.
      const runs = el.matches('img, link[rel=icon]') ? /^[\\s\\0-\\x1f]*(javascript|vbscript):/i
        : /^[\\s\\0-\\x1f]*(javascript|vbscript|data):/i;
      if (url && runs.test(attr.value)) bad.push(`${el.tagName} ${name}="${attr.value}"`);
    }
  }
  for (const script of document.querySelectorAll('script')) {
    const ours = script.src
      ? new URL(script.src).origin === location.origin
      : script.type === 'application/json';
    if (!ours) bad.push(`script ${script.src || script.textContent.slice(0, 80)}`);
  }
  for (const tag of ['iframe', 'object', 'embed', 'base', 'meta[http-equiv]']) {
    for (const el of document.querySelectorAll(tag)) bad.push(`<${tag}> in the page`);
  }
  return bad;
}"""
# The page's text as a reader gets it: text nodes (scripts and styles left out) and the
# values of form fields, where the admin shows what it edits.
TEXT_JS = """() => {
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    if (!node.parentElement.closest('script, style, template')) parts.push(node.data);
  }
  for (const field of document.querySelectorAll('input, textarea')) parts.push(field.value);
  return parts.join('');
}"""


class Visitor:
    """One signed-in browser page that records everything that goes wrong on the pages it visits."""

    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.problems: list[str] = []
        self.visited: list[str] = []
        self.current = ""
        page.on("pageerror", self._error)
        page.on("console", self._console)
        page.on("response", self._response)

    def _error(self, error) -> None:
        # A fetch cut short by leaving the page is the browser's doing, not the page's.
        if "Failed to fetch" not in str(error):
            self.problems.append(f"{self.current}: {error}")

    def _console(self, message) -> None:
        # A payload the policy stopped is still a payload the page let in.
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.problems.append(f"{self.current}: {message.text}")

    def _response(self, response) -> None:
        # Anything the page fetched that failed, but the favicon the admin does not name.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.problems.append(f"{self.current}: {response.status} for {response.url}")

    def visit(self, path: str, shows: list[str], ready: str | None = None, then=None) -> None:
        self.current = path
        response = self.page.goto(self.base_url + path)
        self.visited.append(path)
        if response is None or response.status != 200:
            self.problems.append(f"{path}: {response and response.status}")
            return
        if ready:
            self.page.wait_for_selector(ready)
        if then:
            then(self.page)
        self.problems += [f"{path}: {problem}" for problem in self.page.evaluate(DOM_PROBLEMS_JS)]
        text = self.page.evaluate(TEXT_JS)
        for expected in shows:
            if expected not in text:
                self.problems.append(f"{path}: does not show {expected[:40]!r}")


APP_READY = "body[data-ready=true]"
OPEN_DETAILS_JS = """() => {
  const closed = [...document.querySelectorAll('details:not([open])')];
  closed.forEach((details) => { details.open = true; });
  return closed.length;
}"""


def open_every_card(page: Page) -> None:
    """Open every argument card of the map, and the cards their bodies reveal."""
    for _round in range(5):
        if not page.evaluate(OPEN_DETAILS_JS):
            return
        page.wait_for_timeout(50)  # the toggle events build the bodies
    raise AssertionError("argument cards keep appearing")


# A file name in an upload is written by whoever made the zip: the report shows it as text.
UPLOADED_NAME = "<img src=x onerror=alert(14)>.pdf"


def upload_a_zip_with_a_payload_name(page: Page, held_text: str) -> None:
    """Upload a file with a payload name, and a text the debate holds (so the answer is 200)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(UPLOADED_NAME, b"%PDF-1.4")
        archive.writestr("held.txt", held_text)
    page.locator("#documents-files").set_input_files(
        {"name": f"{XSS[:30]}.zip", "mimeType": "application/zip", "buffer": buffer.getvalue()}
    )
    page.locator("#documents-submit").click()
    page.wait_for_selector("#documents-report:not([hidden])")


def check(visitor: Visitor, page: Page) -> None:
    assert visitor.problems == [], "\n".join(visitor.problems)
    assert page.dialogs == []


# --- Chromium, one sign-in per role ----------------------------------------------------------
@pytest.mark.browser
def test_the_manager_sees_every_payload_as_text_on_the_pages_and_in_the_admin(
    live_server, page, login, side, artifacts
):
    login(page, "alpha-manager", PASSWORD)
    visitor = Visitor(page, live_server.url)
    names = list(USERNAMES.values())
    visitor.visit("/", [words("debate title")])
    visitor.visit(
        "/d/alpha/",
        [
            words("debate title"),
            words("proposition"),
            words("open document title"),
            words("open document source"),
            words("actor name"),
            words("actor affiliation"),
        ],
    )
    visitor.visit(
        "/d/alpha/review/",
        [
            words("review document title"),
            words("review document source"),
            words("gold document title"),
        ],
    )
    visitor.visit(
        f"/documents/{side.review_doc.pk}/review/",
        [words("review document title"), words("review document text"), *names],
        ready=APP_READY,
    )
    visitor.visit(
        "/d/alpha/dashboard/",
        [words("debate title"), words("open document title"), *names],
        ready=APP_READY,
    )
    visitor.visit("/d/alpha/assign/", [words("open document title"), *names])
    visitor.visit("/d/alpha/members/", [words("debate title"), *names], ready=APP_READY)
    visitor.visit(
        "/d/alpha/import/",
        [words("debate title"), *names, f"{XSS[:30]}.zip", UPLOADED_NAME],
        ready=APP_READY,
        then=lambda page: upload_a_zip_with_a_payload_name(page, side.open_doc.text),
    )
    visitor.visit(
        f"/documents/{side.gold_doc.pk}/gold/",
        [words("gold document title"), XSS, words("actor name")],
    )
    visitor.visit(
        "/d/alpha/map/",
        [words("proposition"), words("actor name"), words("gold document title"), XSS],
        ready=APP_READY,
        then=open_every_card,
    )
    page.screenshot(path=str(artifacts / "security-xss-map.png"), full_page=True)
    # The admin: every changelist, and the change form of each kind of object.
    visitor.visit("/admin/", [])
    visitor.visit("/admin/debate/debate/", [words("debate title")])
    visitor.visit("/admin/debate/actor/", [words("actor name"), words("actor affiliation")])
    visitor.visit("/admin/debate/document/", [words("open document title")])
    visitor.visit("/admin/debate/membership/", names)
    visitor.visit("/admin/annotations/span/", [names[0], xss_scheme()["stances"][1]["key"]])
    visitor.visit("/admin/annotations/relation/", [xss_scheme()["relation_types"][0]["key"]])
    visitor.visit("/admin/annotations/assignment/", [names[0], words("open document title")])
    visitor.visit("/admin/annotations/spanevent/", [names[0]])
    visitor.visit(
        f"/admin/debate/debate/{side.debate.pk}/change/",
        [words("debate title"), words("proposition"), words("actor name")],
    )
    visitor.visit(
        f"/admin/debate/actor/{side.actor.pk}/change/",
        # The aliases field shows its JSON, where the payload's quotes are escaped.
        [words("actor name"), words("actor affiliation"), "actor alias " + XSS.split('"')[0]],
    )
    visitor.visit(
        f"/admin/debate/document/{side.open_doc.pk}/change/",
        [words("open document title"), words("open document source"), "javascript:alert(7)"],
    )
    visitor.visit(f"/admin/annotations/span/{side.span.pk}/change/", [words("span note"), XSS])
    visitor.visit(f"/admin/annotations/relation/{side.relation.pk}/change/", [])
    event = SpanEvent.objects.filter(span_pk=side.span.pk).first()
    visitor.visit(f"/admin/annotations/spanevent/{event.pk}/change/", [])

    check(visitor, page)


@pytest.mark.browser
def test_the_annotator_sees_every_payload_as_text(live_server, page, login, side, artifacts):
    # The map page too: this debate lets its annotators read the map.
    Debate.objects.filter(pk=side.debate.pk).update(annotators_see_maps=True)
    login(page, USERNAMES["annotator"], PASSWORD)
    visitor = Visitor(page, live_server.url)

    def select_first_span(page: Page) -> None:
        page.locator("#span-list .span-item").first.click()
        page.wait_for_selector("#span-detail p")

    visitor.visit("/", [USERNAMES["annotator"], words("debate title")])
    visitor.visit("/d/alpha/", [words("open document title"), words("gold document title")])
    visitor.visit(
        f"/documents/{side.open_doc.pk}/annotate/",
        [
            words("open document title"),
            words("open document source"),
            words("open document text"),
            XSS,  # in the claim's quote
            words("span note"),
            words("actor name"),
            words("pro stance"),
            words("contra stance"),
            words("claim role"),
            words("premise role"),
        ],
        ready=APP_READY,
        then=select_first_span,
    )
    page.screenshot(path=str(artifacts / "security-xss-annotate.png"), full_page=True)
    visitor.visit(
        f"/documents/{side.gold_doc.pk}/gold/",
        [words("gold document title"), XSS, words("actor name")],
    )
    visitor.visit("/d/alpha/map/", [words("proposition"), XSS], ready=APP_READY)

    check(visitor, page)


@pytest.mark.browser
def test_the_reviewer_and_the_researcher_see_every_payload_as_text(
    live_server, page, login, side, browser
):
    login(page, "alpha-reviewer", PASSWORD)
    visitor = Visitor(page, live_server.url)
    visitor.visit(
        f"/documents/{side.review_doc.pk}/review/",
        [
            words("review document text"),
            words("actor name"),
            words("contra stance"),
            words("premise role"),
            words("supports"),
            *USERNAMES.values(),
        ],
        ready=APP_READY,
    )
    visitor.visit("/d/alpha/review/", [words("review document title")])
    check(visitor, page)

    context = browser.new_context()
    researcher = context.new_page()
    dialogs: list[str] = []
    researcher.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    researcher.dialogs = dialogs
    login(researcher, "alpha-researcher", PASSWORD)
    visitor = Visitor(researcher, live_server.url)
    visitor.visit("/d/alpha/dashboard/", [words("gold document title"), *USERNAMES.values()])
    visitor.visit(
        f"/documents/{side.open_doc.pk}/annotate/", [words("open document text")], ready=APP_READY
    )
    visitor.visit(
        "/d/alpha/map/",
        [words("actor name"), words("gold document title"), XSS],
        ready=APP_READY,
        then=open_every_card,
    )
    check(visitor, researcher)
    context.close()


# --- Content-Security-Policy on every route --------------------------------------------------
STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
# Swagger UI and Redoc inject <style> elements and Redoc searches in a blob worker; they show
# the schema, never user data (core/views.py). Their scripts are still this site's only.
DOCS = {**STRICT, "style-src": "'self' 'unsafe-inline'", "worker-src": "'self' blob:"}
DOCS_ROUTES = {"api/docs/", "api/redoc/"}


def policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.django_db
def test_every_route_answers_with_a_policy_that_runs_only_this_sites_scripts(fresh_world):
    world = fresh_world
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    problems = []
    for route, pattern in all_routes():
        url = fill(route, world.alpha)
        if "get" not in supported_methods(pattern):
            response = client.post(url, {})
        else:
            response = client.get(url)
        expected = DOCS if route in DOCS_ROUTES else STRICT
        if "Content-Security-Policy" not in response.headers:
            problems.append(f"{url}: {response.status_code} without a policy")
        elif policy(response) != expected:
            problems.append(f"{url}: {policy(response)}")
    # And the answers that are not pages of a route: errors, refusals, the login.
    extra = [
        Client().get("/login/"),
        Client().get("/d/alpha/"),  # the redirect to log in
        client.get("/no/such/page/"),
        client.get("/api/v1/no/such/path/"),
        Client(enforce_csrf_checks=True).post("/login/", {}),  # the CSRF failure page
        Client().get("/", HTTP_HOST="evil.com"),  # DisallowedHost: 400
    ]
    for response in extra:
        if response.get("Content-Security-Policy") is None or policy(response) != STRICT:
            problems.append(f"{response.status_code} {response.get('Content-Type')}: no policy")

    assert problems == []


@pytest.mark.django_db
def test_the_docs_pages_run_no_inline_script(client):
    for url in sorted(DOCS_ROUTES):
        html = client.get(f"/{url}").content.decode()
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
        assert scripts, url
        assert [attrs for attrs, body in scripts if "src=" not in attrs or body.strip()] == []


# --- Reflected: what a link can carry in its query ---------------------------------------------
@pytest.mark.browser
def test_payloads_in_links_run_nothing_and_fetch_nothing_elsewhere(live_server, page, login, side):
    login(page, "alpha-manager", PASSWORD)
    visitor = Visitor(page, live_server.url)
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url)
            if not request.url.startswith((live_server.url, "data:", "blob:"))
            else None
        ),
    )
    payload = quote(XSS, safe="")
    evil = quote("https://evil.example/openapi.yaml", safe="")
    visitor.visit(f"/d/alpha/?x={payload}&next={payload}", [words("debate title")])
    visitor.visit(
        f"/documents/{side.open_doc.pk}/annotate/?highlight={payload}",
        [words("open document text")],
        ready=APP_READY,
    )
    visitor.visit(
        f"/d/alpha/map/?actor={payload}#{payload}", [words("proposition")], ready=APP_READY
    )
    visitor.visit(f"/admin/debate/document/?q={payload}", [XSS])  # the search box keeps it
    # Swagger UI reads no configuration from its URL; Redoc takes none either.
    visitor.visit(
        f"/api/docs/?lang={payload}&url={evil}&configUrl={evil}&version={payload}",
        [],
        ready="#swagger-ui .info",
    )
    visitor.visit(
        f"/api/redoc/?lang={payload}&version={payload}", [], ready="#redoc-container *, redoc *"
    )
    anonymous = page.context.browser.new_context().new_page()
    anonymous.on("dialog", lambda dialog: visitor.problems.append(f"dialog {dialog.message}"))
    anonymous.goto(f"{live_server.url}/login/?next={payload}")
    visitor.problems += [f"/login/: {p}" for p in anonymous.evaluate(DOM_PROBLEMS_JS)]
    anonymous.context.close()

    assert visitor.problems == [], "\n".join(visitor.problems)
    assert elsewhere == []
    assert page.dialogs == []
