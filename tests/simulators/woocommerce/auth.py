"""`WC_REST_Authentication` of WooCommerce 10.0.2, step by step.

Order of events on a real store, reproduced here:
1. Only requests whose REQUEST_URI contains `wp-json/wc/` or `wp-json/wc-` are looked at (WC <= 11.0 is
   path based, so `?rest_route=/wc/...` stays anonymous).
2. Over HTTPS: Basic auth (query-string `consumer_key`/`consumer_secret` first, then the Basic header).
   An unknown key is silently anonymous; a wrong secret records "Consumer secret is invalid.".
3. If nobody is authenticated yet: OAuth 1.0a one-legged, on HTTP *and* HTTPS.
4. A recorded error becomes the response (401) before routing; the key's read/write permission is
   checked before routing too (`rest_pre_dispatch`).

No `WWW-Authenticate` header is produced: WooCommerce only sends it when the *last* method tried was
Basic, but step 3 always runs after a failed Basic attempt and switches the method to `oauth1`
(the recorded wrong-secret response has no such header).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus, urlsplit

from .state import ApiKey, StoreState
from .wp import QueryValue, WPError, rawurldecode, rawurlencode

OAUTH_REQUIRED = ("oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature", "oauth_signature_method")
OAUTH_WINDOW_SECONDS = 15 * 60


def _auth_error(message: str, code: str = "woocommerce_rest_authentication_error") -> WPError:
    return WPError(code, message, 401)


@dataclass
class AuthRequest:
    """What WordPress' PHP sees of one HTTP request."""

    method: str
    is_ssl: bool
    request_uri: str  # raw path + '?' + raw query, like $_SERVER['REQUEST_URI']
    get: dict[str, QueryValue]  # $_GET
    post: dict[str, QueryValue]  # $_POST (form-encoded bodies only)
    authorization: str | None  # the header as received (None when absent or stripped by the host)


@dataclass
class AuthOutcome:
    key: ApiKey | None = None
    error: WPError | None = None


def is_request_to_wc_api(request_uri: str) -> bool:
    """WC <= 11.0: `strpos(REQUEST_URI, 'wp-json/wc/')` or `'wp-json/wc-'`."""
    return "wp-json/wc/" in request_uri or "wp-json/wc-" in request_uri


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    if not authorization or authorization[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def parse_oauth_header(header: str) -> dict[str, str]:
    """`WC_REST_Authentication::parse_header` (regex from the OAuth PHP library; values are urldecoded)."""
    if not header.startswith("OAuth "):
        return {}
    params: dict[str, str] = {}
    for match in re.finditer(r'(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))', header):
        params[match.group(1)] = unquote_plus(match.group(3) or match.group(4) or "")
    return params


def _rfc3986(value: Any) -> Any:
    if isinstance(value, list):
        return [_rfc3986(v) for v in value]
    if isinstance(value, dict):
        return {k: _rfc3986(v) for k, v in value.items()}
    return rawurlencode(str(value))


def _join_with_equals_sign(params: dict[str, Any], out: list[str], prefix: str = "") -> list[str]:
    for raw_key, value in params.items():
        key = f"{prefix}%5B{raw_key}%5D" if prefix else raw_key
        if isinstance(value, dict | list):
            nested = dict(enumerate(value)) if isinstance(value, list) else value
            _join_with_equals_sign({str(k): v for k, v in nested.items()}, out, key)
        else:
            out.append(rawurlencode(f"{key}={value}"))
    return out


def oauth_signature(method: str, base_url: str, params: dict[str, Any], secret: str, algorithm: str) -> str:
    """The signature WooCommerce computes (double RFC 3986 encoding, strcmp key order)."""
    unsigned = {k: v for k, v in params.items() if k != "oauth_signature"}
    ordered = dict(sorted(unsigned.items(), key=lambda item: item[0].encode()))
    normalized = {rawurlencode(k): _rfc3986(v) for k, v in ordered.items()}
    string_to_sign = f"{method.upper()}&{rawurlencode(base_url)}&" + "%26".join(_join_with_equals_sign(normalized, []))
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), getattr(hashlib, algorithm)).digest()
    return base64.b64encode(digest).decode()


def oauth_base_url(home_url: str, request_path: str, is_ssl: bool) -> str:
    """`get_home_url(null, $request_path, is_ssl() ? 'https' : 'http')`: the HOME url's host/port, request scheme."""
    home = urlsplit(home_url)
    home_path = home.path.rstrip("/") + "/"
    path = request_path[len(home_path) :] if request_path.startswith(home_path) else request_path
    return f"{'https' if is_ssl else 'http'}://{home.netloc}{home.path.rstrip('/')}/{path.lstrip('/')}"


class Authenticator:
    def __init__(self, state: StoreState, home_url: Callable[[], str], clock: Callable[[], float] = time.time) -> None:
        self.state = state
        self.home_url = home_url
        self.clock = clock

    def authenticate(self, request: AuthRequest) -> AuthOutcome:
        if not is_request_to_wc_api(request.request_uri):
            return AuthOutcome()
        outcome = AuthOutcome()
        if request.is_ssl:
            outcome = self._basic(request)
            if outcome.key is not None:
                return outcome
        return self._oauth(request, outcome)

    def _basic(self, request: AuthRequest) -> AuthOutcome:
        key = secret = ""
        query_key, query_secret = request.get.get("consumer_key"), request.get.get("consumer_secret")
        if isinstance(query_key, str) and isinstance(query_secret, str) and query_key and query_secret:
            key, secret = query_key, query_secret
        if not key:
            credentials = _basic_credentials(request.authorization)
            if credentials and credentials[0] and credentials[1]:
                key, secret = credentials
        if not key or not secret:
            return AuthOutcome()
        api_key = self.state.api_keys.get(key)
        if api_key is None:
            return AuthOutcome()
        if not hmac.compare_digest(api_key.consumer_secret.encode(), secret.encode()):
            return AuthOutcome(error=_auth_error("Consumer secret is invalid."))
        return AuthOutcome(key=api_key)

    def _oauth(self, request: AuthRequest, previous: AuthOutcome) -> AuthOutcome:
        params: dict[str, Any] = {**request.get, **request.post}
        header = (request.authorization or "").strip()
        if header:
            params.update(parse_oauth_header(header))
        missing = [name for name in OAUTH_REQUIRED if not params.get(name)]
        if len(missing) == len(OAUTH_REQUIRED):
            return previous
        if missing:
            noun = "parameter" if len(missing) == 1 else "parameters"
            return AuthOutcome(
                error=_auth_error(
                    f"Missing OAuth {noun} {', '.join(missing)}", "woocommerce_rest_authentication_missing_parameter"
                )
            )
        api_key = self.state.api_keys.get(str(params["oauth_consumer_key"]))
        if api_key is None:
            return AuthOutcome(error=_auth_error("Consumer key is invalid."))
        method = params["oauth_signature_method"]
        if method not in ("HMAC-SHA1", "HMAC-SHA256"):
            return AuthOutcome(error=_auth_error("Invalid signature - signature method is invalid."))
        request_path = urlsplit(request.request_uri).path
        base_url = oauth_base_url(self.home_url(), request_path, request.is_ssl)
        expected = oauth_signature(request.method, base_url, params, api_key.consumer_secret, method[5:].lower())
        provided = rawurldecode(str(params["oauth_signature"]).replace(" ", "+"))
        if not hmac.compare_digest(expected.encode(), provided.encode()):
            return AuthOutcome(error=_auth_error("Invalid signature - provided signature does not match."))
        error = self._check_timestamp_and_nonce(api_key, str(params["oauth_timestamp"]), str(params["oauth_nonce"]))
        if error is not None:
            return AuthOutcome(error=error)
        # A wrong Basic secret stays recorded even if OAuth then succeeds (WooCommerce never clears it).
        return AuthOutcome(key=api_key, error=previous.error)

    def _check_timestamp_and_nonce(self, api_key: ApiKey, timestamp_text: str, nonce: str) -> WPError | None:
        now = int(self.clock())
        try:
            # PHP compares the string numerically; a non-numeric timestamp is 0 and thus too old.
            timestamp = int(float(timestamp_text))
        except ValueError:
            timestamp = 0
        if timestamp < now - OAUTH_WINDOW_SECONDS or timestamp > now + OAUTH_WINDOW_SECONDS:
            return _auth_error("Invalid timestamp.")
        with self.state.lock:
            if nonce in api_key.nonces.values():
                return _auth_error("Invalid nonce - nonce has already been used.")
            api_key.nonces[timestamp] = nonce
            for stamp in [s for s in api_key.nonces if s < now - OAUTH_WINDOW_SECONDS]:
                del api_key.nonces[stamp]
        return None


def check_key_permissions(key: ApiKey, method: str) -> WPError | None:
    """`check_permissions()` on `rest_pre_dispatch`: runs before routing, for key-authenticated requests."""
    if method in ("HEAD", "GET"):
        if key.permissions not in ("read", "read_write"):
            return _auth_error("The API key provided does not have read permissions.")
    elif method in ("POST", "PUT", "PATCH", "DELETE"):
        if key.permissions not in ("write", "read_write"):
            return _auth_error("The API key provided does not have write permissions.")
    elif method != "OPTIONS":
        return _auth_error("Unknown request method.")
    return None
