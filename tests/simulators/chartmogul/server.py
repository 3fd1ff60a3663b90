"""A real HTTP server on 127.0.0.1 that answers like api.chartmogul.com (plain http).

Authentication, permission, parallel-connection and fault behaviour live here; objects and their
rules live in `state.py` / `operations.py`, URL routing in `routes.py`.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.simulators.chartmogul.routes import dispatch
from tests.simulators.chartmogul.state import AccountState, ApiError

UNAUTHORIZED = {"code": 401, "message": "No valid API key provided", "param": None}  # recorded
# ASSUMED (not recorded): ChartMogul documents 403 for keys without the needed access level; the
# body is assumed to use the same code/message/param shape as the recorded 401.
FORBIDDEN = {"code": 403, "message": "The API key does not have write access.", "param": None}
# ASSUMED bodies for 429/503: the docs give the 429 sentence; neither was ever recorded.
TOO_MANY_REQUESTS = {"code": 429, "message": "Your request rate has exceeded our rate limit.", "param": None}
TOO_MANY_CONNECTIONS = {"code": 503, "message": "Too Many Parallel Connections", "param": None}
PLAIN_TEXT_BODIES = {500: "500 Internal Server Error", 504: "504 Gateway Timeout Error"}  # recorded, text/plain
MAX_PARALLEL = 20
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class Fault:
    path_regex: re.Pattern[str]
    kind: str
    times: int
    retry_after: float | None
    method: str | None
    delay: float


@dataclass
class LoggedRequest:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int
    authenticated: bool
    fault: str | None = None
    started_at: float = field(default_factory=time.monotonic)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Buffer the whole answer and send it in one segment: headers and body in two writes meet the
    # client's delayed ACK and cost ~40 ms per request on keep-alive connections.
    wbufsize = -1
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        return

    def _respond(self, status: int, body: Any, *, headers: dict[str, str] | None = None) -> None:
        if body is None:
            payload, content_type = b"", None
        elif isinstance(body, str):
            payload, content_type = body.encode(), "text/plain; charset=utf-8"
        else:
            payload, content_type = json.dumps(body).encode(), "application/json"
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _api_key(self) -> str | None:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        return user if password in ("", user) else None  # docs: password empty or the key again

    def _handle(self) -> None:
        sim = self.server.simulator
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw) if raw.strip() else None
        except ValueError:
            body = raw.decode(errors="replace")
        entry = LoggedRequest(self.command, parts.path, query, body, status=0, authenticated=False)
        sim.requests.append(entry)
        with sim._lock:
            sim._in_flight += 1
            crowded = sim._in_flight > MAX_PARALLEL
        try:
            if crowded:
                entry.status = 503
                return self._respond(503, TOO_MANY_CONNECTIONS)
            fault = sim._take_fault(self.command, parts.path)
            entry.fault = fault.kind if fault else None
            if fault and fault.kind not in ("timeout", "drop"):
                status = int(fault.kind)
                headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
                entry.status = status
                body_out = PLAIN_TEXT_BODIES.get(status) or (
                    TOO_MANY_REQUESTS if status == 429 else TOO_MANY_CONNECTIONS
                )
                return self._respond(status, body_out, headers=headers)
            key = self._api_key()
            access = sim._keys.get(key or "")
            if access is None:
                status, out = 401, UNAUTHORIZED
            elif access == "read" and self.command in WRITE_METHODS:
                entry.authenticated = True
                status, out = 403, FORBIDDEN
            else:
                entry.authenticated = True
                try:
                    status, out = dispatch(sim.state, self.command, parts.path, query, body)
                except ApiError as err:
                    status, out = err.status, err.body
            entry.status = status
            if fault is not None:
                # The request WAS processed; only the answer is lost (the case a client cannot tell apart).
                if fault.kind == "timeout":
                    time.sleep(fault.delay)
                    return self._respond(status, out)
                self.close_connection = True
                self.connection.shutdown(2)
                return None
            return self._respond(status, out)
        finally:
            with sim._lock:
                sim._in_flight -= 1

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The default listen backlog of 5 would hold back the 21st parallel connection in the kernel
    # instead of letting it reach the 20-connection check.
    request_queue_size = 128
    simulator: ChartMogulSimulator


class ChartMogulSimulator:
    """Usage: `with ChartMogulSimulator() as sim: key = sim.add_api_key()`, then point a client at
    `sim.base_url` with that key."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.state = AccountState()
        self.requests: list[LoggedRequest] = []
        self._keys: dict[str, str] = {}
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._in_flight = 0
        self._server = _Server((host, port), _Handler)
        self._server.simulator = self
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> ChartMogulSimulator:
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever, name="chartmogul-sim", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> ChartMogulSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def add_api_key(self, access: str = "read_write", *, key: str | None = None) -> str:
        if access not in ("read_write", "read"):
            raise ValueError("access must be 'read_write' or 'read'")
        key = key or secrets.token_hex(16)
        self._keys[key] = access
        return key

    def inject_fault(
        self,
        path_regex: str,
        kind: str = "500",
        *,
        times: int = 1,
        retry_after: float | None = None,
        method: str | None = None,
        delay: float = 3.0,
    ) -> None:
        """Answer the next `times` matching requests with a fault instead of normally.

        "500"/"504": the recorded plain-text bodies; "429"/"503": JSON (ASSUMED) with optional Retry-After;
        all four leave the state untouched. "timeout" (answer after `delay` s) and "drop" (close without
        answering) process the request first, so the client cannot know whether its write happened.
        """
        if kind not in ("500", "504", "429", "503", "timeout", "drop"):
            raise ValueError(f"unknown fault kind {kind!r}")
        with self._lock:
            self._faults.append(Fault(re.compile(path_regex), kind, times, retry_after, method, delay))

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.times > 0 and (fault.method in (None, method)) and fault.path_regex.search(path):
                    fault.times -= 1
                    return fault
        return None

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def requests_to(self, path_regex: str, method: str | None = None) -> list[LoggedRequest]:
        pattern = re.compile(path_regex)
        return [r for r in self.requests if pattern.search(r.path) and method in (None, r.method)]
