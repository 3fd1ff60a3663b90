"""Injected failures (hosts, CDNs and security plugins in front of a store) and the request log."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from .httpmsg import HttpRequest, HttpResponse
from .wp import parse_str, wp_json_encode

REDACTED_PARAMS = frozenset({"consumer_key", "consumer_secret", "oauth_consumer_key", "oauth_signature"})
FAULT_KINDS = ("500", "503", "429", "timeout", "malformed_json", "drop")
WP_CRITICAL_ERROR = {
    "code": "internal_server_error",
    "message": "<p>There has been a critical error on this website.</p>"
    '<p><a href="https://wordpress.org/documentation/article/faq-troubleshooting/">'
    "Learn more about troubleshooting WordPress.</a></p>",
    "data": {"status": 500},
    "additional_errors": [],
}


@dataclass
class Fault:
    path_regex: re.Pattern[str]
    kind: str
    remaining: int
    retry_after: str | None = None
    delay: float = 30.0


@dataclass(frozen=True)
class SeenRequest:
    """One request as received; credential values are replaced by '<redacted>'."""

    method: str
    scheme: str
    path: str
    query: dict[str, object]
    header_names: tuple[str, ...]
    has_authorization: bool


class FaultInjector:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, path_regex: str, kind: str, times: int, retry_after: int | str | None, delay: float) -> None:
        if kind not in FAULT_KINDS and not (kind.isdigit() and 400 <= int(kind) < 600):
            raise ValueError(f"unknown fault kind {kind!r}; use one of {FAULT_KINDS} or an HTTP status")
        retry = None if retry_after is None else str(retry_after)
        with self._lock:
            self._faults.append(Fault(re.compile(path_regex), kind, times, retry, delay))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, request: HttpRequest) -> Fault | None:
        """The first armed fault whose regex matches the request's path (+ '?query'), consumed once."""
        target = request.request_uri
        with self._lock:
            for fault in self._faults:
                if fault.remaining > 0 and fault.path_regex.search(target):
                    fault.remaining -= 1
                    return fault
        return None


def fault_response(fault: Fault) -> HttpResponse | None:
    """The response to send, or None when the connection must just be closed (drop/timeout)."""
    retry = [("Retry-After", fault.retry_after)] if fault.retry_after is not None else []
    if fault.kind == "500":
        headers = [("Content-Type", "application/json; charset=UTF-8")]
        return HttpResponse(500, headers, wp_json_encode(WP_CRITICAL_ERROR))
    if fault.kind == "malformed_json":
        return HttpResponse(200, [("Content-Type", "application/json; charset=UTF-8")], b'{"id":1,"status":"comp')
    if fault.kind in ("drop", "timeout"):
        return None
    status = int(fault.kind)
    reason = {429: "Too Many Requests", 503: "Service Unavailable"}.get(status, "Error")
    body = f"<html><head><title>{status} {reason}</title></head><body><h1>{reason}</h1></body></html>"
    return HttpResponse(status, [("Content-Type", "text/html"), *retry], body.encode())


def redact_query(query: str) -> dict[str, object]:
    parsed = parse_str(query)
    return {k: ("<redacted>" if k in REDACTED_PARAMS else v) for k, v in parsed.items()}


def seen(request: HttpRequest) -> SeenRequest:
    return SeenRequest(
        method=request.method,
        scheme=request.scheme,
        path=request.path,
        query=redact_query(request.query),
        header_names=request.header_names,
        has_authorization="authorization" in request.headers,
    )


@dataclass
class RequestLog:
    entries: list[SeenRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, request: HttpRequest) -> None:
        with self.lock:
            self.entries.append(seen(request))
