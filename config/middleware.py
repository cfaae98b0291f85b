"""Project-wide middleware."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

# Private assessment pages are reached through a link that holds its own
# key; no browser history cache or shared proxy should keep a copy of them.
# Health answers must always be fresh.
NOT_STORED_PREFIXES = ("/a/", "/healthz")


def private_pages_not_stored(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    """Send ``Cache-Control: no-store`` for private pages and health checks."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        response = get_response(request)
        if request.path.startswith(NOT_STORED_PREFIXES):
            response.headers["Cache-Control"] = "no-store"
        return response

    return middleware
