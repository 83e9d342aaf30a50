"""Settings for the negotiation tracker, driven by environment variables (12-factor).

Every value that differs between a laptop and production comes from the environment;
there is no second settings file. See README.md ("Configuration") for the variables.
"""

import base64
import datetime
import hashlib
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from corsheaders.defaults import default_headers
from csp.constants import NONCE, NONE, SELF, UNSAFE_HASHES
from django.core.exceptions import ImproperlyConfigured

from tracker.postgres import session_options

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def csp_hash(text: str) -> str:
    """A Content-Security-Policy source that allows exactly this inline text."""
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return f"'sha256-{digest}'"


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

# The test runner needs a key without a production secret; nothing else gets one for free.
RUNNING_TESTS = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or RUNNING_TESTS:
        SECRET_KEY = "django-insecure-local-development-key-never-use-in-production"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY (production) or DEBUG=1 (local development)."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
if RUNNING_TESTS:
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]

INSTALLED_APPS = [
    "negotiations.admin_apps.TrackerAdminConfig",  # django.contrib.admin + the review queue
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "negotiations.admin_apps.ApiTokensConfig",  # knox: API tokens stored as digests
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "negotiations",
]

MIDDLEWARE = [
    # First: every answer, even a 503 from the next ones, carries its X-Request-ID.
    "negotiations.middleware.RequestIDMiddleware",
    # Then the security headers (nosniff, referrer policy, HSTS; CSP; X-Frame-Options),
    # outside every middleware that may answer by itself (Django's error pages replaced by
    # JSON under /api/, a request too big, an outage, a method no view serves, a rate
    # limit): every answer of every kind carries them.
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # CORS for the same reason: a dashboard on another origin can read every /api/ answer.
    "corsheaders.middleware.CorsMiddleware",
    "negotiations.middleware.UnservedMethodsMiddleware",
    "negotiations.middleware.DatabaseUnavailableMiddleware",
    "negotiations.middleware.RequestLimitsMiddleware",
    # Each answer charged its cost under the rate limits, and RateLimit-* on it.
    "negotiations.middleware.RateLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its answer.
    "axes.middleware.AxesMiddleware",
]

# Admin logins are limited (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one
# account from one address, that account is locked for that address for
# LOGIN_LOCKOUT_MINUTES, the right password included (429 with Retry-After). Counting the
# pair, not the account alone, keeps a stranger from locking an editor out; attempts are
# rows in the database, so every gunicorn worker sees them. The address is the one the rate
# limits use (NUM_PROXIES).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=float(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "negotiations.access.client_address"
AXES_LOCKOUT_CALLABLE = "negotiations.access.locked_out"

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Overrides of third-party templates (the browsable API's, for its CSP nonce).
        "DIRS": [BASE_DIR / "tracker" / "templates"],
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

WSGI_APPLICATION = "tracker.wsgi.application"

# With no DATABASE_URL the embedded default is a SQLite file in the project folder.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, with a process's writers served in arrival order (see its docstring).
    DATABASES["default"]["ENGINE"] = "tracker.db.sqlite3"
    # Tests run in memory, as Django's own backend would; said outright so that pytest-xdist's
    # per-worker names (pytest-django) do not turn this backend's test database into a file.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a writing transaction takes the write lock when it starts, so
        # concurrent writers queue for it instead of failing as "locked" when one of them
        # would have to upgrade a read lock.
        "transaction_mode": "IMMEDIATE",
        # WAL: readers no longer block a writer's commit (nor it them), so a writer waits
        # only for the other writers' short transactions. NORMAL: in WAL mode a commit
        # survives a crash of the server; a power cut may lose the last ones (the database
        # stays consistent). Where that matters, use PostgreSQL (README, "SQLite").
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        # Seconds a writer waits for the write lock before the request is a 503: well past
        # any queue of writers seen (reliability/REPORT.md), under gunicorn's 30 s timeout.
        "timeout": 20,
    }
else:
    options = DATABASES["default"].setdefault("OPTIONS", {})
    # Fail fast (503) instead of hanging when PostgreSQL is unreachable.
    options.setdefault("connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3")))
    # No JIT, no parallel plans, SSD-like random_page_cost: see tracker/postgres.py.
    options.setdefault("options", session_options())

# Read replicas (DATABASE_REPLICA_URLS, comma-separated): API and dashboard reads go to one of
# them, writes and everything else to the primary (tracker/replicas.py). Each replica takes the
# primary's options; under the test runner it mirrors the primary (no test database of its own).
REPLICA_ALIASES = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    _replica = dj_database_url.parse(
        _url,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    if "postgres" not in _replica["ENGINE"] or "postgres" not in DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("Read replicas (DATABASE_REPLICA_URLS) need PostgreSQL.")
    _replica["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), **_replica.get("OPTIONS", {})}
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
    REPLICA_ALIASES.append(f"replica{_number}")
if REPLICA_ALIASES:
    DATABASE_ROUTERS = ["tracker.replicas.ReplicaRouter"]
    # After the request ID and the security headers: it picks the database of the whole
    # request, and answers a GET again from the primary when its replica failed in the
    # middle of it.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("negotiations.middleware.DatabaseUnavailableMiddleware"),
        "tracker.replicas.ReplicaMiddleware",
    )
# A replica that has not shown a write the primary made this many seconds ago is skipped (its
# reads go to the primary) until it catches up; replicas are checked at most once a second.
REPLICA_MAX_LAG = float(os.environ.get("DATABASE_REPLICA_MAX_LAG", "5"))
# A client that wrote reads from the primary for this many seconds (a cookie, read your writes).
READ_YOUR_WRITES_SECONDS = float(os.environ.get("READ_YOUR_WRITES_SECONDS", "10"))

# Shared state: with REDIS_URL (or CACHE_URL) the cache is Redis (Django's own backend), shared
# by every worker and container: the rate limits and the cached answers. Without it, each
# process has its own local memory (make run: nothing else to install). A Redis outage is a
# miss, never an error (tracker/cache.py): answers are computed, limits are not enforced.
REDIS_URL = (os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL") or "").strip()
if REDIS_URL and RUNNING_TESTS and os.environ.get("PYTEST_XDIST_WORKER"):
    # Each test worker (pytest -n) clears the cache before every test: its own Redis database,
    # the next ones after REDIS_URL's (gw0 -> +1, gw1 -> +2), as its own test database.
    _redis = urlsplit(REDIS_URL)
    _worker = int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw"))
    _database = int(_redis.path.strip("/") or 0) + 1 + _worker
    REDIS_URL = urlunsplit(_redis._replace(path=f"/{_database}"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "tracker.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tracker",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tracker",  # at most 300 entries a process (Django's default)
        }
    }
# Seconds a GET's whole answer is kept under its ETag (negotiations/api/caching.py); 0: never.
# A write changes the data version and so every key: this only bounds the memory of old ones.
ANSWER_CACHE_SECONDS = int(os.environ.get("ANSWER_CACHE_SECONDS", "600"))

# Behind PgBouncer in transaction mode a session does not outlive a transaction: no
# server-side cursors (Django's forms iterate choices with them), and no `options` startup
# parameter, which PgBouncer refuses (give POSTGRES_SESSION_OPTIONS' settings to the role).
if env_bool("DATABASE_BEHIND_PGBOUNCER") and "postgres" in DATABASES["default"]["ENGINE"]:
    for _database in DATABASES.values():
        _database["DISABLE_SERVER_SIDE_CURSORS"] = True
        _database.get("OPTIONS", {}).pop("options", None)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The admin refuses a many-to-many with its own link model in a form (admin.E013), because
# set() could not fill the link's other columns. Ours have defaults: a quote picked in a
# form's "citations" is linked to the whole record (negotiations.models.provenance), a quote
# already linked keeps what its link says, and the link's own inline says which facts it
# states.
SILENCED_SYSTEM_CHECKS = ["admin.E013"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if RUNNING_TESTS:
    # Hashing is deliberately slow; tests log users in by the dozen.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))

# The domain of the deadlines calendar's event UIDs (deadline-<id>@<domain>): one per deployment,
# so that two trackers' deadlines are never taken for the same event. Default: the first host
# of ALLOWED_HOSTS; set it to keep the UIDs when the host name changes.
CALENDAR_UID_DOMAIN = os.environ.get("CALENDAR_UID_DOMAIN", "").strip() or next(
    (host.lstrip(".") for host in ALLOWED_HOSTS if host.lstrip(".") and host != "*"),
    "negotiation-tracker.invalid",
)

# The negotiation /dashboard/ opens on (a slug); empty: the one with the most rounds.
DASHBOARD_NEGOTIATION = os.environ.get("DASHBOARD_NEGOTIATION", "").strip()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not RUNNING_TESTS
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
# A dashboard on another origin can read ETags and Last-Modified and send them back
# (If-Match: 412 on a stale edit; If-None-Match, If-Modified-Since: 304), read the rate
# limits and Retry-After, a list's place (Link, X-Total-Count), a new record's Location,
# the request ID to quote, and name an export's file.
CORS_ALLOW_HEADERS = (
    *default_headers,
    "if-match",
    "if-none-match",
    "if-modified-since",
    "x-request-id",
)
CORS_EXPOSE_HEADERS = [
    "ETag",
    "Last-Modified",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "RateLimit-Policy",
    "Content-Disposition",
    "X-Total-Count",
    "Link",
    "Location",
    "X-Request-ID",
]

# Proxies in front of the app that append the client's address to X-Forwarded-For. With 0
# (the default) the header is ignored and clients are told apart by the connection's address,
# so that a client cannot escape the rate limits by sending a different X-Forwarded-For each
# time. Behind one reverse proxy (which sets the header): NUM_PROXIES=1.
try:
    NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0").strip() or "0")
except ValueError:
    NUM_PROXIES = -1
if NUM_PROXIES < 0:
    raise ImproperlyConfigured("NUM_PROXIES must be a whole number from 0.")

# API tokens (negotiations/api/tokens.py): days a new token is valid; 0 for no expiry.
try:
    API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90").strip() or "90")
except ValueError:
    API_TOKEN_DAYS = -1
if API_TOKEN_DAYS < 0:
    raise ImproperlyConfigured("API_TOKEN_DAYS must be a whole number from 0 (no expiry).")
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",  # what DRF's authtoken used: clients keep their header
    "TOKEN_TTL": datetime.timedelta(days=API_TOKEN_DAYS) if API_TOKEN_DAYS else None,
}
# Rate limits (negotiations/api/throttling.py reads THROTTLE_ANON, THROTTLE_USER and
# THROTTLE_COST_MS on every request); a cost unit that is no number stops the start here.
_cost_ms = os.environ.get("THROTTLE_COST_MS", "").strip().lower()
if _cost_ms not in {"", "off", "none", "0"}:
    try:
        _cost_ms_ok = float(_cost_ms) > 0
    except ValueError:
        _cost_ms_ok = False
    if not _cost_ms_ok:
        raise ImproperlyConfigured(
            "THROTTLE_COST_MS must be a number of milliseconds (0 or off: every request "
            "costs one unit)."
        )

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous write is then a 401 with a WWW-Authenticate header.
        "negotiations.api.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "negotiations.api.permissions.ReadOpenModelPermissions",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "negotiations.api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_PARSER_CLASSES": ["negotiations.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "negotiations.api.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "negotiations.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "negotiations.api.throttling.AnonRateThrottle",
        "negotiations.api.throttling.UserRateThrottle",
    ],
    "NUM_PROXIES": NUM_PROXIES,
    "COERCE_DECIMAL_TO_STRING": False,
    "DEFAULT_PAGINATION_CLASS": "negotiations.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Negotiation Tracker API",
    "DESCRIPTION": (
        "Who negotiates with whom, in which rounds, on which agenda, against which deadlines "
        "- and how each round's agenda changed. Every fact carries its citations."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Tags folded: the schema has some seven hundred operations (every URL's HEAD, OPTIONS
    # and 405s included), which Swagger UI took over a minute to draw unfolded.
    "SWAGGER_UI_SETTINGS": {"docExpansion": "none", "deepLinking": True},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # OpenAPI 3.1: nullable references that strict validators accept (negotiations.api.schema).
    "OAS_VERSION": "3.1.0",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "negotiations.api.schema.contract_hook",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AgendaChangeEnum": "negotiations.choices.AgendaChange",
        "AgendaEventEnum": ["first_reported", "added", "dropped"],
        "CellChangeEnum": "negotiations.domain.agenda.CELL_CHANGES",
        "ChangeBasisEnum": "negotiations.domain.agenda.CHANGE_BASES",
        "AnnotationBasisEnum": "negotiations.choices.AnnotationBasis",
        "SkipReasonEnum": "negotiations.domain.agenda.SKIP_REASONS",
        "DatePrecisionEnum": "negotiations.choices.DatePrecision",
        "RoundStatusEnum": "negotiations.choices.RoundStatus",
        "DisagreementStatusEnum": "negotiations.choices.DisagreementStatus",
        "NegotiationStatusEnum": "negotiations.choices.NegotiationStatus",
        "MeasureStatusEnum": "negotiations.choices.MeasureStatus",
        "DeadlineStatusEnum": "negotiations.domain.deadlines.STATUSES",
        "ClaimStateEnum": "negotiations.domain.claims.VERSION_STATES",
        "CellStateEnum": "negotiations.domain.agenda.CELL_STATES",
        "FacetKindEnum": "negotiations.models.provenance.FACET_KINDS",
    },
}

# --- Security -----------------------------------------------------------------------------------
# Production is DEBUG off outside the test runner: secure cookies, HSTS and HTTPS redirects,
# each adjustable from the environment; `manage.py check --deploy` prints no warnings.
PRODUCTION = not DEBUG and not RUNNING_TESTS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Behind a TLS-terminating proxy: SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    _proxy_header = env_list("SECURE_PROXY_SSL_HEADER")
    if len(_proxy_header) != 2:
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER must be a header and a value, e.g. "
            "HTTP_X_FORWARDED_PROTO,https"
        )
    SECURE_PROXY_SSL_HEADER = tuple(_proxy_header)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Content-Security-Policy on every answer (django-csp): everything from this origin, nothing
# inline except script and style elements that carry the page's nonce (the API docs' set-up
# code, the browsable API's syntax colours) and two style attributes of third-party
# templates, allowed by their hash only; no plugins, no framing, forms only to this origin.
INLINE_STYLE_ATTRIBUTES = [
    "float: right; margin-right: 10px",  # the browsable API's Filters and Extra Actions
    "border-top: 0",  # django-simple-history's history page
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_HASHES, *map(csp_hash, INLINE_STYLE_ATTRIBUTES)],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # ReDoc's search runs in a web worker it starts from a blob.
        "worker-src": ["blob:"],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# The health check must answer plain HTTP from the load balancer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line names the request it was written for (X-Request-ID; "-" outside one).
    "filters": {"request_id": {"()": "negotiations.request_id.RequestIDFilter"}},
    "formatters": {
        "request": {"format": "%(levelname)s %(name)s [request %(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "request",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
