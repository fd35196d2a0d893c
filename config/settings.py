"""Settings for Debatemap, read from the environment in this one place.

Development needs no variable at all: SQLite in ``var/``, Redis when it answers, and
Celery tasks run eagerly (with one loud log line) when it does not. ``DJANGO_ENV=production``
switches to a hardened mode that refuses to start without a real ``SECRET_KEY`` and
``ALLOWED_HOSTS``. Every variable is listed in ``.env.example``.
"""

import logging
import os
import socket
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.api_schema import API_SCHEMA
from config.logs import configure_logs

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be development, production or test, not {DJANGO_ENV!r}."
    )
PRODUCTION = DJANGO_ENV == "production"

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="" if PRODUCTION else _DEV_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if PRODUCTION:
    # Refuse to start rather than run a guessable or development configuration.
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure") or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters in production "
            '(python -c "import secrets; print(secrets.token_urlsafe(64))").'
        )
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must list the host names this site serves in production (no '*')."
        )
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_prometheus",
    "django_structlog",
    "core",
    "accounts",
    "debate",
    "annotations",
    "maps",
    "suggestions",
    "frontend",
]

MIDDLEWARE = [
    # First and last: every request counted and timed (Prometheus, /metrics).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # A request id for every request, bound to each log line it causes (JSON logs) and handed
    # to the Celery tasks it sends.
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside everything that can answer on its own (a refused Host header, the 503 page, a
    # static file), so every response carries the policy, not only those of views.
    "core.csp.SitePolicyCSPMiddleware",
    # Pages say no-store unless they set their own caching, so Back shows them as they are now.
    "core.middleware.HtmlNoStoreMiddleware",
    # A view that loses the database answers 503 with Retry-After (a page, or JSON under /api/).
    "core.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last but one, as django-axes requires, so it sees the outcome of every login.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Reuse connections between requests; health checks drop ones the server closed.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The reads every API request makes and the span insert run through a cursor PostgreSQL
    # can keep statements prepared for (core.db.compiled.preparable_cursor): prepared
    # once run this many times on a connection, they skip parsing and planning, which cost
    # more than running them. "none" turns it off, for a pooler that cannot keep prepared
    # statements (docs/DEPLOY.md). Django's own queries are never prepared.
    _prepare_setting = env.str("DB_PREPARE_THRESHOLD", default="5")
    _prepare = _prepare_setting.strip().lower()
    if _prepare != "none" and not (_prepare.isdigit() and int(_prepare) <= 1000):
        raise ImproperlyConfigured(
            "DB_PREPARE_THRESHOLD must be a whole number from 0 to 1000, or none, "
            f"not {_prepare_setting!r}."
        )
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        None if _prepare == "none" else int(_prepare)
    )
elif PRODUCTION:
    raise ImproperlyConfigured("Production needs PostgreSQL: set DATABASE_URL=postgres://...")
else:
    # Tests use a file, not memory, so a Celery worker a test starts can open the same database;
    # the timeout lets the two processes take turns writing. Transactions take the write lock
    # when they begin: one that read first and wrote later would fail at once with "database is
    # locked" when another process writes, instead of waiting for the timeout.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    # One file per test run, so runs side by side never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out user is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# API tokens (accounts.ApiToken, django-rest-knox's hashing): named, stored as a SHA-512
# digest, each with an expiry of at most API_TOKEN_MAX_DAYS; the key starts with "dm_" so
# secret scanners and people can tell what it is.
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 (a model, not a secret)
API_TOKEN_DEFAULT_DAYS = env.int("API_TOKEN_DEFAULT_DAYS", default=90)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
if not 1 <= API_TOKEN_DEFAULT_DAYS <= API_TOKEN_MAX_DAYS:
    raise ImproperlyConfigured(
        "API_TOKEN_DEFAULT_DAYS must be from 1 to API_TOKEN_MAX_DAYS "
        f"({API_TOKEN_MAX_DAYS}), not {API_TOKEN_DEFAULT_DAYS}."
    )
API_TOKEN_PREFIX = "dm_"  # noqa: S105 (every key starts so)
# Unexpired tokens an account may hold: a script that logs in on every run fills this, and is
# told to revoke (or to keep its token) instead of piling up keys nobody tracks.
API_TOKEN_LIMIT = env.int("API_TOKEN_LIMIT", default=100)
# A token's "last used" is written at most this often (seconds): one write, not one per request.
API_TOKEN_LAST_USED_RESOLUTION = 300
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_DEFAULT_DAYS),
    "TOKEN_PREFIX": API_TOKEN_PREFIX,
    "AUTH_HEADER_PREFIX": "Token",
}

# E-mail, for password resets: printed on the console in development, sent through SMTP when
# EMAIL_HOST is set (EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS).
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Debatemap <debatemap@localhost>")
# Password reset requests per e-mail address asked for and per client (django-ratelimit).
THROTTLE_PASSWORD_RESET = env.str("THROTTLE_PASSWORD_RESET", default="5/h")
# How long a password reset link works (Django's setting; default 1 hour here, not 3 days).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)

# Single sign-on with OpenID Connect (mozilla-django-oidc), on when OIDC_RP_CLIENT_ID is set.
# A first login links the provider's subject to the account with the same verified e-mail
# address, or makes a new account (in no debate until a manager adds it).
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="single sign-on")
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
OIDC_AUTHENTICATE_CLASS = "accounts.oidc.AuthenticationRequestView"
OIDC_CALLBACK_CLASS = "accounts.oidc.AuthenticationCallbackView"
LOGIN_REDIRECT_URL_FAILURE = "login"
if OIDC_ENABLED:
    _missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_ISSUER",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
        )
        if not globals()[name]
    ]
    if _missing:
        raise ImproperlyConfigured(
            "OIDC_RP_CLIENT_ID is set, so single sign-on needs " + ", ".join(_missing) + "."
        )
    AUTHENTICATION_BACKENDS.append("accounts.oidc.AuthenticationBackend")

# 20 bad passwords for one username lock that username out for a while, from any address;
# 20 from one address lock that address out, whatever usernames it tries.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The address comes from core.network: the throttles' rule, so both count the same client.
AXES_CLIENT_IP_CALLABLE = "core.network.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False

# --- I18N, static ---------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Development and tests serve from the apps' static folders (runserver_nostatic + finders);
# production serves the collected, hashed copies. An empty STATIC_ROOT keeps WhiteNoise quiet.
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- REST framework -------------------------------------------------------------------------
# Proxies in front of Django that append the client's address to X-Forwarded-For. With none
# (0) the header is anyone's to write, so it is ignored: otherwise a client would pick a new
# address for every login attempt and never be throttled. Behind one proxy, set 1.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON in and out: one format to document, test and keep safe.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.api.ApiSchema",
    "DEFAULT_THROTTLE_RATES": {
        "login": env.str("THROTTLE_LOGIN", default="30/min"),
        # Per user: an export streams a whole debate and an import writes one; a script that
        # loops on them gets 429 with Retry-After instead of holding every worker.
        "export": env.str("THROTTLE_EXPORT", default="120/min"),
        "import": env.str("THROTTLE_IMPORT", default="60/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "NUM_PROXIES": NUM_PROXIES,
}
# The OpenAPI schema's title, walk-through and enum names (config/api_schema.py).
SPECTACULAR_SETTINGS = API_SCHEMA

# --- Cache (throttling counters) ------------------------------------------------------------
# Shared by every web process in production, so throttles count across gunicorn workers.
# It fails open: while Redis is unreachable it acts as an empty cache instead of failing the
# request (core/cache.py), and short socket timeouts keep a vanished Redis host from
# holding requests until the operating system gives up on the connection.
CACHES = {
    "default": (
        {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": env.str("CACHE_URL", default="redis://127.0.0.1:6379/1"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if PRODUCTION
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Celery ---------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")


def _redis_answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 0.3):
            return True
    except OSError:
        return False


CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_EAGER_REASON = "CELERY_TASK_ALWAYS_EAGER is set" if CELERY_TASK_ALWAYS_EAGER else ""
if not CELERY_TASK_ALWAYS_EAGER and not PRODUCTION and not _redis_answers(REDIS_URL):
    # Development without Redis still works: tasks run in the web process. Logged at start-up.
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_EAGER_REASON = f"Redis does not answer at {REDIS_URL}"
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged only after it finished, so a worker that dies mid-task leaves it
# on the queue for another worker; tasks are written to be idempotent for that reason.
CELERY_TASK_ACKS_LATE = True
# ...and a worker killed by the OS (OOM, SIGKILL) also puts its task back.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One task at a time per worker process: map builds are long, and prefetching would park
# queued builds behind a busy process while another process sits idle.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis re-delivers unacknowledged tasks after the visibility timeout; every task's hard
# time limit stays below it so a long task is never delivered twice while still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_TRACK_STARTED = True
# Map builds have their own queue, so a long build delays no other task; exports and imports
# are not tasks at all (they stream through the web nodes), so no build is ever queued before one.
CELERY_MAP_QUEUE = env.str("CELERY_MAP_QUEUE", default="maps")
CELERY_TASK_DEFAULT_QUEUE = "celery"
# A running build whose heartbeat is older than this is taken to be dead and re-sent.
MAP_BUILD_STALE_SECONDS = env.int("MAP_BUILD_STALE_SECONDS", default=120)
# A map worker keeps what its last build made for the next (maps.tasks.BUILD_CACHE), which
# makes a rebuild after one decision fast and roughly doubles the worker's memory: a gold layer
# of more spans than this is built without it (0: always with it). docs/DEPLOY.md.
MAP_BUILD_CACHE_MAX_SPANS = env.int("MAP_BUILD_CACHE_MAX_SPANS", default=250_000)
if MAP_BUILD_CACHE_MAX_SPANS < 0:
    raise ImproperlyConfigured(
        f"MAP_BUILD_CACHE_MAX_SPANS must be 0 (no limit) or more, not {MAP_BUILD_CACHE_MAX_SPANS}."
    )
# The suggestion model is trained once a debate has this many adjudicated documents
# (docs/SUGGESTIONS.md); below it, the model says it is not trained yet.
SUGGESTIONS_MIN_DOCUMENTS = env.int("SUGGESTIONS_MIN_DOCUMENTS", default=20)
# ... and fitted and cross-validated on at most this many of the newest, so that a training
# takes bounded time however large the gold grows (docs/SUGGESTIONS.md, "Training at scale").
SUGGESTIONS_MAX_DOCUMENTS = env.int("SUGGESTIONS_MAX_DOCUMENTS", default=1000)
# Where Numba keeps the compiled agreement kernel (annotations/review/agreement/kernel.py):
# var/ is writable wherever the app runs (the container's code directory is not, and its
# user has no home). Read by Numba when the kernel is first imported, after these settings.
os.environ.setdefault("NUMBA_CACHE_DIR", str(BASE_DIR / "var" / "numba"))
# A debate agreement read that finds this many documents or more without their kept counts
# (a cold count) counts them all at once, compiled, and asks a worker to keep the rows
# (docs/AGREEMENT.md, "A cold read of a large debate").
AGREEMENT_QUICK_FROM = env.int("AGREEMENT_QUICK_FROM", default=5000)
# A request not yet handed to the broker after this long is sent again by the reconciler.
MAP_BUILD_DISPATCH_GRACE_SECONDS = env.int("MAP_BUILD_DISPATCH_GRACE_SECONDS", default=10)
# Waiting builds whose message was lost (Redis was down) are re-sent by this periodic task.
MAP_BUILD_RECONCILE_SECONDS = env.float("MAP_BUILD_RECONCILE_SECONDS", default=30.0)
CELERY_BEAT_SCHEDULE = {
    "reconcile-map-builds": {
        "task": "maps.tasks.reconcile_map_builds",
        "schedule": MAP_BUILD_RECONCILE_SECONDS,
    },
}

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the annotate page's JS reads it to send X-CSRFToken
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Pages load only their own scripts and styles; user data never becomes code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- Logging --------------------------------------------------------------------------------
# LOG_FORMAT=json (production's default): one JSON object a line, with the time, level, logger,
# event and the request id (django-structlog's middleware binds it; Celery tasks a request sends
# carry it into the worker's lines). plain (development's default): readable lines.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "plain")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}.")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# The proxy's X-Request-ID (nginx: proxy_set_header X-Request-ID $request_id) names the
# request in both logs; without one, a fresh id. Addresses are not logged (personal data).
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
# One line a request, request_finished (with the code and the user), not also request_started:
# writing each line costs about 4 % of a small API request's CPU (docs/BENCHMARKS.md). The
# started line is written at DEBUG, so LOG_LEVEL=DEBUG brings it back.
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG
# Workers log through LOGGING (below; JSON in production), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Lines as LOG_FORMAT says, through structlog (config/logs.py).
LOGGING = configure_logs(LOG_FORMAT, LOG_LEVEL)

# --- Health and metrics (core.health, core.metrics; docs/DEPLOY.md) -------------------------
# The queues /health/ wants a worker for, and /metrics reports the length of.
HEALTH_WORKER_QUEUES = [CELERY_MAP_QUEUE, "celery"]
HEALTH_PING_SECONDS = env.float("HEALTH_PING_SECONDS", default=1.0)
# A scraper sends "Authorization: Bearer <METRICS_TOKEN>"; unset, production answers nobody
# and development only the machine itself.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# --- Request bodies -------------------------------------------------------------------------
# The largest valid request: a bulk of 1,000 spans with 5,000-character notes, or a document of
# 2,000,000 characters, at up to four bytes a character in UTF-8. A larger body is refused with
# 413 before it is parsed (core.api.exception_handler).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=32 * 2**20)

# --- Debatemap ------------------------------------------------------------------------------
DEBATEMAP_VERSION = "0.1.0"
# Import uploads: what one upload may hold (bytes of the upload, entries of a zip, bytes of one
# entry and of all entries unpacked); anything bigger is refused before a row is written.
DEBATEMAP_IMPORT_MAX_UPLOAD_BYTES = env.int("DEBATEMAP_IMPORT_MAX_UPLOAD_BYTES", default=50 * 2**20)
DEBATEMAP_IMPORT_MAX_ENTRIES = env.int("DEBATEMAP_IMPORT_MAX_ENTRIES", default=20_000)
DEBATEMAP_IMPORT_MAX_ENTRY_BYTES = env.int("DEBATEMAP_IMPORT_MAX_ENTRY_BYTES", default=20 * 2**20)
DEBATEMAP_IMPORT_MAX_TOTAL_BYTES = env.int("DEBATEMAP_IMPORT_MAX_TOTAL_BYTES", default=200 * 2**20)
# The bulk document import's body or upload: a JSON Lines file is read a line at a time from
# the temporary file Django writes it to, so this bounds disk, not memory.
DEBATEMAP_DOCUMENT_IMPORT_MAX_BYTES = env.int(
    "DEBATEMAP_DOCUMENT_IMPORT_MAX_BYTES", default=512 * 2**20
)
