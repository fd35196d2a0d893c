"""Login lockout across every way in, and tokens that stop working everywhere at once.

tests/api/test_auth.py already covers the token endpoint alone: tokens, revocation through
DELETE, throttling, its 20-failure lockout per user and per address. This file adds what lies
between the ways in: failures on the login page lock the account on the page, the token
endpoint and the admin alike (and the other way round), failures add up across them, and a
revoked or deactivated user's token is refused by every route of the API, not only one.
``manage.py check --deploy`` in production mode is tests/config/test_settings.py::
test_production_passes_check_deploy_without_a_warning.
"""

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.factories import PASSWORD
from tests.security.routes import all_routes, fill, supported_methods

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT
LOCKED_PAGE = b"Account locked: too many login attempts. Please try again later."


def page_login(username: str, password: str, ip: str, path: str = "/login/"):
    client = Client(REMOTE_ADDR=ip)
    data = {"username": username, "password": password}
    if path == "/admin/login/":
        data["next"] = "/admin/"
    return client, client.post(path, data)


def token_login(username: str, password: str, ip: str):
    return APIClient(REMOTE_ADDR=ip).post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def assert_locked_everywhere(username: str) -> None:
    """Assert the right password opens nothing for ``username``, from a fresh address."""
    client, page = page_login(username, PASSWORD, ip="10.200.0.1")
    assert (page.status_code, page.content) == (429, LOCKED_PAGE)
    assert not signed_in(client)
    admin_client, admin = page_login(username, PASSWORD, "10.200.0.2", path="/admin/login/")
    assert (admin.status_code, admin.content) == (429, LOCKED_PAGE)
    assert not signed_in(admin_client)
    token = token_login(username, PASSWORD, ip="10.200.0.3")
    assert token.status_code == 429
    assert token.json()["detail"].startswith("Too many failed logins")
    assert not ApiToken.objects.filter(user__username=username).exists()


def test_twenty_bad_passwords_on_the_login_page_lock_every_way_in(world):
    # Each from its own address, so only the username can be what locks.
    statuses = [
        page_login("alpha-annotator", "wrong", ip=f"10.1.0.{n}")[1].status_code
        for n in range(LIMIT)
    ]

    assert statuses == [200] * (LIMIT - 1) + [429]  # the form again, then the lockout
    assert_locked_everywhere("alpha-annotator")
    # Nobody else is locked out.
    client, response = page_login("alpha-annotator2", PASSWORD, ip="10.200.0.9")
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert signed_in(client)


def test_twenty_bad_passwords_on_the_token_endpoint_lock_the_login_page_too(world):
    for n in range(LIMIT):
        token_login("alpha-reviewer", "wrong", ip=f"10.2.0.{n}")

    assert_locked_everywhere("alpha-reviewer")


def test_failures_add_up_across_the_page_the_admin_and_the_token_endpoint(world):
    third = LIMIT // 3
    for n in range(third):
        page_login("alpha-manager", "wrong", ip=f"10.3.0.{n}")
    for n in range(third):
        page_login("alpha-manager", "wrong", ip=f"10.3.1.{n}", path="/admin/login/")
    for n in range(LIMIT - 2 * third - 1):
        token_login("alpha-manager", "wrong", ip=f"10.3.2.{n}")

    # One failure short of the limit, the right password still works, and resets the count.
    _client, almost = page_login("alpha-manager", PASSWORD, ip="10.3.3.1")
    assert almost.status_code == 302
    for n in range(LIMIT - 1):
        token_login("alpha-manager", "wrong", ip=f"10.3.4.{n}")
    assert token_login("alpha-manager", PASSWORD, ip="10.3.5.1").status_code == 200
    ApiToken.objects.filter(user__username="alpha-manager").delete()

    for n in range(LIMIT):
        page_login("alpha-manager", "wrong", ip=f"10.3.6.{n}", path="/admin/login/")
    assert_locked_everywhere("alpha-manager")


def test_twenty_bad_logins_from_one_address_on_the_page_lock_that_address(world):
    for n in range(LIMIT):
        page_login(f"guess{n}", "wrong", ip="10.4.0.1")

    _client, locked = page_login("alpha-researcher", PASSWORD, ip="10.4.0.1")
    assert (locked.status_code, locked.content) == (429, LOCKED_PAGE)
    assert token_login("alpha-researcher", PASSWORD, ip="10.4.0.1").status_code == 429
    _client, elsewhere = page_login("alpha-researcher", PASSWORD, ip="10.4.0.2")
    assert elsewhere.status_code == 302


def _api_get_urls(world) -> list[str]:
    return [
        fill(route, world.alpha)
        for route, pattern in all_routes()
        if route.startswith("api/v1/")
        and route != "api/v1/"
        and "get" in supported_methods(pattern)
    ]


def _statuses(client: APIClient, urls: list[str]) -> set[int]:
    return {client.get(url).status_code for url in urls}


def test_a_revoked_token_opens_no_route_of_the_api(world):
    urls = _api_get_urls(world)
    client = world.api(world.alpha.user("manager"))
    # 204: the queue of a manager is empty; 202: the maps against gold are being compared.
    assert _statuses(client, urls) == {200, 202, 204}

    assert client.delete("/api/v1/auth/token/").status_code == 204

    assert _statuses(client, urls) == {401}


def test_a_deactivated_users_token_opens_no_route_of_the_api(world):
    urls = _api_get_urls(world)
    user = world.alpha.user("manager")
    client = world.api(user)
    # 204: the queue of a manager is empty; 202: the maps against gold are being compared.
    assert _statuses(client, urls) == {200, 202, 204}

    user.is_active = False
    user.save(update_fields=["is_active"])

    assert _statuses(client, urls) == {401}
    response = client.get("/api/v1/debates/")
    assert response.json() == {"detail": "User inactive or deleted."}


def test_revoking_a_token_leaves_other_users_tokens_alone(world):
    mine = world.api(world.alpha.user("reviewer"))
    theirs = world.api(world.alpha.user("researcher"))

    assert mine.delete("/api/v1/auth/token/").status_code == 204

    assert mine.get("/api/v1/debates/").status_code == 401
    assert theirs.get("/api/v1/debates/").status_code == 200


# --- Whose address counts ---------------------------------------------------------------------
def _token_logins(count: int, *, remote: str, forwarded) -> list[int]:
    return [
        APIClient(REMOTE_ADDR=remote)
        .post(
            "/api/v1/auth/token/",
            {"username": "alpha-annotator", "password": PASSWORD},
            format="json",
            HTTP_X_FORWARDED_FOR=forwarded(n),
        )
        .status_code
        for n in range(count)
    ]


def test_a_forged_forwarded_for_header_does_not_escape_the_login_throttle(world):
    rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"].split("/")[0])

    # Without a proxy the header is the client's own invention: a new one each time.
    statuses = _token_logins(rate + 1, remote="10.5.0.1", forwarded=lambda n: f"198.51.100.{n}")

    assert statuses == [200] * rate + [429]


def test_a_forged_forwarded_for_header_neither_escapes_nor_aims_the_lockout(world):
    # Twenty failures from one socket address, each claiming another client...
    for n in range(LIMIT):
        Client(REMOTE_ADDR="10.6.0.1").post(
            "/login/",
            {"username": f"guess{n}", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    # ...lock that address, not the ones it named.
    _client, locked = page_login("alpha-researcher", PASSWORD, ip="10.6.0.1")
    _client, named = page_login("alpha-researcher", PASSWORD, ip="198.51.100.3")
    assert (locked.status_code, named.status_code) == (429, 302)


def test_behind_one_proxy_the_address_it_appends_counts(world, settings):
    settings.NUM_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"].split("/")[0])
    proxy = "10.7.0.1"  # every request arrives from the proxy

    # The client forges the start of the header; the proxy appends the address it saw.
    throttled = _token_logins(rate + 1, remote=proxy, forwarded=lambda n: f"1.2.3.{n}, 203.0.113.5")
    other_client = _token_logins(1, remote=proxy, forwarded=lambda n: "203.0.113.6")
    assert throttled == [200] * rate + [429]
    assert other_client == [200]

    for n in range(LIMIT):
        Client(REMOTE_ADDR=proxy).post(
            "/login/",
            {"username": f"guess{n}", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.7",
        )
    locked = Client(REMOTE_ADDR=proxy).post(
        "/login/",
        {"username": "alpha-researcher", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    # Everyone else behind the same proxy still gets in.
    elsewhere = Client(REMOTE_ADDR=proxy).post(
        "/login/",
        {"username": "alpha-researcher", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert (locked.status_code, elsewhere.status_code) == (429, 302)


# --- Nobody unknown gets in ---------------------------------------------------------------------
PUBLIC = {
    "api/schema/": 200,  # the OpenAPI schema and its two viewers are public
    "api/docs/": 200,
    "api/redoc/": 200,
    "login/": 200,
    "admin/login/": 200,
    "api/v1/": 404,  # unknown API paths
    "admin/(?P<url>.*)$": 302,  # the admin's catch-all sends visitors to its login
    "logout/": 405,  # POST only
    "admin/logout/": 302,  # back to the admin index, which asks for a login
    "api/v1/auth/token/": 400,  # logging in, with no name or password
    # Asking for a password reset link, the page after it, a (here invalid) link, the end.
    "password-reset/": 200,
    "password-reset/sent/": 200,
    "reset/<uidb64>/<token>/": 200,
    "reset/done/": 200,
    # Single sign-on is not configured in tests (tests/accounts/test_oidc.py turns it on).
    "oidc/authenticate/": 404,
    "oidc/callback/": 404,
    "favicon.ico": 302,  # to the site's icon, a static file
    "health/live/": 200,  # for load balancers: says only that the process answers
    # Readiness: 200 or 503 by whether a Celery worker answers (none runs here unless tasks
    # run eagerly); which checks fail, never why.
    "health/": {200, 503},
    "metrics": 200,  # from the machine itself only (tests/core/test_operations.py)
}


def test_anonymous_visitors_reach_nothing_but_the_login_and_the_public_docs(world):
    anonymous = Client()
    problems = []
    for route, pattern in all_routes():
        url = fill(route, world.alpha)
        if "get" not in supported_methods(pattern):
            response = anonymous.post(url, {}, content_type="application/json")
        else:
            response = anonymous.get(url)
        known = PUBLIC.get(route)
        expected = known if isinstance(known, set) else None if known is None else {known}
        if expected is None:
            if route.startswith("api/"):
                expected = {401}
            else:  # pages and the admin send visitors to a login form
                expected = {302}
                login = "/admin/login/" if route.startswith("admin/") else "/login/"
                location = response.headers.get("Location", "")
                if response.status_code == 302 and not location.startswith(login + "?next="):
                    problems.append(f"GET {url}: to {location}")
        if response.status_code not in expected:
            problems.append(f"{response.request['REQUEST_METHOD']} {url}: {response.status_code}")

    assert problems == [], "\n".join(problems)


def test_a_deactivated_users_session_is_signed_out(world):
    user = world.alpha.user("annotator")
    client = world.browser(user)
    assert client.get("/d/alpha/").status_code == 200

    user.is_active = False
    user.save(update_fields=["is_active"])

    assert client.get("/d/alpha/").headers["Location"] == "/login/?next=/d/alpha/"
    assert client.get("/api/v1/debates/").status_code == 401


def test_the_session_cookie_is_out_of_reach_of_scripts_and_other_sites(world):
    client = Client()
    response = client.post("/login/", {"username": "alpha-annotator", "password": PASSWORD})

    session = response.cookies["sessionid"]
    csrf = client.cookies["csrftoken"]
    assert (session["httponly"], session["samesite"]) == (True, "Lax")
    # The CSRF cookie is read by the pages' scripts (X-CSRFToken), so only SameSite guards it.
    assert (csrf["httponly"], csrf["samesite"]) == ("", "Lax")
    # And the session changes at login, so one planted before cannot be ridden after.
    planted = Client()
    planted.get("/login/")
    planted.cookies["sessionid"] = "planted-before-login"
    planted.post("/login/", {"username": "alpha-annotator", "password": PASSWORD})
    assert planted.cookies["sessionid"].value != "planted-before-login"
