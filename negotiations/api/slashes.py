"""An API URL written without its trailing slash.

Django's APPEND_SLASH answered it with a redirect: a 301 to the URL with the slash, with an
HTML body, which ``fetch`` and most HTTP clients follow as a GET, so a POST there reported
200 and the list it was sent to, having written nothing (and under DEBUG, a write was a 500
HTML page). Here, under /api/, a read (GET, HEAD, OPTIONS) is still redirected, which loses
nothing, and a write is refused with a 404 in the error envelope naming the URL to use: it
never looks like success, and it is never repeated elsewhere behind the client's back.
"""

from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt

from negotiations.api import errors

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@csrf_exempt  # it writes nothing: a write without a CSRF token must still learn the URL
def missing_slash(request):
    """The last URL pattern under /api/: what no route took and does not end in a slash."""
    try:
        resolve(f"{request.path_info}/")
    except Resolver404:
        return errors.json_error(404, "not_found", "No such URL.")
    query = request.META.get("QUERY_STRING", "")
    location = f"{request.path}/" + (f"?{query}" if query else "")
    if request.method in SAFE_METHODS:
        return HttpResponsePermanentRedirect(location)
    url = request.build_absolute_uri(f"{request.path}/")
    return errors.json_error(
        404,
        "no_trailing_slash",
        f"No such URL: {request.path}, nothing was written. The URL is {url}, with the "
        "trailing slash (a write is never redirected).",
    )
