"""The one place outbound HTTP sessions are built, shared by the WooCommerce and ChartMogul clients.

Every session has a mandatory timeout (requests has none by default, and a hung store would pin a
worker forever), connection pooling, and no retries of its own: each client decides what is safe to
retry, because a blind POST retry can duplicate data.
"""

from __future__ import annotations

import email.utils
import random
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 60.0
USER_AGENT = "SaaSync/0.1 (+https://saasync.io)"

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_BACKOFF_SECONDS = 60.0

# Query parameters and headers whose values are credentials and must never reach a log line.
SECRET_PARAM_NAMES = frozenset(
    {"consumer_key", "consumer_secret", "oauth_consumer_key", "oauth_signature", "api_key", "token", "secret"}
)
SECRET_HEADER_NAMES = frozenset({"authorization", "proxy-authorization", "cookie", "x-wc-webhook-signature"})
REDACTED = "<redacted>"


class TimeoutHTTPAdapter(HTTPAdapter):
    """An adapter that applies a default (connect, read) timeout to every request it sends."""

    def __init__(self, *args: Any, timeout: tuple[float, float], **kwargs: Any) -> None:
        self.default_timeout = timeout
        super().__init__(*args, **kwargs)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().send(request, **kwargs)


def build_session(
    *,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
    pool_maxsize: int = 10,
    adapter_class: type[TimeoutHTTPAdapter] = TimeoutHTTPAdapter,
) -> requests.Session:
    """A pooled session whose every request carries a timeout; retries are the caller's business."""
    session = requests.Session()
    adapter = adapter_class(
        timeout=(connect_timeout, read_timeout), pool_connections=pool_maxsize, pool_maxsize=pool_maxsize, max_retries=0
    )
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    # Environment proxies/netrc would silently change where credentials go.
    session.trust_env = False
    return session


def retry_after_seconds(response: requests.Response | None) -> float | None:
    """Seconds the server asked us to wait (`Retry-After` as seconds or an HTTP date), if any."""
    if response is None:
        return None
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def backoff_delay(attempt: int, *, retry_after: float | None = None, base: float = 1.0) -> float:
    """Full-jitter exponential backoff (attempt counts from 1), or the server's Retry-After if longer."""
    ceiling = min(MAX_BACKOFF_SECONDS, base * (2 ** (attempt - 1)))
    delay = random.uniform(0, ceiling)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_BACKOFF_SECONDS))
    return delay


def redact_url(url: str) -> str:
    """The URL with credential-bearing query parameters and any userinfo replaced by a marker."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = urlencode(
        [
            (k, REDACTED if k.lower() in SECRET_PARAM_NAMES else v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ],
        safe="<>",
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: (REDACTED if k.lower() in SECRET_HEADER_NAMES else v) for k, v in headers.items()}


_SECRET_IN_TEXT = re.compile(r"\b(c[ks]_[0-9a-f]{40})\b", re.IGNORECASE)


def redact_text(text: str, *secrets: str) -> str:
    """Text with the given secrets and anything shaped like a WooCommerce key removed."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return _SECRET_IN_TEXT.sub(REDACTED, text)
