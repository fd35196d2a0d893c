"""Start-up behaviour of the settings, each case in a fresh ``manage.py`` process.

Every variable the settings read is removed from the child's environment first, so a value
set in the shell that runs the tests cannot change the outcome.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.conf import settings

MANAGE = str(settings.BASE_DIR / "manage.py")
SETTINGS_VARIABLES = {
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "CONN_MAX_AGE",
    "DB_PREPARE_THRESHOLD",
    "REDIS_URL",
    "CACHE_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "LOG_LEVEL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "THROTTLE_LOGIN",
    "THROTTLE_EXPORT",
    "THROTTLE_IMPORT",
    "LOG_FORMAT",
    "METRICS_TOKEN",
    "HEALTH_PING_SECONDS",
    "API_TOKEN_DEFAULT_DAYS",
    "API_TOKEN_MAX_DAYS",
    "API_TOKEN_LIMIT",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "DEFAULT_FROM_EMAIL",
    "PASSWORD_RESET_TIMEOUT",
    "THROTTLE_PASSWORD_RESET",
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_ISSUER",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
    "OIDC_RP_SIGN_ALGO",
    "OIDC_PROVIDER_NAME",
    # Not Django's, but the settings choose it when it is unset.
    "NUMBA_CACHE_DIR",
}
STRONG_KEY = secrets.token_urlsafe(64)
POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "example.org",
    "DATABASE_URL": POSTGRES,
}


def _manage(*args: str, **variables: str) -> subprocess.CompletedProcess:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "AXES_")) and name not in SETTINGS_VARIABLES
    }
    env.update(variables)
    return subprocess.run(
        [sys.executable, MANAGE, *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _refused(result: subprocess.CompletedProcess, message: str) -> None:
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert result.stderr.strip().splitlines()[-1] == (
        f"django.core.exceptions.ImproperlyConfigured: {message}"
    )


SECRET_KEY_MESSAGE = (
    "SECRET_KEY must be set to a random value of at least 50 characters in production "
    '(python -c "import secrets; print(secrets.token_urlsafe(64))").'
)
HOSTS_MESSAGE = "ALLOWED_HOSTS must list the host names this site serves in production (no '*')."


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, SECRET_KEY_MESSAGE),
        ({"SECRET_KEY": "too-short-to-be-a-key"}, SECRET_KEY_MESSAGE),
        ({"SECRET_KEY": "abab" * 20}, SECRET_KEY_MESSAGE),  # long but guessable
        ({"SECRET_KEY": "django-insecure-" + STRONG_KEY}, SECRET_KEY_MESSAGE),
        ({"ALLOWED_HOSTS": None}, HOSTS_MESSAGE),
        ({"ALLOWED_HOSTS": "*"}, HOSTS_MESSAGE),
        ({"ALLOWED_HOSTS": "example.org,*"}, HOSTS_MESSAGE),
        ({"DEBUG": "true"}, "DEBUG must be off in production."),
        ({"DATABASE_URL": None}, "Production needs PostgreSQL: set DATABASE_URL=postgres://..."),
        (
            {"DATABASE_URL": "sqlite:////tmp/debatemap.sqlite3"},
            "Production needs PostgreSQL: set DATABASE_URL=postgres://...",
        ),
        (
            {"DB_PREPARE_THRESHOLD": "often"},
            "DB_PREPARE_THRESHOLD must be a whole number from 0 to 1000, or none, not 'often'.",
        ),
        (
            {"DB_PREPARE_THRESHOLD": "-1"},
            "DB_PREPARE_THRESHOLD must be a whole number from 0 to 1000, or none, not '-1'.",
        ),
        (
            {"OIDC_RP_CLIENT_ID": "debatemap", "OIDC_OP_ISSUER": "https://idp.example"},
            "OIDC_RP_CLIENT_ID is set, so single sign-on needs OIDC_RP_CLIENT_SECRET, "
            "OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_USER_ENDPOINT, "
            "OIDC_OP_JWKS_ENDPOINT.",
        ),
        (
            {"API_TOKEN_DEFAULT_DAYS": "400"},
            "API_TOKEN_DEFAULT_DAYS must be from 1 to API_TOKEN_MAX_DAYS (365), not 400.",
        ),
        (
            {"DJANGO_ENV": "staging"},
            "DJANGO_ENV must be development, production or test, not 'staging'.",
        ),
        (
            {"MAP_BUILD_CACHE_MAX_SPANS": "-1"},
            "MAP_BUILD_CACHE_MAX_SPANS must be 0 (no limit) or more, not -1.",
        ),
    ],
)
def test_production_refuses_an_insecure_start(overrides, message):
    variables = {
        name: value for name, value in (PRODUCTION | overrides).items() if value is not None
    }
    _refused(_manage("check", **variables), message)


def test_production_passes_check_deploy_without_a_warning():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"
    assert result.stderr == ""  # in particular no eager-mode line: production never falls back


SHOW_SETTINGS = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'debug': s.DEBUG, 'engine': s.DATABASES['default']['ENGINE'], "
    "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL}))"
)


def test_numba_keeps_the_compiled_kernel_in_var_unless_told_otherwise(tmp_path):
    show = "import os; print(os.environ['NUMBA_CACHE_DIR'])"
    found = _manage("shell", "-v", "0", "-c", show)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == str(settings.BASE_DIR / "var" / "numba")
    told = _manage("shell", "-v", "0", "-c", show, NUMBA_CACHE_DIR=str(tmp_path))
    assert told.stdout.strip() == str(tmp_path)


def test_development_needs_no_variable():
    result = _manage("check")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def listening_port() -> Iterator[int]:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def _eager_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "CELERY EAGER MODE" in line]


def test_development_without_redis_runs_tasks_eagerly_and_says_so_once(closed_port):
    redis_url = f"redis://127.0.0.1:{closed_port}/0"

    result = _manage("shell", "-v", "0", "-c", SHOW_SETTINGS, REDIS_URL=redis_url)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "debug": True,
        "engine": "django.db.backends.sqlite3",
        "eager": True,
        "broker": redis_url,
    }
    [line] = _eager_lines(result.stderr)
    assert line.endswith(
        f"WARNING debate: CELERY EAGER MODE: Redis does not answer at {redis_url}; "
        "background tasks run inside the web process."
    )


def test_development_with_redis_answering_uses_the_broker(listening_port):
    redis_url = f"redis://127.0.0.1:{listening_port}/0"

    result = _manage("shell", "-v", "0", "-c", SHOW_SETTINGS, REDIS_URL=redis_url)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["eager"] is False
    assert _eager_lines(result.stderr) == []


PREPARE_THRESHOLD = (
    "from django.conf import settings as s; "
    "print(repr(s.DATABASES['default'].get('OPTIONS', {}).get('prepare_threshold', 'unset')))"
)


@pytest.mark.parametrize(
    ("value", "shown"), [(None, "5"), ("0", "0"), ("20", "20"), ("none", "None"), ("None", "None")]
)
def test_postgresql_keeps_the_hot_statements_prepared_unless_told_not_to(value, shown):
    variables = {"DATABASE_URL": POSTGRES}
    if value is not None:
        variables["DB_PREPARE_THRESHOLD"] = value

    result = _manage("shell", "-v", "0", "-c", PREPARE_THRESHOLD, **variables)

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{shown}\n"


def test_sqlite_has_no_prepare_threshold():
    result = _manage("shell", "-v", "0", "-c", PREPARE_THRESHOLD, DB_PREPARE_THRESHOLD="5")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "'unset'\n"
