"""Typed errors of the WooCommerce client.

Each error carries the HTTP status, WooCommerce's own error `code`, a message and the error's `params`,
so callers (requirement checks, the wizard, the sync) branch on data instead of parsing text. The URL
kept on an error is always redacted, and `str()` of an error never contains credentials: with
query-string auth the consumer key and secret are part of every request URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from connections.clients.http import redact_text, redact_url

SNIPPET_CHARS = 300


class WooCommerceError(Exception):
    """Any failure talking to a WooCommerce store."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        params: Mapping[str, Any] | None = None,
        url: str = "",
    ) -> None:
        self.message = message
        self.status = status
        self.code = code
        self.params: dict[str, Any] = dict(params or {})
        self.url = redact_url(url) if url else ""
        super().__init__(message)

    def __str__(self) -> str:
        details = [str(part) for part in (self.status, self.code) if part is not None]
        text = self.message
        if details:
            text += f" [{' '.join(details)}]"
        if self.url:
            text += f" ({self.url})"
        return text


class WooCommerceConnectionError(WooCommerceError):
    """The store could not be reached: DNS failure, connection refused or reset, or a timeout."""


class WooCommerceTLSError(WooCommerceConnectionError):
    """The store's TLS certificate is invalid, untrusted, or issued for another host name."""


class WooCommerceRedirectError(WooCommerceError):
    """A redirect loop, too many redirects, or an API request that was answered with a redirect."""

    def __init__(self, message: str, *, redirect_chain: list[str], **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.redirect_chain = [redact_url(hop) for hop in redirect_chain]


class BlockedAddressError(WooCommerceError):
    """The SSRF guard refused the address: it is not a public internet address (or not http/https)."""


class WooCommerceNotJSONError(WooCommerceError):
    """The store answered with something that is not JSON, e.g. the shop's front page or a firewall page."""

    def __init__(self, message: str, *, content_type: str, snippet: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.content_type = content_type
        self.snippet = snippet


class WooCommerceAuthError(WooCommerceError):
    """401: the key is unknown, the secret is wrong, the key lacks read/write permission, or OAuth failed."""


class WooCommerceForbiddenError(WooCommerceError):
    """403: the key works but its WordPress user lacks the capability (not a Shop Manager/Administrator)."""


class WooCommerceNotFoundError(WooCommerceError):
    """404, e.g. `rest_no_route` when a plugin (such as Subscriptions) is not active."""


class WooCommerceBadRequestError(WooCommerceError):
    """400, e.g. `rest_invalid_param` or `rest_missing_callback_param`."""


class WooCommerceRateLimitedError(WooCommerceError):
    """429 that persisted through every retry."""


class WooCommerceServerError(WooCommerceError):
    """5xx that persisted through every retry."""


_ERROR_BY_STATUS: dict[int, type[WooCommerceError]] = {
    400: WooCommerceBadRequestError,
    401: WooCommerceAuthError,
    403: WooCommerceForbiddenError,
    404: WooCommerceNotFoundError,
    429: WooCommerceRateLimitedError,
}


def error_class_for_status(status: int) -> type[WooCommerceError]:
    if status >= 500:
        return WooCommerceServerError
    return _ERROR_BY_STATUS.get(status, WooCommerceError)


def _error_params(data: Any) -> dict[str, Any]:
    """Per-field details from data.params: a dict for invalid values, a list of names for missing ones."""
    params = data.get("params") if isinstance(data, Mapping) else None
    if isinstance(params, Mapping):
        return dict(params)
    if isinstance(params, list):
        return {str(name): "missing" for name in params}
    return {}


def error_from_response(response: requests.Response, body: Any, *, secrets: tuple[str, ...] = ()) -> WooCommerceError:
    """The typed error for a non-2xx response whose body was already parsed (`body` is None when not JSON)."""
    status = response.status_code
    url = response.url or ""
    if isinstance(body, Mapping) and ("code" in body or "message" in body):
        code = body.get("code")
        message = redact_text(str(body.get("message") or f"The store answered with HTTP {status}."), *secrets)
        return error_class_for_status(status)(
            message,
            status=status,
            code=str(code) if code is not None else None,
            params=_error_params(body.get("data")),
            url=url,
        )
    if status >= 500 or status == 429:
        reason = "is overloaded or failing" if status >= 500 else "is limiting how fast we may ask"
        return error_class_for_status(status)(f"The store {reason} (HTTP {status}).", status=status, url=url)
    return not_json_error(response, secrets=secrets)


def not_json_error(response: requests.Response, *, secrets: tuple[str, ...] = ()) -> WooCommerceNotJSONError:
    content_type = response.headers.get("Content-Type", "")
    snippet = redact_text(response.text[:SNIPPET_CHARS], *secrets)
    return WooCommerceNotJSONError(
        "The store answered with a web page instead of WooCommerce API data. A security plugin, firewall or "
        "missing permalink setting is usually the cause.",
        status=response.status_code,
        url=response.url or "",
        content_type=content_type,
        snippet=snippet,
    )


# Merchant-facing transport errors, built here so the client stays about requests, not wording.
def tls_error(url: str, detail: str) -> WooCommerceTLSError:
    return WooCommerceTLSError(
        "Your store's security certificate could not be verified (it may be expired, self-signed or issued for "
        "another address). Fix the certificate or use the address it was issued for.",
        code="tls_error",
        url=url,
        params={"detail": detail},
    )


def connection_error(url: str, detail: str, *, timed_out: bool) -> WooCommerceConnectionError:
    return WooCommerceConnectionError(
        "We could not connect to your store. Check that the address is right and that the site is up.",
        code="timeout" if timed_out else "connection_failed",
        url=url,
        params={"detail": detail},
    )


def redirect_loop_error(chain: list[str]) -> WooCommerceRedirectError:
    return WooCommerceRedirectError(
        "Your store's address redirects in a loop, so we cannot load it. Open it in a browser and check your "
        "WordPress Address and Site Address settings.",
        code="redirect_loop",
        redirect_chain=chain,
        url=chain[-1],
    )


def too_many_redirects_error(chain: list[str], limit: int) -> WooCommerceRedirectError:
    return WooCommerceRedirectError(
        f"Your store's address redirects more than {limit} times. Enter the final address of your store.",
        code="too_many_redirects",
        redirect_chain=chain,
        url=chain[-1],
    )


def api_redirect_error(response: requests.Response, target: str) -> WooCommerceRedirectError:
    return WooCommerceRedirectError(
        f"The store's API answered from another address ({redact_url(target)}). Enter that address (usually with "
        "https:// and the same www. prefix) as your store URL.",
        status=response.status_code,
        code="api_redirect",
        redirect_chain=[response.url, target],
        url=response.url,
    )
