"""A database outage is a 503 with a JSON body and Retry-After, never a stack trace; every
error under /api/ is JSON in the API's error envelope, even those Django answers before
reaching the API; a request too big to answer is a 4xx in every mode, before any view reads
it; a method no view serves is a 405 before any view sees it; and every answer carries its
request ID."""

import functools
import logging
import math
import time
from http import HTTPStatus

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods
from rest_framework.response import Response

from negotiations import limits
from negotiations.api import errors, throttling
from negotiations.api.exceptions import is_outage
from negotiations.request_id import HEADER, REQUEST_ID, new_request_id

logger = logging.getLogger(__name__)

# Django's own error pages (no such URL, server error, bad request): what they mean in JSON.
DJANGO_ERRORS = {
    400: ("bad_request", "Bad request."),
    403: ("permission_denied", "Forbidden."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "Method not allowed."),
    500: ("server_error", "Server error."),
}


class RequestIDMiddleware:
    """``X-Request-ID`` on every answer: the client's own (if it is a sensible one) or a new
    one. It is in every log line written while the request is answered (RequestIDFilter) and
    in every error body, so a client can quote it and an operator find the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = new_request_id(request.headers.get(HEADER))
        request.request_id = request_id
        token = REQUEST_ID.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            REQUEST_ID.reset(token)
        response[HEADER] = request_id
        return response


class DatabaseUnavailableMiddleware:
    """Catches database connection errors that escape the views (sessions, admin, auth).

    Only an outage (see ``is_outage``) is a 503: a query the database refuses is a 500.

    The API's own exception handler already answers them inside DRF views; this covers
    everything else, so that during an outage every request fails fast and says why.
    It also turns Django's HTML error pages under /api/ (a URL that matches no route, a
    server error) into JSON, so that an API client always gets JSON.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in DJANGO_ERRORS
            and not isinstance(response, Response | JsonResponse)
            and response.get("Content-Type", "").startswith("text/html")
            and not (settings.DEBUG and response.status_code == 500)  # the debug page helps
        ):
            code, detail = DJANGO_ERRORS[response.status_code]
            answer = errors.json_error(response.status_code, code, detail)
            if response.has_header("Allow"):
                answer["Allow"] = response["Allow"]
            return answer
        return response

    def process_exception(self, request, exception):
        if is_outage(exception):
            logger.warning("Database unavailable: %s", exception)
            response = errors.json_error(
                503, "database_unavailable", "The database is unavailable. Try again shortly."
            )
            response["Retry-After"] = "5"
            return response
        return None


def refusal(request, status: int, message: str) -> HttpResponse:
    """A 4xx that says why: the API's error envelope under /api/, a short page elsewhere."""
    if request.path.startswith("/api/"):
        return errors.json_error(status, detail=message)
    title = f"{status} {HTTPStatus(status).phrase}"
    page = format_html(
        "<!doctype html><title>{}</title><h1>{}</h1><p>{}</p>", title, title, message
    )
    return HttpResponse(page, status=status)


def admin_refusal(request, match, problem: str) -> HttpResponse:
    """A 400 from the admin: JSON to its autocomplete widget, a page of the admin to staff
    (with a way back to the list), a short page to others."""
    if match.url_name == "autocomplete":
        return JsonResponse({"error": problem}, status=400)
    if not request.user.is_staff:
        return refusal(request, 400, problem)
    back = request.path if (match.url_name or "").endswith("_changelist") else None
    context = {**admin.site.each_context(request), "title": "Request refused"}
    context.update(problem=problem, changelist=back)
    return TemplateResponse(request, "admin/request_refused.html", context, status=400)


def too_many(noun: str) -> str:
    return f"Too many {noun} (at most {limits.max_values()})."


def too_big() -> str:
    megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
    return f"The request body is too large (at most {megabytes:.1f} MB)."


class RequestLimitsMiddleware:
    """Too many query parameters or form fields, a body too large, an admin search of too
    many words, a NUL character or an impossible date drill-down in an admin request:
    answered here with a 400 (413 for the body), whatever DEBUG says.

    Django raises these while a view or middleware first reads ``request.GET`` or
    ``request.POST``; from inside DRF (whose error handling then fails: a 500), or with DEBUG
    on (whose error page reads them again: a 500 after seconds), they were no 400. So they
    are read here first, once. JSON bodies are bounded by the API's parser.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.GET  # noqa: B018 - parsed (and bounded) here, once
        except TooManyFieldsSent:
            return refusal(request, 400, too_many("query parameters"))
        if request.method == "POST":  # form bodies only: a JSON body is not read here
            try:
                request.POST  # noqa: B018
            except TooManyFieldsSent:
                return refusal(request, 400, too_many("form fields"))
            except TooManyFilesSent:
                return refusal(request, 400, too_many("files"))
            except RequestDataTooBig:
                return refusal(request, 413, too_big())
            except MultiPartParserError as error:
                return refusal(request, 400, f"The form body is malformed: {error}")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.namespace != admin.site.name:
            return None
        # No admin page takes a NUL, whoever asks (the login page included).
        params = {"parameter": request.GET}
        if request.method == "POST":
            params["form field"] = request.POST
        if problem := limits.nul_problem(request.path, params):
            return admin_refusal(request, match, problem)
        if not request.user.is_staff:
            return None  # others are sent to the login page by the admin itself
        if match.url_name == "autocomplete":
            problem = limits.search_problem(request.GET.get("term", ""))
        elif (match.url_name or "").endswith("_changelist"):
            problem = limits.search_problem(request.GET.get("q", ""))
            field = getattr(getattr(match.func, "model_admin", None), "date_hierarchy", None)
            if not problem and field:
                problem = limits.drilldown_problem(field, request.GET)
        return admin_refusal(request, match, problem) if problem else None

    def process_exception(self, request, exception):
        # A JSON body too large, found when the API reads it.
        if isinstance(exception, RequestDataTooBig):
            return refusal(request, 413, too_big())
        return None


# Every method some view of the app answers. Any other (TRACE, CONNECT, WebDAV's, made-up
# ones) is a 405 before any middleware or view acts on it.
SERVED_METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")
# What a function view that declares nothing is taken to serve: a page and its forms.
PAGE_METHODS = ("GET", "HEAD", "POST")


def serves(*methods: str):
    """A function view that answers only these methods (any other: a 405 with ``Allow``),
    and says so for the Allow header of UnservedMethodsMiddleware."""

    def decorate(view):
        limited = require_http_methods(list(methods))(view)
        limited.serves = methods
        return limited

    return decorate


def rate_limited(view):
    """A page under the API's rate limits (negotiations.api.throttling.admit): the same
    budget per client, charged the page's cost by RateLimitMiddleware; over it, a 429 that
    says when to come back."""

    @functools.wraps(view)
    def limited(request, *args, **kwargs):
        wait = throttling.admit(request)
        if wait is None:
            return view(request, *args, **kwargs)
        seconds = max(math.ceil(wait), 1)
        response = refusal(request, 429, f"Too many requests: try again in {seconds} s.")
        response["Retry-After"] = str(seconds)
        return response

    return limited


def methods_of(path: str) -> list[str] | None:
    """The methods the view at ``path`` answers, as its class (an API view or viewset, a
    class-based view) or its ``serves`` declare them; None for a URL no view answers."""
    try:
        view = resolve(path).func
    except Resolver404:
        return None
    actions = getattr(view, "actions", None)  # a route of an API viewset
    view_class = getattr(view, "view_class", None)
    if actions:
        names = {*actions, "options"}
    elif view_class is not None:
        declared = getattr(view, "view_initkwargs", {}).get("http_method_names")
        names = {
            name for name in declared or view_class.http_method_names if hasattr(view_class, name)
        }
    else:
        names = {name.lower() for name in getattr(view, "serves", PAGE_METHODS)}
    if "get" in names:
        names.add("head")  # Django and DRF answer HEAD with GET
    return [method for method in SERVED_METHODS if method.lower() in names]


class UnservedMethodsMiddleware:
    """A method no view of the app serves is a 405 naming the URL's methods in ``Allow``:
    TRACE reached function views (the health check, the admin's) as if it were a GET."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SERVED_METHODS:
            return self.get_response(request)
        allowed = methods_of(request.path_info)
        if allowed is None:
            return self.get_response(request)  # no such URL: a 404
        response = refusal(request, 405, f"Method {request.method!r} not allowed.")
        response["Allow"] = ", ".join(allowed)
        return response


class RateLimitMiddleware:
    """Charges each answer admitted under a rate limit (the API's throttles, the dashboard's
    ``admit``) the rest of its cost: the time it took, unless it came from the cache
    (negotiations.api.throttling). Then says where the client stands: RateLimit-* on every
    answer under a limit, a 429 included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        if getattr(request, "rate_limit_charges", None) and response.status_code != 429:
            throttling.charge_answer(
                request,
                time.monotonic() - started,
                getattr(request, "answered_from_cache", False),
                time.time(),
                not_modified=response.status_code == 304,
            )
        state = getattr(request, "rate_limit", None)
        if state is not None:
            for name, value in state.headers().items():
                response[name] = value
        return response
