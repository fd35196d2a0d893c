"""Redis stops while annotators save spans: every save succeeds, and no map build is lost.

The app is served the production way (gunicorn, DJANGO_ENV=production, a Celery worker and
beat; see conftest.py) on a private Redis that the test kills and starts again empty, as a
crashed Redis without persistence comes back. PostgreSQL is the source of truth: span saves do
not need Redis, a login only loses its throttle while Redis is away (django-axes' lockout,
kept in PostgreSQL, still counts), and a map build requested meanwhile (a reviewer finishing
a review, then asking on the map API) is a ``MapBuild`` row (the outbox) that the reconciler
sends once Redis is back.
"""

import random
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from debate.models import DocumentStatus
from maps.models import MapBuild, MapVersion
from tests.factories import DocumentFactory
from tests.faults.stack import (
    Acknowledged,
    Stack,
    api_session,
    span_payload,
    wait_for,
)
from tests.scenes import Team, team_create

PASSWORD = "correct-horse-battery-staple"

pytestmark = pytest.mark.faults


def save_spans(stack: Stack, team: Team, acknowledged: Acknowledged, rng, per_annotator: int):
    """Have every annotator save spans one by one; return the status codes answered."""
    statuses = []
    for username, token in team.annotators.items():
        session = api_session(stack, token)
        document = rng.choice(team.documents)
        for _ in range(per_annotator):
            payload = span_payload(rng, document)
            response = session.post(
                f"{stack.url}/api/v1/documents/{document.pk}/spans/", json=payload, timeout=30
            )
            statuses.append(response.status_code)
            assert response.status_code == 201, (username, response.status_code, response.text)
            acknowledged.spans[payload["client_id"]] = response.json()["id"]
    return statuses


def login(stack: Stack, username: str) -> int:
    response = api_session(stack, "").post(
        f"{stack.url}/api/v1/auth/token/",
        json={"username": username, "password": PASSWORD},
        headers={"Authorization": ""},
        timeout=30,
    )
    return response.status_code


def test_saves_succeed_and_a_map_build_requested_meanwhile_runs_once_redis_is_back(stack):
    team = team_create(annotators=4)
    # Its (empty) layers are submitted: the reviewer can finish it at once.
    in_review = DocumentFactory(
        debate=team.debate, text="Nothing to adjudicate.", status=DocumentStatus.READY_FOR_REVIEW
    )
    user = get_user_model().objects.get(username="annotator00")
    # The served app hashes with PBKDF2; the test process's fast hasher is not among its own.
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "faultsalt", iterations=1000)
    user.save(update_fields=["password"])
    rng = random.Random(8)
    acknowledged = Acknowledged()
    reviewer = api_session(stack, team.reviewer_token)

    assert save_spans(stack, team, acknowledged, rng, per_annotator=5) == [201] * 20
    assert login(stack, "annotator00") == 200

    stack.redis.stop()

    started = time.monotonic()
    assert save_spans(stack, team, acknowledged, rng, per_annotator=10) == [201] * 40
    outage_saves_seconds = time.monotonic() - started
    # Logging in needs the throttle's cache: it fails open instead of failing the login.
    assert login(stack, "annotator00") == 200
    # A reviewer finishes a review, which asks for a map build, then asks for one directly:
    # both requests are answered at once (sending the build fails fast) and share one build.
    asked = time.monotonic()
    finished = reviewer.post(
        f"{stack.url}/api/v1/documents/{in_review.pk}/review/finish/",
        json={},
        headers={"If-Match": "*"},
        timeout=30,
    )
    finish_seconds = time.monotonic() - asked
    assert finished.status_code == 201, finished.text
    asked = time.monotonic()
    response = reviewer.post(
        f"{stack.url}/api/v1/debates/{team.debate.slug}/maps/",
        json={"reason": "asked while Redis was down"},
        timeout=30,
    )
    ask_seconds = time.monotonic() - asked
    assert response.status_code == 202, response.text
    assert max(finish_seconds, ask_seconds) < 5, (finish_seconds, ask_seconds)
    build_id = response.json()["id"]
    # The request is in the database, waiting: sending it failed, and nothing else could.
    time.sleep(3)  # longer than the dispatch grace and two reconciler periods
    build = MapBuild.objects.get(pk=build_id)
    assert (build.status, build.dispatched_at, build.requests) == ("queued", None, 2)
    assert build.reason == f"{in_review.title} was adjudicated"
    poll = reviewer.get(f"{stack.url}/api/v1/map-builds/{build_id}/", timeout=30)
    assert (poll.status_code, poll.json()["status"]) == (200, "queued")

    stack.redis.start()  # empty: whatever was queued in Redis before is gone
    back = time.monotonic()
    wait_for(
        lambda: MapBuild.objects.filter(pk=build_id, status="done").exists(),
        90,
        "the build requested during the outage to run once Redis is back",
        stack.logs,
    )
    recovered_seconds = time.monotonic() - back
    build = MapBuild.objects.get(pk=build_id)
    assert build.attempts == 1
    assert build.version == MapVersion.objects.get(debate=team.debate)
    assert save_spans(stack, team, acknowledged, rng, per_annotator=2) == [201] * 8

    saved = acknowledged.check_all_stored()
    assert saved == 68
    # Saving without Redis waits on nothing that needs Redis (40 saves, one after another).
    assert outage_saves_seconds < 20, outage_saves_seconds
    print(
        f"[faults] redis outage: {saved} spans acknowledged, all {saved} in the database; 40 saves "
        f"during the outage in {outage_saves_seconds:.1f} s; review finish answered in "
        f"{finish_seconds:.2f} s and map request in {ask_seconds:.2f} s; the build ran "
        f"{recovered_seconds:.1f} s after Redis came back"
    )
