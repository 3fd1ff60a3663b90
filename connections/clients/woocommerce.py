"""The WooCommerce REST API client (`/wp-json/wc/v3`), as described in reference/woocommerce-api.md.

Authentication: HTTPS stores get Basic auth in the Authorization header, falling back once to query-string
credentials when the host strips that header; plain-HTTP stores get OAuth 1.0a signed with the store's home URL.
Every request goes through the SSRF guard, redirects are followed by hand (each hop checked), idempotent requests
are retried on 429/5xx/connection errors honouring Retry-After, and failures become typed errors.
"""

from __future__ import annotations

import json as jsonlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urljoin, urlsplit, urlunsplit

import requests
import requests.structures
from requests.utils import parse_header_links

from connections.clients.http import (
    RETRYABLE_STATUSES,
    TimeoutHTTPAdapter,
    backoff_delay,
    build_session,
    redact_text,
    redact_url,
    retry_after_seconds,
)
from connections.clients.ssrf import BlockedAddressError, PublicOnlyHTTPAdapter, check_url
from connections.clients.woocommerce_errors import (
    WooCommerceAuthError,
    WooCommerceBadRequestError,
    WooCommerceConnectionError,
    WooCommerceError,
    WooCommerceForbiddenError,
    WooCommerceNotFoundError,
    WooCommerceNotJSONError,
    WooCommerceRateLimitedError,
    WooCommerceRedirectError,
    WooCommerceServerError,
    WooCommerceTLSError,
    api_redirect_error,
    connection_error,
    error_from_response,
    not_json_error,
    redirect_loop_error,
    tls_error,
    too_many_redirects_error,
)
from connections.clients.woocommerce_oauth import signed_params

__all__ = [
    "ApiRoot",
    "BlockedAddressError",
    "FrontPage",
    "WooCommerceAuthError",
    "WooCommerceBadRequestError",
    "WooCommerceClient",
    "WooCommerceConnectionError",
    "WooCommerceError",
    "WooCommerceForbiddenError",
    "WooCommerceNotFoundError",
    "WooCommerceNotJSONError",
    "WooCommerceRateLimitedError",
    "WooCommerceRedirectError",
    "WooCommerceServerError",
    "WooCommerceTLSError",
    "WooResponse",
]

logger = logging.getLogger(__name__)

API_ROOT_REL = "https://api.w.org/"
API_PATH = "wp-json/wc/v3"
INDEX_FIELDS = "name,url,home,namespaces,gmt_offset,timezone_string"
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})
# What WooCommerce answers an anonymous request: the host dropped our Authorization header, or the key is unknown.
ANONYMOUS_CODE = "woocommerce_rest_cannot_view"
AUTH_MODES = frozenset({"header", "query"})


@dataclass(frozen=True)
class FrontPage:
    final_url: str
    status: int
    api_root_link: str | None
    redirect_chain: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ApiRoot:
    url: str
    plain_permalinks: bool
    found_via: str  # "link_header" | "wp_json_probe" | "rest_route_probe"


@dataclass(frozen=True)
class WooResponse:
    status: int
    headers: Mapping[str, str]
    data: Any
    total: int | None
    total_pages: int | None


def _setting(name: str, default: Any) -> Any:
    """A Django setting, or `default` when Django is not configured (the client is usable in plain scripts)."""
    try:
        from django.conf import settings

        return getattr(settings, name, default)
    except Exception:  # ImproperlyConfigured outside a Django process
        return default


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | set | frozenset):
        # Comma lists, not status[]=a: WordPress parses both, but PHP arrays are signed differently under OAuth.
        return ",".join(_query_value(item) for item in value)
    return str(value)


def _flatten(params: Mapping[str, Any] | None) -> dict[str, str]:
    return {str(k): _query_value(v) for k, v in (params or {}).items() if v is not None}


def _with_query(url: str, params: Mapping[str, str]) -> str:
    """`url` plus `params`, percent-encoded RFC 3986 style so what we sign is byte-for-byte what PHP decodes."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    try:
        return int(headers.get(name, ""))
    except ValueError:
        return None


def _link(headers: Mapping[str, str], rel: str) -> str | None:
    value = headers.get("Link")
    if not value:
        return None
    for link in parse_header_links(value):
        if link.get("rel") == rel and link.get("url"):
            return link["url"]
    return None


class WooCommerceClient:
    def __init__(
        self,
        *,
        store_url: str,
        consumer_key: str,
        consumer_secret: str,
        home_url: str | None = None,
        auth_mode: str = "header",
        verify: str | bool | None = None,
        allow_private_urls: bool | None = None,
        max_attempts: int = 4,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if urlsplit(store_url).scheme not in ("http", "https"):
            raise BlockedAddressError("The store address must start with https:// or http://.", code="blocked_scheme")
        if auth_mode not in AUTH_MODES:
            raise ValueError(f"auth_mode must be one of {sorted(AUTH_MODES)}")
        self.store_url = store_url.rstrip("/")
        self.home_url = (home_url or store_url).rstrip("/")
        self.auth_mode = auth_mode
        self.allow_private_urls = bool(
            _setting("SAASYNC_ALLOW_PRIVATE_URLS", False) if allow_private_urls is None else allow_private_urls
        )
        self.max_attempts = max(1, max_attempts)
        self._key = consumer_key
        self._secret = consumer_secret
        self._sleep = sleep
        # Our own session enforces the guard in its adapter (at send and at connect time); an injected one does not,
        # so the client checks each URL itself.
        self._guarded_by_adapter = session is None and not self.allow_private_urls
        adapter_class: type[TimeoutHTTPAdapter] = (
            TimeoutHTTPAdapter if self.allow_private_urls else PublicOnlyHTTPAdapter
        )
        self.session = session or build_session(adapter_class=adapter_class)
        self.session.verify = _setting("SAASYNC_STORE_CA_BUNDLE", True) if verify is None else verify

    def __repr__(self) -> str:
        return f"WooCommerceClient(store_url={self.store_url!r}, auth_mode={self.auth_mode!r})"

    @property
    def is_https(self) -> bool:
        return urlsplit(self.store_url).scheme == "https"

    # ----------------------------------------------------------------- discovery (public, unauthenticated)
    def fetch_front_page(self) -> FrontPage:
        """GET the store's front page, following up to 5 redirects ourselves so each hop passes the SSRF guard."""
        url = self.store_url + "/"
        chain: list[str] = []
        for _hop in range(MAX_REDIRECTS + 1):
            response = self._send("GET", url, headers={"Accept": "text/html"}, check_each_url=True)
            location = response.headers.get("Location")
            if response.status_code not in REDIRECT_STATUSES or not location:
                return FrontPage(url, response.status_code, _link(response.headers, API_ROOT_REL), chain)
            chain.append(url)
            url = urljoin(url, location)
            if url in chain:
                raise redirect_loop_error([*chain, url])
        raise too_many_redirects_error([*chain, url], MAX_REDIRECTS)

    def discover_api_root(self) -> ApiRoot:
        """Where the WordPress REST API lives: the front page's Link header, else /wp-json/, else ?rest_route=/."""
        front = self.fetch_front_page()
        if front.api_root_link:
            return ApiRoot(front.api_root_link, self._is_plain(front.api_root_link), "link_header")
        parts = urlsplit(front.final_url)
        base = urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") + "/", "", ""))
        wp_json = base + "wp-json/"
        response = self._probe(wp_json)
        if response is not None:
            # Under plain permalinks some servers still answer /wp-json/; their Link header tells the truth.
            advertised = _link(response.headers, API_ROOT_REL) or wp_json
            return ApiRoot(wp_json, self._is_plain(advertised), "wp_json_probe")
        rest_route = base + "?rest_route=/"
        if self._probe(rest_route) is not None:
            return ApiRoot(rest_route, True, "rest_route_probe")
        raise WooCommerceNotFoundError(
            "We could not find the WordPress REST API on your store. Check that the address is your WordPress site "
            "and that no security plugin blocks /wp-json/.",
            code="rest_api_not_found",
            url=front.final_url,
        )

    def api_index(self, api_root: ApiRoot | None = None) -> dict:
        """The public API index (name, url, home, namespaces, gmt_offset, timezone_string)."""
        root = api_root or self.discover_api_root()
        response = self._send("GET", _with_query(root.url, {"_fields": INDEX_FIELDS}), check_each_url=True)
        data = self._to_result(response).data
        if not isinstance(data, dict):
            raise not_json_error(response, secrets=self._secrets)
        return data

    @staticmethod
    def _is_plain(api_root_url: str) -> bool:
        return "rest_route" in dict(parse_qsl(urlsplit(api_root_url).query))

    def _probe(self, url: str) -> requests.Response | None:
        """The response if `url` answers 200 with a JSON object (an API index), else None."""
        response = self._send("GET", url, headers={"Accept": "application/json"}, check_each_url=True)
        if response.status_code != 200:
            return None
        try:
            body = response.json()
        except ValueError:
            return None
        return response if isinstance(body, dict) and ("namespaces" in body or "routes" in body) else None

    # ----------------------------------------------------------------- the authenticated wc/v3 API
    def get(self, route: str, params: Mapping[str, Any] | None = None) -> WooResponse:
        return self._call("GET", route, params=params)

    def post(self, route: str, json: Any) -> WooResponse:
        return self._call("POST", route, json=json)

    def put(self, route: str, json: Any) -> WooResponse:
        return self._call("PUT", route, json=json)

    def delete(self, route: str, params: Mapping[str, Any] | None = None) -> WooResponse:
        return self._call("DELETE", route, params=params)

    def iter_pages(self, route: str, params: Mapping[str, Any] | None = None) -> Iterator[WooResponse]:
        """Every page of a collection, following X-WP-TotalPages (or rel="next" when a proxy drops that header)."""
        query = dict(params or {})
        page = int(query.pop("page", 1))
        while True:
            response = self.get(route, {**query, "page": page})
            yield response
            if response.total_pages is not None:
                if page >= response.total_pages:
                    return
            elif not response.data or _link(response.headers, "next") is None:
                return
            page += 1

    def iter_items(self, route: str, params: Mapping[str, Any] | None = None) -> Iterator[dict]:
        for page in self.iter_pages(route, params):
            if not isinstance(page.data, list):
                raise WooCommerceError(f"Expected a list from {route!r}, got {type(page.data).__name__}.")
            yield from page.data

    def _api_url(self, route: str) -> str:
        route = route.strip("/")
        return f"{self.store_url}/{API_PATH}/{route}" if route else f"{self.store_url}/{API_PATH}"

    def _call(
        self, method: str, route: str, *, params: Mapping[str, Any] | None = None, json: Any = None
    ) -> WooResponse:
        url = self._api_url(route)
        query = _flatten(params)
        response = self._send(method, url, query=query, json=json, authenticate=self.auth_mode)
        if self._looks_anonymous(response):
            # The host may strip the Authorization header (CGI/FastCGI setups); WooCommerce's documented fix is
            # query-string credentials. The 401 came from a permission callback, so nothing was changed: safe even
            # for POST.
            retry = self._send(method, url, query=query, json=json, authenticate="query")
            if retry.status_code != 401:
                logger.info("WooCommerce store %s ignores the Authorization header; using query auth", self.store_url)
                self.auth_mode = "query"
            response = retry
        return self._to_result(response)

    def _looks_anonymous(self, response: requests.Response) -> bool:
        if not (self.is_https and self.auth_mode == "header" and response.status_code == 401):
            return False
        try:
            body = response.json()
        except ValueError:
            return False
        return isinstance(body, dict) and body.get("code") == ANONYMOUS_CODE

    def _to_result(self, response: requests.Response) -> WooResponse:
        body: Any = None
        if response.content:
            try:
                body = response.json()
            except ValueError:
                body = None  # non-2xx bodies that are not JSON are classified by error_from_response
                if response.status_code < 300:
                    raise not_json_error(response, secrets=self._secrets) from None
        if response.status_code in REDIRECT_STATUSES:
            raise api_redirect_error(response, urljoin(response.url, response.headers.get("Location", "")))
        if response.status_code >= 300:
            raise error_from_response(response, body, secrets=self._secrets)
        headers = {k: redact_text(v, *self._secrets) for k, v in response.headers.items()}
        return WooResponse(
            status=response.status_code,
            headers=requests.structures.CaseInsensitiveDict(headers),
            data=body,
            total=_int_header(response.headers, "X-WP-Total"),
            total_pages=_int_header(response.headers, "X-WP-TotalPages"),
        )

    # ----------------------------------------------------------------- transport
    @property
    def _secrets(self) -> tuple[str, ...]:
        return (self._key, self._secret, quote(self._key, safe=""), quote(self._secret, safe=""))

    def _prepare(
        self, method: str, url: str, query: Mapping[str, str], authenticate: str | None
    ) -> tuple[str, tuple[str, str] | None]:
        """The final URL and Basic credentials for one attempt (OAuth needs a fresh nonce per attempt)."""
        if authenticate is None:
            return _with_query(url, query), None
        if not self.is_https:
            # Over plain HTTP WooCommerce ignores Basic and query credentials (is_ssl() is false): OAuth only.
            params = signed_params(
                method, url, self.home_url, query, consumer_key=self._key, consumer_secret=self._secret
            )
            return _with_query(url, params), None
        if authenticate == "query":
            return _with_query(url, {**query, "consumer_key": self._key, "consumer_secret": self._secret}), None
        return _with_query(url, query), (self._key, self._secret)

    def _send(
        self,
        method: str,
        url: str,
        *,
        query: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        authenticate: str | None = None,
        check_each_url: bool = False,
    ) -> requests.Response:
        """One logical request with retries; returns any HTTP response, raises only for transport failures."""
        if check_each_url or not self._guarded_by_adapter:
            check_url(url, allow_private=self.allow_private_urls)
        request_headers = {"Accept": "application/json", **(headers or {})}
        data = None
        if json is not None:
            data = jsonlib.dumps(json).encode("utf-8")
            request_headers["Content-Type"] = "application/json"
        retryable = method in IDEMPOTENT_METHODS
        for attempt in range(1, self.max_attempts + 1):
            final_url, auth = self._prepare(method, url, query or {}, authenticate)
            safe_url = redact_url(final_url)
            try:
                response = self.session.request(
                    method, final_url, data=data, headers=request_headers, auth=auth, allow_redirects=False
                )
            except requests.exceptions.SSLError as exc:
                # Not retried: a certificate does not fix itself. `from None`: the cause's text has the full URL.
                raise tls_error(final_url, self._describe(exc)) from None
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                if retryable and attempt < self.max_attempts:
                    self._pause(attempt, None, f"{type(exc).__name__} from {method} {safe_url}")
                    continue
                timed_out = isinstance(exc, requests.exceptions.Timeout)
                raise connection_error(final_url, self._describe(exc), timed_out=timed_out) from None
            logger.debug("WooCommerce %s %s -> %s", method, safe_url, response.status_code)
            if retryable and response.status_code in RETRYABLE_STATUSES and attempt < self.max_attempts:
                self._pause(
                    attempt, retry_after_seconds(response), f"HTTP {response.status_code} from {method} {safe_url}"
                )
                continue
            return response
        raise AssertionError("unreachable: the last attempt always returns or raises")

    def _pause(self, attempt: int, retry_after: float | None, why: str) -> None:
        delay = backoff_delay(attempt, retry_after=retry_after)
        logger.info("Retrying WooCommerce request in %.1fs (attempt %d): %s", delay, attempt + 1, why)
        self._sleep(delay)

    def _describe(self, exc: Exception) -> str:
        return f"{type(exc).__name__}: {redact_text(str(exc), *self._secrets)}"
