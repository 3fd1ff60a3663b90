"""OAuth 1.0a one-legged signing exactly as WooCommerce verifies it, for stores reachable only over plain HTTP.

Mirrors `WC_REST_Authentication::check_oauth_signature()` (reference/woocommerce-api.md §1.2):
- parameters sorted with `strcmp` on the raw keys (byte order);
- every key and value encoded with PHP `rawurlencode` (RFC 3986, so `/` becomes %2F; the PyPI `woocommerce`
  package leaves `/` alone and gets 401 "Invalid signature" for e.g. rest_route=/wc/v3/orders), then each
  `key=value` pair encoded AGAIN and the pairs joined with `%26`;
- base URL = request scheme + host/port/path of the store's HOME url + the request path minus the home path;
- key = consumer_secret + "&" (no token secret in one-legged OAuth), HMAC-SHA256 or HMAC-SHA1, base64.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from urllib.parse import quote, urlsplit

HASHES = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}
DEFAULT_ALGORITHM = "HMAC-SHA256"

# Indirections so tests can pin the nonce and the clock without patching the stdlib globally.
_now = time.time


def _new_nonce() -> str:
    return secrets.token_hex(16)  # 32 characters, the length WooCommerce's docs recommend


def rfc3986(value: object) -> str:
    """PHP's rawurlencode(): everything but A-Z a-z 0-9 - _ . ~ percent-encoded from UTF-8 bytes."""
    return quote(str(value), safe="~")


def _strcmp_key(key: str) -> bytes:
    return key.encode("utf-8")


def signature_base_string(method: str, base_url: str, params: Mapping[str, object]) -> str:
    """METHOD & rawurlencode(base_url) & the double-encoded, sorted parameter string (oauth_signature excluded)."""
    signed = {str(k): v for k, v in params.items() if k != "oauth_signature"}
    pairs = [rfc3986(f"{rfc3986(key)}={rfc3986(signed[key])}") for key in sorted(signed, key=_strcmp_key)]
    return f"{method.upper()}&{rfc3986(base_url)}&{'%26'.join(pairs)}"


def sign(
    method: str,
    base_url: str,
    params: Mapping[str, object],
    consumer_secret: str,
    algorithm: str = DEFAULT_ALGORITHM,
) -> str:
    """The base64 `oauth_signature` WooCommerce will compute for this request."""
    try:
        digest = HASHES[algorithm]
    except KeyError:
        raise ValueError(f"WooCommerce accepts only HMAC-SHA1 or HMAC-SHA256, not {algorithm!r}") from None
    base = signature_base_string(method, base_url, params)
    mac = hmac.new(f"{consumer_secret}&".encode(), base.encode("utf-8"), digest)
    return base64.b64encode(mac.digest()).decode("ascii")


def oauth_params(consumer_key: str, *, nonce: str | None = None, timestamp: int | None = None) -> dict[str, str]:
    """The oauth_* parameters of one request (oauth_version is omitted, as WooCommerce's docs ask)."""
    return {
        "oauth_consumer_key": consumer_key,
        "oauth_nonce": nonce if nonce is not None else _new_nonce(),
        "oauth_signature_method": DEFAULT_ALGORITHM,
        "oauth_timestamp": str(timestamp if timestamp is not None else int(_now())),
    }


def signature_base_url(request_url: str, home_url: str) -> str:
    """The URL WooCommerce signs: get_home_url(null, <request path minus home path>, <request scheme>).

    The store may be reached under another host name than its WordPress "home" (a www. alias, an IP), and
    the server always signs with the home URL's host and port, so we must too.
    """
    request = urlsplit(request_url)
    home = urlsplit(home_url)
    home_path = home.path.rstrip("/")
    request_path = request.path
    wp_base = home_path + "/"  # get_home_url(null, '/', 'relative')
    if request_path.startswith(wp_base):
        request_path = request_path[len(wp_base) :]
    url = f"{request.scheme}://{home.netloc.rsplit('@', 1)[-1]}{home_path}"
    if request_path:
        url += "/" + request_path.lstrip("/")
    return url


def signed_params(
    method: str,
    request_url: str,
    home_url: str,
    params: Mapping[str, str],
    *,
    consumer_key: str,
    consumer_secret: str,
) -> dict[str, str]:
    """`params` plus fresh oauth_* parameters and their signature, ready for the query string."""
    for key in params:
        if key.startswith("oauth_"):
            raise ValueError(f"{key!r} is reserved for OAuth")
        if any(c in key for c in "[]. "):
            # PHP rewrites such names in $_GET (a.b -> a_b, a[] -> array), so the server would sign other names.
            raise ValueError(f"query parameter name {key!r} cannot be signed the way WooCommerce checks it")
    all_params = {**params, **oauth_params(consumer_key)}
    all_params["oauth_signature"] = sign(
        method, signature_base_url(request_url, home_url), all_params, consumer_secret, DEFAULT_ALGORITHM
    )
    return all_params
