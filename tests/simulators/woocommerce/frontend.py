"""What the web server + WordPress front controller do before the REST server sees a request.

- `redirect_to` (whole-site 301, e.g. www -> non-www, or a loop when it points at itself);
- a front-page redirect (`redirect_front_page`, for SSRF-via-redirect tests);
- `/wp-json/...` with pretty permalinks -> REST; with plain permalinks it depends on the web server:
  "apache" (no rewrite rules) -> Apache 404 HTML, "nginx" (`try_files ... /index.php`) -> the front
  page HTML with 200, "php-builtin" (`php -S`, as recorded) -> REST still answers;
- `/?rest_route=/...` or `/index.php?rest_route=/...` -> REST with any permalink setting;
- `/` -> the front page with `Link: <api root>; rel="https://api.w.org/"`; anything else -> theme 404.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from .discovery import APACHE_404_HTML, front_page_html, theme_404_html
from .httpmsg import HttpRequest, HttpResponse
from .routes import dispatch_rest
from .wp import parse_str

PHP_HEADERS = [("X-Powered-By", "PHP/8.2.36")]


def _html(sim: Any, request: HttpRequest, status: int, text: str, *, discovery: bool = True) -> HttpResponse:
    is_ssl = request.scheme == "https"
    headers = [*PHP_HEADERS, ("Content-Type", "text/html; charset=UTF-8")]
    if discovery and sim.discovery_link_header:
        headers.append(("Link", f'<{sim.api_root(is_ssl)}>; rel="https://api.w.org/"'))
    return HttpResponse(status, headers, text.encode())


def front_page(sim: Any, request: HttpRequest) -> HttpResponse:
    html = front_page_html(title=sim.site_name, api_root=sim.api_root(request.scheme == "https"), home_url=sim.home_url)
    return _html(sim, request, 200, html)


def _normalise_route(route: str) -> str:
    route = "/" + route.lstrip("/")
    return route.rstrip("/") or "/"


def handle(sim: Any, request: HttpRequest) -> HttpResponse:
    if sim.redirect_to:
        location = sim.redirect_to.rstrip("/") + request.request_uri
        return HttpResponse(301, [("X-Redirect-By", "WordPress"), ("Location", location)], b"")
    path = request.path
    if path == "/wp-json" or path.startswith("/wp-json/"):
        if sim.permalinks == "plain":
            if sim.plain_permalinks_server == "apache":
                return HttpResponse(404, [("Content-Type", "text/html; charset=iso-8859-1")], APACHE_404_HTML.encode())
            if sim.plain_permalinks_server == "nginx":
                return front_page(sim, request)
        return dispatch_rest(sim, request, _normalise_route(unquote(path[len("/wp-json") :])))
    if path in ("/", "/index.php"):
        rest_route = parse_str(request.query).get("rest_route")
        if isinstance(rest_route, str):
            return dispatch_rest(sim, request, _normalise_route(rest_route))
        if sim.front_page_redirect is not None:
            location, status = sim.front_page_redirect
            return HttpResponse(status, [*PHP_HEADERS, ("X-Redirect-By", "WordPress"), ("Location", location)], b"")
        return front_page(sim, request)
    return _html(sim, request, 404, theme_404_html(sim.site_name))
