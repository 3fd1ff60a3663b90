"""The SSRF guard: URL checks, DNS results, redirects, and the connect-time peer check (DNS rebinding)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import responses

from connections.clients.ssrf import check_url
from connections.clients.woocommerce import BlockedAddressError, WooCommerceClient, WooCommerceConnectionError

PUBLIC_IP = "93.184.215.14"


def fake_dns(monkeypatch: pytest.MonkeyPatch, table: dict[str, list[str]]) -> list[str]:
    """Answer getaddrinfo from `table` (a name may map to several addresses); returns the names looked up."""
    looked_up: list[str] = []

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        looked_up.append(host)
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        addresses = table[host]
        if len(addresses) > 1 and host.startswith("rebind"):
            table[host] = addresses[1:]  # the next lookup gets the next answer
            addresses = addresses[:1]
        return [
            (socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
            for ip in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return looked_up


def guarded_client(store_url: str, **kwargs) -> WooCommerceClient:
    return WooCommerceClient(
        store_url=store_url, consumer_key="ck_x", consumer_secret="cs_y", allow_private_urls=False, verify=True,
        sleep=lambda _s: None, **kwargs,
    )  # fmt: skip


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "https://10.0.0.8/",
        "http://10.255.255.255:8080/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[::]/",
        "http://[fc00::1]/",
        "http://[fd12:3456::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://[2002:a9fe:a9fe::1]/",
        "http://[64:ff9b::a00:1]/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://127.1/",
    ],
)
def test_private_and_special_addresses_are_refused(url):
    with pytest.raises(BlockedAddressError) as caught:
        check_url(url, allow_private=False)
    assert "is not a public internet address" in caught.value.message


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.8", "169.254.169.254", "::1"])
def test_a_host_name_resolving_to_a_private_address_is_refused(monkeypatch, address):
    fake_dns(monkeypatch, {"shop.example.com": [address]})
    with pytest.raises(BlockedAddressError):
        check_url("https://shop.example.com/", allow_private=False)


def test_every_resolved_address_must_be_public(monkeypatch):
    fake_dns(monkeypatch, {"shop.example.com": [PUBLIC_IP, "10.1.2.3"]})
    with pytest.raises(BlockedAddressError):
        check_url("https://shop.example.com/", allow_private=False)


def test_public_addresses_pass(monkeypatch):
    fake_dns(monkeypatch, {"shop.example.com": [PUBLIC_IP, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]})
    check_url("https://shop.example.com/wp-json/", allow_private=False)
    check_url(f"http://{PUBLIC_IP}:8080/", allow_private=False)


def test_allow_private_lets_everything_through():
    check_url("http://127.0.0.1:8000/", allow_private=True)
    check_url("http://[::1]/", allow_private=True)


@pytest.mark.parametrize(
    "url", ["ftp://shop.example.com/", "file:///etc/passwd", "gopher://x/", "https://user:pw@shop.example.com/"]
)
def test_other_schemes_and_userinfo_are_refused_even_when_private_is_allowed(url):
    with pytest.raises(BlockedAddressError):
        check_url(url, allow_private=True)


def test_unknown_host_is_a_connection_error(monkeypatch):
    fake_dns(monkeypatch, {})
    with pytest.raises(WooCommerceConnectionError) as caught:
        check_url("https://no-such-shop.example/", allow_private=False)
    assert caught.value.code == "dns_failure"


@responses.activate
def test_redirect_to_the_metadata_service_is_refused(monkeypatch):
    fake_dns(monkeypatch, {"shop.example.com": [PUBLIC_IP]})
    responses.add(
        "GET", "https://shop.example.com/", status=301,
        headers={"Location": "http://169.254.169.254/latest/meta-data/iam/security-credentials/"},
    )  # fmt: skip
    responses.add("GET", "http://169.254.169.254/latest/meta-data/iam/security-credentials/", body="secret-role")
    with pytest.raises(BlockedAddressError):
        guarded_client("https://shop.example.com").fetch_front_page()
    assert [call.request.url for call in responses.calls] == ["https://shop.example.com/"]


@responses.activate
def test_redirect_to_a_name_resolving_privately_is_refused(monkeypatch):
    fake_dns(monkeypatch, {"shop.example.com": [PUBLIC_IP], "internal.example.com": ["10.0.0.8"]})
    responses.add("GET", "https://shop.example.com/", status=302, headers={"Location": "https://internal.example.com/"})
    with pytest.raises(BlockedAddressError):
        guarded_client("https://shop.example.com").fetch_front_page()
    assert len(responses.calls) == 1


@responses.activate
def test_api_requests_to_private_addresses_never_leave(monkeypatch):
    fake_dns(monkeypatch, {"shop.example.com": ["10.0.0.8"]})
    with pytest.raises(BlockedAddressError):
        guarded_client("https://shop.example.com").get("orders")
    assert len(responses.calls) == 0


@responses.activate
def test_api_requests_to_public_addresses_are_sent(monkeypatch):
    fake_dns(monkeypatch, {"shop.example.com": [PUBLIC_IP]})
    responses.add("GET", "https://shop.example.com/wp-json/wc/v3/orders", json=[])
    assert guarded_client("https://shop.example.com").get("orders").data == []


class _Recorder(BaseHTTPRequestHandler):
    paths: list[str] = []

    def do_GET(self):
        type(self).paths.append(self.path)
        body = json.dumps([{"id": 1}]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_store() -> Iterator[tuple[int, list[str]]]:
    _Recorder.paths = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], _Recorder.paths
    server.shutdown()
    server.server_close()


def test_dns_rebinding_is_caught_at_connect_time(monkeypatch, local_store):
    """The name is public when checked, then resolves to 127.0.0.1 for the real connection: the peer check stops it."""
    port, paths = local_store
    looked_up = fake_dns(monkeypatch, {"rebind.example.com": [PUBLIC_IP, "127.0.0.1"]})
    with pytest.raises(BlockedAddressError):
        guarded_client(f"http://rebind.example.com:{port}", max_attempts=1).get("orders")
    assert (looked_up, paths) == (["rebind.example.com", "rebind.example.com"], [])


def test_real_local_store_is_refused_unless_private_urls_are_allowed(local_store):
    port, paths = local_store
    with pytest.raises(BlockedAddressError):
        guarded_client(f"http://127.0.0.1:{port}").get("orders")
    assert paths == []
    allowed = WooCommerceClient(
        store_url=f"http://127.0.0.1:{port}", consumer_key="ck_x", consumer_secret="cs_y", allow_private_urls=True
    )
    assert allowed.get("orders").data == [{"id": 1}]
    assert paths[0].startswith("/wp-json/wc/v3/orders?oauth_consumer_key=ck_x")
