"""The OpenAPI schema: valid without warnings, served with offline docs, and kept by the API.

The schemathesis run sends generated requests (valid and invalid) to every operation of the
schema, in-process, as three roles, and fails on any 5xx or any answer the schema does not
describe (status, content type, headers, body).
"""

import os
from pathlib import Path

import pytest
import schemathesis
import yaml
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from annotations.models import Relation
from config.wsgi import application
from maps.models import MergeDecision
from maps.services import map_build_request, map_build_run
from tests.factories import api_token, token_owner
from tests.scenes import RoleWorld

# Every test starts from the same world: it is built once for the module (tests/api/conftest.py).
ONE_WORLD_PER_MODULE = True
# In a pytest-xdist worker a schemathesis test runs its cases but reports a failing one as a
# pass, so make test runs this module in pytest's own process (the Makefile, "test").
pytestmark = pytest.mark.one_process


def test_schema_generates_and_validates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    schema = (tmp_path / "schema.yaml").read_text()
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/debates/{slug}/documents/",
        "/api/v1/documents/{id}/spans/",
        "/api/v1/spans/{id}/history/",
        "/api/v1/debates/{slug}/queue/next/",
    ):
        assert f"  {path}:" in schema


def test_every_operation_of_version_1_is_kept(tmp_path):
    call_command("spectacular", "--file", str(tmp_path / "schema.yaml"))
    schema = yaml.safe_load((tmp_path / "schema.yaml").read_text())
    served = {
        f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item
    }
    kept = Path(__file__).with_name("schema_operations.txt").read_text().splitlines()
    promised = {line for line in kept if line and not line.startswith("#")}
    assert len(promised) == 63
    assert promised - served == set()


def test_schema_is_public(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_are_served_from_local_files(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "http://" not in html and "https://" not in html
    assert "<script>" not in html  # the CSP allows only scripts from this site
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self' 'unsafe-inline'"


def test_swagger_start_up_script_is_a_separate_request(client):
    response = client.get("/api/docs/?script=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()


# --- Schemathesis ---------------------------------------------------------------------------
REAL_IDS: dict[str, object] = {}


@pytest.fixture
def in_process(world):
    """Keep the test's transaction open across requests sent straight to the WSGI app.

    Django's test client does the same: at the end of a request Django closes a connection
    that is inside a transaction, which would end the test's own.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def module_real_ids(module_world_ids) -> dict:
    """Make a real object for every kind of path parameter, once, in the module's world (in
    its transaction, open until the module ends); ``real_ids`` names them for the hook."""
    world = RoleWorld.load(module_world_ids)
    relation = Relation.objects.create(
        document=world.document,
        annotator=world.users["ann"],
        source=world.span_ann,
        target=world.span_ann_b,
        type="supports",
        created_by=world.users["ann"],
    )
    build = map_build_request(debate=world.debate, reason="a real map for the schema run")
    map_build_run(build_id=build.pk, worker="schema:1")
    build.refresh_from_db()
    return dict(
        {
            "documents": world.document.pk,
            "spans": world.span_ann.pk,
            "relations": relation.pk,
            "slug": world.debate.slug,
            "maps": build.version_id,
            "map-builds": build.pk,
            # A row is enough for the undo route (the world has one gold span, so no
            # decision the service would accept).
            "decisions": MergeDecision.objects.create(
                debate=world.debate,
                kind="join",
                spans=[world.span_gold.pk],
                other_spans=[world.span_ann.pk],
                by=world.users["rev"],
            ).pk,
        }
    )


@pytest.fixture
def real_ids(module_real_ids, world, in_process) -> dict:
    """Name a real object for every kind of path parameter, for the hook below."""
    REAL_IDS.update(module_real_ids)
    yield REAL_IDS
    REAL_IDS.clear()


# Loaded once, when the tests are collected; the schema endpoint needs no database. The
# thorough copy adds the coverage phase (boundary and invalid values of every parameter and
# field, hundreds of requests); the quick copy only fuzzes, to keep the run short.
thorough = schemathesis.openapi.from_wsgi("/api/schema/", application)
quick = schemathesis.openapi.from_wsgi("/api/schema/", application)
quick.config.phases.coverage.enabled = False


def flatmap_path_parameters(context, path_parameters):
    """Aim half of the cases at real objects: generated ids almost never exist."""
    if not path_parameters:
        return st.just(path_parameters)
    real = dict(path_parameters)
    if "slug" in real:
        real["slug"] = REAL_IDS["slug"]
    if "id" in real:
        parts = context.operation.path.split("/")
        real["id"] = REAL_IDS[parts[parts.index("{id}") - 1]]
    return st.sampled_from([path_parameters, real])


thorough.hook(flatmap_path_parameters)
quick.hook(flatmap_path_parameters)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# Few examples per operation keep the run short enough for every test run; raise
# API_FUZZ_EXAMPLES for a deeper search. Derandomized, so a failure reproduces.
BOUNDED = settings(
    max_examples=int(os.environ.get("API_FUZZ_EXAMPLES", "6")),
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def call_as(who: str, case, world) -> None:
    assert REAL_IDS, "the real_ids fixture must be in use"
    # One token per user and run, as a script keeps one; a new one once a case revoked it.
    tokens = world.__dict__.setdefault("_api_tokens", {})
    token = tokens.get(who)
    if token is None or token_owner(token) is None:
        token = tokens[who] = api_token(world.users[who])
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


# One run per role, since each reaches other answers: an annotator writes its layer (and,
# having the most to validate, gets the thorough run), a reviewer writes gold, a manager
# imports documents and adds members.
@thorough.parametrize()
@BOUNDED
def test_api_keeps_its_schema_for_an_annotator(case, world, real_ids):
    call_as("ann", case, world)


@quick.parametrize()
@BOUNDED
def test_api_keeps_its_schema_for_a_reviewer(case, world, real_ids):
    call_as("rev", case, world)


@quick.parametrize()
@BOUNDED
def test_api_keeps_its_schema_for_a_manager(case, world, real_ids):
    call_as("man", case, world)
