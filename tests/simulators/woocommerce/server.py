"""`WooCommerceStoreSimulator`: a real threaded HTTP(S) server that behaves like store-a.

URLs: over https the simulator is reached as `https://localhost:PORT` (the certificate from
`tests.simulators.tls` is valid for localhost/127.0.0.1/::1); over http as `http://127.0.0.1:PORT`.
`home_url` defaults to `base_url` and may be changed to simulate a www/non-www or scheme mismatch.
Every connection is closed after one response (like the recorded `php -S` store).
"""

from __future__ import annotations

import secrets
import socket
import ssl
import string
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.simulators.tls import issue_server_cert, test_ca_bundle_path, untrusted_server_cert

from . import frontend
from .actions import StoreActions
from .auth import Authenticator
from .discovery import HPOS_DATASTORE
from .faults import FaultInjector, RequestLog, SeenRequest, fault_response
from .httpmsg import HttpRequest, HttpResponse
from .rest import RestResponse
from .state import RECORDED_ORIGIN, STORE_A_DIR, StoreState
from .webhooks import DeliveryAttempt, WebhookDispatcher
from .wp import encode_with_urls

REST_COMMON_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link"),
    ("Access-Control-Allow-Headers", "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type"),
]
NOCACHE_HEADERS = [
    ("Expires", "Wed, 11 Jan 1984 05:00:00 GMT"),
    ("Cache-Control", "no-cache, must-revalidate, max-age=0, no-store, private"),
]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "Apache"
    sys_version = ""
    timeout = 90  # seconds a silent client may hold a handler thread

    def handle(self) -> None:
        try:
            if isinstance(self.request, ssl.SSLSocket):
                self.request.do_handshake()
            self.close_connection = True
            self.handle_one_request()
        except (ssl.SSLError, ConnectionError, TimeoutError, OSError):
            # Clients that reject our certificate or hang up are part of the scenarios under test.
            self.close_connection = True

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: tests read `requests_seen` instead of a log."""

    def _serve(self) -> None:
        sim = self.server.simulator
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        request = HttpRequest(
            method=self.command,
            scheme=sim.scheme,
            path=path,
            query=query,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            header_names=tuple(self.headers.keys()),
        )
        sim.request_log.add(request)
        if sim.latency and sim.stopping.wait(sim.latency):
            return
        fault = sim.faults.take(request)
        if fault is not None:
            response = fault_response(fault)
            if response is None:
                if fault.kind == "timeout":
                    sim.stopping.wait(fault.delay)
                # Close without a byte of response: the client sees RemoteDisconnected / a reset.
                if fault.kind == "drop":
                    self.request.shutdown(socket.SHUT_RDWR)
                return
        else:
            response = sim.handle(request)
        self._send(response, head_only=self.command == "HEAD")

    def _send(self, response: HttpResponse, *, head_only: bool) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if not head_only:
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], simulator: WooCommerceStoreSimulator) -> None:
        self.simulator = simulator
        super().__init__(address, _Handler)


class WooCommerceStoreSimulator:
    """A WooCommerce 10.0.2 + Subscriptions 7.9.0 store with store-a's data. See package docstring."""

    def __init__(
        self,
        scheme: str = "https",
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        hostname: str | None = None,
        data_dir: Path | None = STORE_A_DIR,
        latency: float = 0.0,
        home_url: str | None = None,
        site_url: str | None = None,
        site_name: str = "Store A",
        wc_version: str = "10.0.2",
        wp_version: str = "6.8.3",
        subscriptions_active: bool = True,
        subscriptions_version: str = "7.9.0",
        permalinks: str = "pretty",
        plain_permalinks_server: str = "php-builtin",
        strip_authorization_header: bool = False,
        tls_untrusted: bool = False,
        redirect_to: str | None = None,
        currency: str = "USD",
        order_datastore: str = HPOS_DATASTORE,
        discovery_link_header: bool = True,
        clock: Any = time.time,
    ) -> None:
        if scheme not in ("https", "http"):
            raise ValueError("scheme must be 'https' or 'http'")
        self.scheme, self.bind_host, self.port = scheme, host, port
        self.hostname = hostname or ("localhost" if scheme == "https" else host)
        self.latency = latency
        self._home_url = home_url
        self.site_url, self.site_name = site_url, site_name
        self.wc_version, self.wp_version = wc_version, wp_version
        self.subscriptions_active, self.subscriptions_version = subscriptions_active, subscriptions_version
        self.permalinks, self.plain_permalinks_server = permalinks, plain_permalinks_server
        self.strip_authorization_header = strip_authorization_header
        self.tls_untrusted = tls_untrusted
        self.redirect_to = redirect_to
        self.currency, self.order_datastore = currency, order_datastore
        self.discovery_link_header = discovery_link_header
        self.front_page_redirect: tuple[str, int] | None = None
        self.state = StoreState(data_dir)
        self.authenticator = Authenticator(self.state, lambda: self.home_url, clock)
        self.webhooks = WebhookDispatcher(
            self.state,
            payload=self._webhook_payload,
            source_url=lambda: self.home_url + "/",
            user_agent=lambda: f"WooCommerce/{self.wc_version} Hookshot (WordPress/{self.wp_version})",
            verify=test_ca_bundle_path(),
        )
        self.actions = StoreActions(self.state, self.webhooks)
        self.faults = FaultInjector()
        self.request_log = RequestLog()
        self.stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ----- lifecycle -------------------------------------------------------------------------
    def start(self) -> WooCommerceStoreSimulator:
        if self._server is not None:
            return self  # already running (e.g. started, then used as a context manager)
        self.stopping.clear()
        self._server = _Server((self.bind_host, self.port), self)
        self.port = self._server.server_address[1]
        if self.scheme == "https":
            hosts = sorted({"localhost", "127.0.0.1", "::1", self.hostname})
            cert, key = untrusted_server_cert(hosts) if self.tls_untrusted else issue_server_cert(hosts)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            # Handshake in the per-request thread, so a stalled client cannot block accept().
            self._server.socket = context.wrap_socket(
                self._server.socket, server_side=True, do_handshake_on_connect=False
            )
        self.webhooks.start()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="woo-sim", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self.webhooks.stop()

    def __enter__(self) -> WooCommerceStoreSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----- URLs ------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.hostname}:{self.port}"

    @property
    def home_url(self) -> str:
        return (self._home_url or self.base_url).rstrip("/")

    @home_url.setter
    def home_url(self, value: str | None) -> None:
        self._home_url = value

    def rest_origin(self, is_ssl: bool) -> str:
        """`get_rest_url()`'s scheme rule: https on an SSL request, else the home URL's own scheme."""
        home = urlsplit(self.home_url)
        return f"{'https' if is_ssl else home.scheme}://{home.netloc}{home.path}"

    def api_root(self, is_ssl: bool) -> str:
        if self.permalinks == "plain":
            return f"{self.rest_origin(is_ssl)}/index.php?rest_route=/"
        return f"{self.rest_origin(is_ssl)}/wp-json/"

    def rest_url(self, route: str, is_ssl: bool) -> str:
        return self.api_root(is_ssl) + route.lstrip("/")

    # ----- configuration helpers -------------------------------------------------------------
    def add_api_key(self, permissions: str = "read_write", role: str = "administrator") -> tuple[str, str]:
        """A new key (`ck_`+40 hex, `cs_`+40 hex) acting as a user with `role`."""
        return self.state.add_api_key(permissions=permissions, role=role)

    def redirect_front_page(self, url: str | None, status: int = 302) -> None:
        """Make `GET /` redirect to `url` (None restores the front page)."""
        self.front_page_redirect = None if url is None else (url, status)

    def inject_fault(
        self,
        path_regex: str,
        kind: str = "500",
        times: int = 1,
        retry_after: int | str | None = None,
        delay: float = 30.0,
    ) -> None:
        """Fail the next `times` requests whose path+query matches: 500/503/429/timeout/malformed_json/drop."""
        self.faults.add(path_regex, kind, times, retry_after, delay)

    @property
    def requests_seen(self) -> list[SeenRequest]:
        with self.request_log.lock:
            return list(self.request_log.entries)

    @staticmethod
    def random_secret() -> str:
        alphabet = string.ascii_letters + string.digits + "!@#$%^&*()-_ []{}<>~`+=,.;:/?|"
        return "".join(secrets.choice(alphabet) for _ in range(50))

    # ----- data changes (each fires the matching webhooks) -----------------------------------
    def update_order(self, order_id: int, **fields: Any) -> dict[str, Any]:
        return self.actions.update_order(order_id, **fields)

    def create_order(self, **fields: Any) -> dict[str, Any]:
        return self.actions.create_order(**fields)

    def create_renewal_order(self, subscription_id: int, **fields: Any) -> dict[str, Any]:
        return self.actions.create_order(renewal_of=subscription_id, **fields)

    def add_refund(self, order_id: int, amount: str, reason: str = "") -> dict[str, Any]:
        return self.actions.add_refund(order_id, amount, reason)

    def update_subscription(self, subscription_id: int, **fields: Any) -> dict[str, Any]:
        return self.actions.update_subscription(subscription_id, **fields)

    def create_subscription(self, **fields: Any) -> dict[str, Any]:
        return self.actions.create_subscription(**fields)

    # ----- webhooks --------------------------------------------------------------------------
    def deliver(self, topic: str, resource_id: int) -> list[DeliveryAttempt]:
        """Synchronously deliver `topic` for `resource_id` to every active webhook on that topic."""
        with self.state.lock:
            targets = [w for w in self.state.webhooks.values() if w.topic == topic and w.status == "active"]
        return [self.webhooks.deliver_now(webhook, resource_id) for webhook in targets]

    def wait_for_webhooks(self, timeout: float = 10.0) -> bool:
        return self.webhooks.wait(timeout)

    @property
    def webhook_attempts(self) -> list[DeliveryAttempt]:
        with self.state.lock:
            return list(self.webhooks.attempts)

    def _webhook_payload(self, resource: str, resource_id: int) -> bytes | None:
        collection = {
            "order": self.state.orders,
            "subscription": self.state.subscriptions,
            "customer": self.state.customers,
            "product": self.state.products,
        }.get(resource, {})
        with self.state.lock:
            row = collection.get(resource_id)
            if row is None:
                return None
            return self._encode(row, is_ssl=urlsplit(self.home_url).scheme == "https")

    # ----- rendering -------------------------------------------------------------------------
    def _encode(self, data: Any, *, is_ssl: bool) -> bytes:
        return encode_with_urls(
            data, recorded_origin=RECORDED_ORIGIN, origin=self.rest_origin(is_ssl), rest_root=self.api_root(is_ssl)
        )

    def render_rest(self, response: RestResponse, *, is_ssl: bool, allow: str | None, logged_in: bool) -> HttpResponse:
        headers = [*frontend.PHP_HEADERS, ("Content-Type", "application/json; charset=UTF-8")]
        headers.append(("X-Robots-Tag", "noindex"))
        if response.link is None:
            headers.append(("Link", f'<{self.api_root(is_ssl)}>; rel="https://api.w.org/"'))
        headers += REST_COMMON_HEADERS
        headers += response.headers
        if response.link is not None:
            headers.append(("Link", response.link))
        if allow:
            headers.append(("Allow", allow))
        headers += NOCACHE_HEADERS if logged_in else [("Vary", "Origin")]
        return HttpResponse(response.status, headers, self._encode(response.data, is_ssl=is_ssl))

    def handle(self, request: HttpRequest) -> HttpResponse:
        return frontend.handle(self, request)
