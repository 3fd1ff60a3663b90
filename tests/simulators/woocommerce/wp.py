"""Small re-implementations of the WordPress/PHP behaviours that shape what a client sees on the wire.

Each helper mirrors one PHP function closely enough that the simulator's bytes match the recorded
store: `parse_str` (PHP query parsing), `urlencode`/`rawurlencode`, WordPress' `_http_build_query` and
`add_query_arg` (pagination `Link` headers are built twice through them, which is why recorded links
look the way they do), `wp_json_encode`, REST errors, and `_fields` filtering.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus, unquote, unquote_plus

QueryValue = Any  # str | list | dict, like a PHP array value


@dataclass
class WPError(Exception):
    """A `WP_Error` as the REST server serialises it: {"code","message","data":{"status",...}}."""

    code: str
    message: str
    status: int
    data: dict[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "data": {"status": self.status, **self.data}}


def wp_json_encode(value: Any) -> bytes:
    """`wp_json_encode()` with PHP's default flags: compact, `\\/` for slashes, `\\uXXXX` for non-ASCII."""
    # '/' can only occur inside JSON strings, so escaping it on the whole text is exact.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/").encode()


def php_urlencode(value: str) -> str:
    """PHP `urlencode`: spaces become '+', everything but [A-Za-z0-9_.-] is percent-encoded."""
    return quote_plus(value, safe="-_.")


def rawurlencode(value: str) -> str:
    """PHP `rawurlencode` (RFC 3986: '~' stays literal)."""
    return quote(value, safe="-_.~")


def parse_str(query: str) -> dict[str, QueryValue]:
    """PHP `parse_str`: ordered, '+' is a space, `a[]=x` / `a[k]=x` build arrays (one level is enough here)."""
    result: dict[str, QueryValue] = {}
    for part in query.split("&"):
        if not part:
            continue
        raw_key, _, raw_value = part.partition("=")
        key = unquote_plus(raw_key)
        value = unquote_plus(raw_value)
        match = re.fullmatch(r"([^\[]+)\[([^\]]*)\](.*)", key)
        if match is None:
            result[key] = value
            continue
        base, sub = match.group(1), match.group(2)
        container = result.get(base)
        if not isinstance(container, dict):
            container = {}
            result[base] = container
        if sub == "":
            container[max((k for k in container if isinstance(k, int)), default=-1) + 1] = value
        else:
            container[int(sub) if sub.isdigit() else sub] = value
    # PHP arrays with keys 0..n-1 are JSON/"numeric" lists; keep dicts only for string keys.
    for key, value in list(result.items()):
        if isinstance(value, dict) and all(isinstance(k, int) for k in value):
            result[key] = [value[k] for k in sorted(value)]
    return result


def _scalar(value: Any) -> str | None:
    if value is None:
        return None
    if value is True:
        return "1"
    if value is False:
        return "0"
    return str(value)


def http_build_query(data: dict[str, QueryValue], *, urlencode: bool, prefix: str = "") -> str:
    """WordPress `_http_build_query($data, null, '&', '', $urlencode)`; nested keys use literal %5B/%5D."""
    parts: list[str] = []
    items = enumerate(data) if isinstance(data, list) else data.items()
    for raw_key, value in items:
        key = str(raw_key)
        if urlencode:
            key = php_urlencode(key)
        if prefix:
            key = f"{prefix}%5B{key}%5D"
        if isinstance(value, list | dict):
            nested = http_build_query(value, urlencode=urlencode, prefix=key)  # type: ignore[arg-type]
            if nested:
                parts.append(nested)
            continue
        text = _scalar(value)
        if text is None:
            continue
        parts.append(f"{key}={php_urlencode(text) if urlencode else text}")
    return "&".join(parts)


def _urlencode_deep(value: QueryValue) -> QueryValue:
    if isinstance(value, list):
        return [_urlencode_deep(v) for v in value]
    if isinstance(value, dict):
        return {k: _urlencode_deep(v) for k, v in value.items()}
    return php_urlencode(_scalar(value) or "")


def add_query_arg(args: dict[str, QueryValue], url: str) -> str:
    """WordPress `add_query_arg( array $args, $url )`: existing query is re-encoded, `$args` go in as given."""
    base, _, query = url.partition("?")
    merged: dict[str, QueryValue] = {k: _urlencode_deep(v) for k, v in parse_str(query).items()}
    for key, value in args.items():
        merged[key] = value
    merged = {k: v for k, v in merged.items() if v is not False}
    built = re.sub(r"=(&|$)", r"\1", http_build_query(merged, urlencode=False))
    return f"{base}?{built}".rstrip("?")


def rest_fields_filter(data: Any, fields_param: str | None) -> Any:
    """`rest_filter_response_fields()`: keep only the `_fields` (dot paths), in the data's own key order."""
    if not fields_param:
        return data
    tree: dict[str, Any] = {}
    for raw in fields_param.split(","):
        name = raw.strip()
        if not name:
            continue
        ref = tree
        parts = name.split(".")
        for part in parts[:-1]:
            if ref.get(part) is True:
                break
            ref = ref.setdefault(part, {})
        else:
            ref[parts[-1]] = True
    if isinstance(data, list):
        return [_intersect(item, tree) for item in data]
    return _intersect(data, tree)


def _intersect(value: Any, tree: dict[str, Any]) -> Any:
    if isinstance(value, list):
        # A PHP list has integer keys, which never match field names.
        return []
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key not in tree:
            continue
        spec = tree[key]
        out[key] = _intersect(item, spec) if isinstance(spec, dict) and isinstance(item, dict | list) else item
    return out


def rawurldecode(value: str) -> str:
    return unquote(value)


def encode_with_urls(value: Any, *, recorded_origin: str, origin: str, rest_root: str) -> bytes:
    """`wp_json_encode` of a stored body after moving its URLs from the recorded store to this one."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=True)
    text = text.replace(f"{recorded_origin}/wp-json/", rest_root).replace(recorded_origin, origin)
    return text.replace("/", "\\/").encode()
