"""Walk a running container stack once through the proxy, as a team would, and check every answer.

Sets up a fresh debate with the management commands inside the web container (``podman exec``),
then over HTTPS through the proxy: log in (token), tag a span twice (two annotators agree),
submit, adjudicate into gold, ask for a map build and follow it until the worker in its own
container has built it, export the gold spans as JSON Lines and download the map. Each answer
is checked exactly. Standard library only; ``deploy/stack check`` runs it.

    python deploy/smoke_test.py --base-url https://localhost:8088 \
        --cafile var/deploy/tls/tls.crt --project debatemap

Containers are named ``<project>-<service>`` (deploy/compose.yaml). At the end it checks who
each service runs as, that the map build ran on the ``maps`` worker, and that no container of
the application logged an error or a traceback.
"""

import argparse
import http.cookiejar
import json
import re
import secrets
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

# Written for this test. The emoji comes first so that code points and UTF-16 units differ
# from the start: offsets must survive gunicorn, the proxy and PostgreSQL unchanged.
TEXT = (
    "🔐 Smoke test article. Security researchers say end-to-end encryption protects every "
    "user. A regulator says scanning private messages is needed to find abuse."
)
CLAIMS = [
    ("end-to-end encryption protects every user", "contra", "claim"),
    ("scanning private messages is needed to find abuse", "pro", "claim"),
]
MAP_BUILD_TIMEOUT = 180
# Who each service runs as: nothing of the stack runs as root.
USERS = {
    "web": "debatemap",
    "worker-maps": "debatemap",
    "worker-default": "debatemap",
    "beat": "debatemap",
    "postgres": "postgres",
    "redis": "redis",
    "proxy": "www-data",
}
APPLICATION = ("web", "worker-maps", "worker-default", "beat", "migrate")


class SmokeFailure(Exception):
    """An answer was not the one expected."""


def expect(what: str, got: Any, wanted: Any) -> None:
    """Fail with both values unless ``got == wanted``; print the check otherwise."""
    if got != wanted:
        raise SmokeFailure(f"{what}: expected {wanted!r}, got {got!r}")
    print(f"    ok  {what}")


def span_of(quote: str) -> tuple[int, int]:
    """Return the code point offsets of ``quote`` in TEXT."""
    start = TEXT.index(quote)
    return start, start + len(quote)


@dataclass
class Answer:
    status: int
    headers: Any
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Site:
    """HTTPS requests to the proxy, verified against the stack's certificate."""

    def __init__(self, base_url: str, cafile: str) -> None:
        if not base_url.startswith("https://"):
            raise SmokeFailure(f"The proxy is reached over https, not {base_url!r}.")
        self.base_url = base_url.rstrip("/")
        self.context = ssl.create_default_context(cafile=cafile)

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        sent = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        if token is not None:
            sent["Authorization"] = f"Token {token}"
        # An https URL: __init__ refuses any other scheme.
        request = urllib.request.Request(  # noqa: S310
            self.base_url + path, data=data, method=method, headers=sent
        )
        try:
            with urllib.request.urlopen(request, context=self.context, timeout=60) as response:  # noqa: S310
                return Answer(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers, error.read())

    def browser_login(self, username: str, password: str, page: str) -> None:
        """Log in through the login form as a browser does (CSRF, cookies), then open ``page``."""
        cookies = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=self.context),
            urllib.request.HTTPCookieProcessor(cookies),
        )
        with browser.open(self.base_url + "/login/", timeout=60) as response:
            form = response.read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        expect("login form: has a CSRF token", csrf is not None, True)
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": csrf.group(1), "username": username, "password": password}
        ).encode()
        # A browser sends the page's own origin; the proxy passes Host and the scheme, so
        # Django sees a same-origin post without any CSRF_TRUSTED_ORIGINS.
        posted = urllib.request.Request(  # noqa: S310
            self.base_url + "/login/",
            data=body,
            headers={"Origin": self.base_url, "Referer": self.base_url + "/login/"},
        )
        with browser.open(posted, timeout=60) as response:
            expect("login form: lands on the home page", response.url, self.base_url + "/")
        expect(
            "login form: session cookie, Secure and HttpOnly",
            [
                (c.name, c.secure, c.has_nonstandard_attr("HttpOnly"))
                for c in cookies
                if c.name == "sessionid"
            ],
            [("sessionid", True, True)],
        )
        with browser.open(self.base_url + page, timeout=60) as response:
            expect(f"{page} with the session: status", response.status, 200)

    def token(self, username: str, password: str) -> str:
        answer = self.request(
            "POST", "/api/v1/auth/token/", body={"username": username, "password": password}
        )
        expect(f"log in as {username}: status", answer.status, 200)
        return answer.json()["token"]


def podman_exec(container: str, *command: str, stdin: str = "") -> subprocess.CompletedProcess:
    """Run ``command`` in the container and return its exit code and output."""
    # Our own fixed commands and arguments, in a container of the stack under test.
    return subprocess.run(  # noqa: S603
        ["podman", "exec", "-i", container, *command],  # noqa: S607
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def manage(container: str, *args: str) -> str:
    """Run ``python manage.py ARGS`` in the web container and return what it printed."""
    done = podman_exec(container, "python", "manage.py", *args)
    if done.returncode != 0:
        raise SmokeFailure(f"{' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def set_up(container: str, slug: str, password: str) -> None:
    """Create the debate, its members and its one document with the management commands."""
    print("  set up with manage.py in the web container")
    check = podman_exec(container, "python", "manage.py", "check", "--deploy")
    expect("manage.py check --deploy: exit code", check.returncode, 0)
    expect(
        "manage.py check --deploy: output",
        check.stdout.strip(),
        "System check identified no issues (0 silenced).",
    )
    out = manage(
        container,
        "create_debate",
        slug,
        "--title",
        "Smoke test",
        "--proposition",
        "Platforms should scan private messages.",
    )
    expect("create_debate", out.strip(), f"Created debate {slug!r}: Smoke test")
    for username, role in members(slug).items():
        manage(container, "add_member", slug, username, role, "--password", password)
    article = {"title": "Smoke test article", "source": "Smoke", "text": TEXT}
    # /app/var is the one folder of the image the application's user may write.
    path = f"/app/var/{slug}.jsonl"
    wrote = podman_exec(container, "sh", "-c", f"cat > {path}", stdin=json.dumps(article) + "\n")
    expect("copy the article into the container", wrote.returncode, 0)
    out = manage(container, "import_documents", slug, path)
    podman_exec(container, "rm", "-f", path)
    print("    " + out.strip().splitlines()[-1])


def members(slug: str) -> dict[str, str]:
    """Return the usernames of this run and their roles."""
    return {
        f"{slug}-ann1": "annotator",
        f"{slug}-ann2": "annotator",
        f"{slug}-rev": "reviewer",
        f"{slug}-res": "researcher",
    }


def walk(site: Site, slug: str, password: str) -> int:
    """Log in, tag, submit, adjudicate, build the map, export; check every answer."""
    users = members(slug)
    ann1, ann2, rev, res = users
    print("  log in")
    tokens = {username: site.token(username, password) for username in users}
    wrong = site.request(
        "POST", "/api/v1/auth/token/", body={"username": ann1, "password": "not-" + password}
    )
    expect("a wrong password: status", wrong.status, 400)
    site.browser_login(ann1, password, f"/d/{slug}/")

    print("  the document")
    documents = site.request("GET", f"/api/v1/debates/{slug}/documents/", token=tokens[ann1])
    expect("document list: status", documents.status, 200)
    listed = documents.json()["results"]
    expect("document list: titles", [d["title"] for d in listed], ["Smoke test article"])
    document = listed[0]["id"]
    detail = site.request("GET", f"/api/v1/documents/{document}/", token=tokens[ann1]).json()
    expect("document text, byte for byte", detail["text"], TEXT)

    print("  tag and submit, as both annotators")
    for annotator in (ann1, ann2):
        for quote, stance, role in CLAIMS:
            start, end = span_of(quote)
            created = site.request(
                "POST",
                f"/api/v1/documents/{document}/spans/",
                token=tokens[annotator],
                body={"start": start, "end": end, "quote": quote, "stance": stance, "role": role},
            )
            expect(f"{annotator} tags [{start}, {end}): status", created.status, 201)
            span = created.json()
            expect(
                f"{annotator} tags [{start}, {end}): span",
                (span["layer"], span["start"], span["end"], span["quote"], span["stance"]),
                (annotator, start, end, quote, stance),
            )
        submitted = site.request(
            "POST", f"/api/v1/documents/{document}/submit/", token=tokens[annotator]
        )
        expect(f"{annotator} submits: status", submitted.status, 200)
        expect(f"{annotator} submits: layer", submitted.json()["status"], "submitted")

    print("  adjudicate into gold, as the reviewer")
    review_url = f"/api/v1/documents/{document}/review/"
    review = site.request("GET", review_url, token=tokens[rev])
    expect("review: status", review.status, 200)
    expect("review: ETag", review.headers["ETag"], f'"review-{document}-v0"')
    units = [(u["start"], u["end"], u["agreed"]) for u in review.json()["units"]]
    expect("review: units", units, [(*span_of(quote), True) for quote, _, _ in CLAIMS])
    accepted = site.request(
        "POST",
        review_url + "decisions/",
        token=tokens[rev],
        body={"action": "accept_agreed"},
        headers={"If-Match": f'"review-{document}-v0"'},
    )
    expect("accept the agreed units: status", accepted.status, 201)
    expect("accept the agreed units: version", accepted.json()["version"], 1)
    finished = site.request("POST", review_url + "finish/", token=tokens[rev], body={"version": 1})
    expect("finish the review: status", finished.status, 201)
    expect(
        "finish the review: document",
        finished.json()["review"]["document"]["status"],
        "adjudicated",
    )
    gold = site.request(
        "GET", f"/api/v1/documents/{document}/spans/?layer=gold", token=tokens[res]
    ).json()["results"]
    expect(
        "gold layer, read by the researcher",
        sorted((s["start"], s["end"], s["quote"], s["stance"], s["role"]) for s in gold),
        sorted((*span_of(quote), quote, stance, role) for quote, stance, role in CLAIMS),
    )

    print("  build the map on the worker")
    asked = site.request(
        "POST", f"/api/v1/debates/{slug}/maps/", token=tokens[rev], body={"reason": "smoke test"}
    )
    expect("ask for a map build: status", asked.status, 202)
    build_path = asked.headers["Location"].split("://", 1)[-1].split("/", 1)[-1]
    started = time.monotonic()
    while True:
        build = site.request("GET", "/" + build_path, token=tokens[rev]).json()
        if build["status"] in ("done", "failed") or time.monotonic() - started > MAP_BUILD_TIMEOUT:
            break
        time.sleep(0.5)
    expect("map build: status", (build["status"], build["error"]), ("done", ""))
    print(f"    the build took {time.monotonic() - started:.1f} s from the request")
    version = build["version"]
    index = site.request("GET", f"/api/v1/debates/{slug}/maps/", token=tokens[res]).json()
    expect("map index: current version", index["current_version"], version)
    expect("map index: adjudicated documents", index["adjudicated_documents"], 1)

    print("  export, as the researcher")
    export = site.request(
        "GET", f"/api/v1/debates/{slug}/export/spans/?format=jsonl&layer=gold", token=tokens[res]
    )
    expect("span export: status", export.status, 200)
    lines = [json.loads(line) for line in export.body.decode().splitlines()]
    expect(
        "span export: line types",
        [line["type"] for line in lines],
        ["provenance", "document", "span", "span"],
    )
    expect("span export: document text", lines[1]["text"], TEXT)
    expect(
        "span export: spans",
        sorted((s["layer"], s["start"], s["end"], s["quote"], s["stance"]) for s in lines[2:]),
        sorted(("gold", *span_of(quote), quote, stance) for quote, stance, _ in CLAIMS),
    )
    download = site.request("GET", f"/api/v1/maps/{version}/?format=json", token=tokens[res])
    expect("map download: status", download.status, 200)
    expect("map download: X-Map-Version", download.headers["X-Map-Version"], str(version))
    graph = download.json()
    quotes = sorted(
        source["quote"] for argument in graph["arguments"] for source in argument["sources"]
    )
    expect("map download: the arguments' sources", quotes, sorted(q for q, _, _ in CLAIMS))
    expect(
        "map download: proposition",
        graph["proposition"]["text"],
        "Platforms should scan private messages.",
    )
    argdown = site.request("GET", f"/api/v1/maps/{version}/?format=argdown", token=tokens[res])
    expect("map download as Argdown: status", argdown.status, 200)
    return build["id"]


# In the web container, as the application's user: the debate's agreement counted at once
# (the path a cold read of a large debate takes) against its kept counts, and whether the
# compiled kernels (that count's, the lexical pair search's) came from the cache the image
# was built with.
QUICK_AGREEMENT = """
from annotations.review.agreement.kernel import align_documents
from annotations.review.selectors import tallies
from debate.models import Debate
debate = Debate.objects.get(slug={slug!r})
quick = tallies._quick_total(debate).report()
kept = tallies.debate_tally_get(debate=debate).report()
print("equal" if quick == kept and quick.documents == 1 else "differ")
from maps.builder import forest_kernel
from maps.builder.similarity import LexicalSimilarity
LexicalSimilarity().similar_pairs(["alpha beta gamma", "alpha beta gamma"], [1, 2])
found = [align_documents.stats, forest_kernel.spanning_pairs.stats]
cached = all(stats.cache_hits and not stats.cache_misses for stats in found)
print("cached" if cached else f"compiled: {{found}}")
"""


def check_quick_agreement(container: str, slug: str) -> None:
    """Count the debate's agreement at once in the web container, as a cold read does."""
    print("  agreement counted at once, in the web container")
    out = manage(container, "shell", "-v", "0", "-c", QUICK_AGREEMENT.format(slug=slug))
    equal, cached = [*out.strip().splitlines(), "", ""][:2]
    expect("counted at once: the kept counts' figures", equal, "equal")
    expect("the kernels were compiled when the image was built", cached, "cached")


def podman(*args: str) -> str:
    """Return what a podman command printed (stdout and stderr); fail if it fails."""
    # Our own fixed commands, on the containers of the stack under test.
    done = subprocess.run(  # noqa: S603
        ["podman", *args],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SmokeFailure(f"podman {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done.stdout + done.stderr


def check_containers(project: str, build_id: int) -> None:
    """Check the services' users, the worker that built the map and the application's logs."""
    print("  the containers")
    for service, user in USERS.items():
        got = podman("exec", f"{project}-{service}", "id", "-un").strip()
        expect(f"{service} runs as", got, user)
    worker_log = podman("logs", f"{project}-worker-maps")
    expect(
        f"map build {build_id} ran on the maps worker",
        f"{{'build_id': {build_id}, 'status': 'done'" in worker_log,
        True,
    )
    for service in APPLICATION:
        lines = podman("logs", f"{project}-{service}").splitlines()
        bad = [line for line in lines if "Traceback" in line or "ERROR" in line]
        expect(f"{service} logged no error", bad, [])


def check_edges(site: Site) -> None:
    """Check what the proxy and the production settings add to every answer."""
    print("  the proxy and the production settings")
    login = site.request("GET", "/login/")
    expect("login page: status", login.status, 200)
    expect(
        "login page: HSTS (Django saw https through X-Forwarded-Proto)",
        login.headers["Strict-Transport-Security"].startswith("max-age="),
        True,
    )
    page = login.body.decode()
    stylesheet = page.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    static = site.request("GET", stylesheet)
    expect(f"{stylesheet}: status", static.status, 200)
    expect(
        f"{stylesheet}: cached for a year (hashed name, WhiteNoise)",
        static.headers["Cache-Control"],
        "max-age=315360000, public, immutable",
    )
    anonymous = site.request("GET", "/api/v1/debates/")
    expect("API without a token: status", anonymous.status, 401)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, help="the proxy, e.g. https://localhost:8088")
    parser.add_argument("--cafile", required=True, help="the proxy's certificate (PEM)")
    parser.add_argument(
        "--project", required=True, help="the compose project: containers are <project>-<service>"
    )
    options = parser.parse_args()
    slug = f"smoke-{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(2)}"
    password = secrets.token_urlsafe(18)
    started = time.monotonic()
    try:
        site = Site(options.base_url, options.cafile)
        check_edges(site)
        set_up(f"{options.project}-web", slug, password)
        build_id = walk(site, slug, password)
        check_quick_agreement(f"{options.project}-web", slug)
        check_containers(options.project, build_id)
    except SmokeFailure as failure:
        print(f"!!! smoke test failed: {failure}", file=sys.stderr)
        return 1
    print(f"  smoke test passed in {time.monotonic() - started:.1f} s (debate {slug})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
