"""Open redirects: no ``next``, path or Host header sends a browser off the site.

Every way the site redirects is tried with URLs that leave it (scheme-relative, absolute,
backslashes, ``javascript:``, control characters, user-info tricks, encoded forms): those
answer with the site's own default, and every redirect at all stays on this host, judged the
way a browser reads a ``Location``.
"""

import re
from urllib.parse import quote

import pytest
from django.test import Client

from debate.models import Role
from tests.factories import PASSWORD, DebateFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HOST = "testserver"
EVIL = [
    "//evil.com",
    "///evil.com",
    "////evil.com/",
    "https://evil.com",
    "http://evil.com/d/alpha/",
    "https:evil.com",
    "https:/evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "/\\/evil.com",
    "\\/\\/evil.com",
    " //evil.com",
    "\t//evil.com",
    "\n//evil.com",
    "//evil.com%00",
    "/%09/evil.com",  # the one local path of the list: the tab stays encoded in the path
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "java\nscript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://testserver@evil.com",
    "http://evil.com#@testserver",
    "http://evil.com\\@testserver/",
    "//testserver.evil.com",
    "https://evil.com/%2F..",
    "//evil%E3%80%82com",
]
# The same, percent-encoded once more, as a link in an email may carry them.
ENCODED = [quote(url, safe="") for url in EVIL]
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def stays_here(location: str) -> bool:
    """Return whether a browser following ``location`` from a page of this site stays on it.

    Follows the WHATWG URL parser where it matters: surrounding spaces and controls are
    dropped, tabs and newlines anywhere are removed, backslashes count as slashes, any number
    of slashes starts a host, and ``https:host`` (another scheme) needs no slashes at all.
    """
    url = re.sub(r"[\t\n\r]", "", location.strip("".join(map(chr, range(33)))))
    url = url.replace("\\", "/")
    scheme = _SCHEME.match(url)
    if scheme:
        name, rest = scheme.group()[:-1].lower(), url[scheme.end() :]
        if name not in ("http", "https"):
            return False  # javascript:, data:, ...
        if name == "http" and not rest.startswith("//"):
            return True  # the page's own scheme and no host: a relative path
        url = "//" + rest.lstrip("/")
    if not url.startswith("//"):
        return True
    authority = re.split(r"[/?#]", url.lstrip("/"), maxsplit=1)[0]
    return authority.rsplit("@", 1)[-1] == HOST


def test_the_judge_knows_an_escape_when_it_sees_one():
    assert stays_here("/d/alpha/")
    assert stays_here("%2F%2Fevil.com")  # a relative path
    assert stays_here("http://testserver/d/alpha/")
    assert stays_here("http:d/alpha/")
    assert not stays_here("//evil.com")
    assert not stays_here("https://evil.com")
    assert not stays_here("javascript:alert(1)")
    assert [target for target in EVIL if stays_here(target)] == ["/%09/evil.com"]
    assert [target for target in ENCODED if not stays_here(target)] == []


class People:
    def __init__(self):
        # Names of their own, so the module's two-debate world may sit beside them.
        debate = DebateFactory(slug="gamma")
        self.annotator = UserFactory(username="gamma-annotator")
        self.manager = UserFactory(username="gamma-manager", is_staff=True)
        MembershipFactory(debate=debate, user=self.annotator, role=Role.ANNOTATOR)
        MembershipFactory(debate=debate, user=self.manager, role=Role.MANAGER)


@pytest.fixture
def people(db) -> People:
    return People()


@pytest.mark.parametrize("target", EVIL + ENCODED)
def test_login_next_never_leaves_the_site(people, target):
    client = Client()
    form = client.get("/login/", {"next": target})
    assert form.status_code == 200
    # The form carries only a local target on to the login (and escapes it in the page).
    assert form.context["next"] == (target if stays_here(target) else "")

    response = client.post(
        "/login/", {"username": "gamma-annotator", "password": PASSWORD, "next": target}
    )

    assert response.status_code == 302
    assert stays_here(response.headers["Location"])
    if not stays_here(target):
        assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", EVIL)
def test_signed_in_users_visiting_login_are_not_sent_off_the_site(people, target):
    client = Client()
    client.force_login(people.annotator)

    response = client.get("/login/", {"next": target})

    assert response.status_code == 302
    assert stays_here(response.headers["Location"])
    if not stays_here(target):
        assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", EVIL)
@pytest.mark.parametrize("how", ["query", "form"])
def test_logout_next_never_leaves_the_site(people, target, how):
    client = Client()
    client.force_login(people.annotator)

    if how == "query":
        response = client.post(f"/logout/?next={quote(target, safe='')}")
    else:
        response = client.post("/logout/", {"next": target})

    assert response.status_code == 302
    assert stays_here(response.headers["Location"])
    if not stays_here(target):
        assert response.headers["Location"] == "/login/"


@pytest.mark.parametrize("target", EVIL)
def test_admin_login_and_logout_next_never_leave_the_site(people, target):
    client = Client()
    response = client.post(
        f"/admin/login/?next={quote(target, safe='')}",
        {"username": "gamma-manager", "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert stays_here(response.headers["Location"])
    if not stays_here(target):
        assert response.headers["Location"] == "/"  # LOGIN_REDIRECT_URL

    response = client.post(f"/admin/logout/?next={quote(target, safe='')}")

    assert response.status_code == 302
    assert stays_here(response.headers["Location"])
    if not stays_here(target):
        assert response.headers["Location"] == "/login/"  # LOGOUT_REDIRECT_URL


@pytest.mark.parametrize(
    "path",
    ["//evil.com", "//evil.com/", "///evil.com", "/\\evil.com", "//evil.com/login", "//evil.com/d"],
)
def test_paths_that_look_like_other_hosts_are_not_redirected_there(people, path):
    client = Client()
    client.force_login(people.annotator)

    response = client.get("/", PATH_INFO=path)

    # Neither the trailing-slash redirect nor login_required turns the path into a host.
    if response.status_code in (301, 302):
        assert stays_here(response.headers["Location"]), response.headers["Location"]
    else:
        assert response.status_code == 404


def test_login_required_sends_strangers_to_login_with_a_local_next(people):
    response = Client().get("/d/gamma/", {"x": "//evil.com"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/login/?next=/d/gamma/%3Fx%3D%252F%252Fevil.com"
    back = Client().post(
        "/login/",
        {"username": "gamma-annotator", "password": PASSWORD, "next": "/d/gamma/?x=//evil.com"},
    )
    assert back.headers["Location"] == "/d/gamma/?x=//evil.com"
    assert stays_here(back.headers["Location"])


def test_absolute_urls_the_api_hands_out_never_name_another_host(world):
    client = world.api(world.alpha.user("reviewer"))

    spoofed = client.post("/api/v1/debates/alpha/maps/", {}, format="json", HTTP_HOST="evil.com")
    forwarded = client.post(
        "/api/v1/debates/alpha/maps/", {}, format="json", HTTP_X_FORWARDED_HOST="evil.com"
    )

    assert spoofed.status_code == 400  # ALLOWED_HOSTS: a Host header it does not list
    assert forwarded.status_code == 202
    assert forwarded.headers["Location"].startswith("http://testserver/api/v1/map-builds/")
    assert forwarded.json()["url"] == forwarded.headers["Location"]
