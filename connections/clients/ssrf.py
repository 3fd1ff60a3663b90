"""The SSRF guard: merchants type store URLs, so SaaSync must never be tricked into calling its own network.

Two layers, because one is not enough:
- `check_url` validates a URL before any request (scheme, userinfo, and every address the host resolves to);
- `PublicOnlyHTTPAdapter` re-checks each request at send time (redirect hops included, since the clients follow
  redirects themselves) and, after the TCP connect, the socket's actual peer address. The peer check defeats DNS
  rebinding, where a name resolves to a public address for the first lookup and to 127.0.0.1 for the second.
With `allow_private=True` (development, tests, the bundled demo store) everything passes.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from connections.clients.http import TimeoutHTTPAdapter, redact_url
from connections.clients.woocommerce_errors import BlockedAddressError, WooCommerceConnectionError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = frozenset({"http", "https"})
# IPv6 prefixes that carry an IPv4 address in their low 32 bits (NAT64 well-known and local-use prefixes).
_NAT64_NETWORKS = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))

__all__ = ["BlockedAddressError", "PublicOnlyHTTPAdapter", "check_url", "is_public_address", "resolve_host"]


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries: ::ffff:a.b.c.d (mapped), 2002::/16 (6to4) or NAT64."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in network for network in _NAT64_NETWORKS):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(ip: IPAddress) -> bool:
    """True only for globally routable unicast addresses (and IPv6 forms whose embedded IPv4 is one)."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.teredo is not None:
            return False  # a tunnel endpoint is never a shop; its embedded client address could be anything
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return is_public_address(embedded)
        if ip.is_site_local:  # fec0::/10, deprecated but still routed inside some networks
            return False
    blocked = (
        ip.is_private  # 10/8, 172.16/12, 192.168/16, fc00::/7, ...
        or ip.is_loopback
        or ip.is_link_local  # includes the 169.254.169.254 cloud metadata service and fe80::/10
        or ip.is_unspecified
        or ip.is_multicast
        or ip.is_reserved
    )
    # is_global additionally rejects shared address space (100.64.0.0/10) and the documentation ranges.
    return not blocked and ip.is_global


def _literal_address(host: str) -> IPAddress | None:
    """The address if `host` is an IP literal, including legacy IPv4 forms (127.1, 0x7f000001) that resolvers accept."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefxABCDEFX." for c in host) and host[0].isdigit():
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _blocked(host: str, url: str) -> BlockedAddressError:
    return BlockedAddressError(
        f"The address {host!r} is not a public internet address, so SaaSync will not connect to it. "
        "Enter the public web address of your store, the one your customers use (for example https://shop.example.com).",
        code="blocked_address",
        url=url,
    )


def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (all getaddrinfo results, IPv4 and IPv6)."""
    literal = _literal_address(host)
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise WooCommerceConnectionError(
            f"We could not find {host!r} on the internet. Check the spelling of your store address.",
            code="dns_failure",
        ) from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        addresses.append(ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0]))
    return addresses


def check_url(url: str, *, allow_private: bool) -> None:
    """Raise BlockedAddressError unless `url` is http(s), has no userinfo, and its host resolves only to public IPs."""
    parts = urlsplit(url)
    safe_url = redact_url(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise BlockedAddressError(
            "Only http:// and https:// store addresses are supported.", code="blocked_scheme", url=safe_url
        )
    if "@" in parts.netloc:
        # user:pass@host is a classic parser-confusion trick and never a legitimate store address.
        raise BlockedAddressError(
            "The store address must not contain a user name or password.", code="blocked_userinfo", url=safe_url
        )
    host = parts.hostname or ""
    if not host:
        raise BlockedAddressError("The store address has no host name.", code="blocked_address", url=safe_url)
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError as exc:
        raise BlockedAddressError(
            "The store address has an invalid port.", code="blocked_address", url=safe_url
        ) from exc
    for address in resolve_host(host, port):
        if not is_public_address(address):
            raise _blocked(host, safe_url)


def _check_peer(sock: socket.socket, host: str) -> None:
    peer = sock.getpeername()[0]
    if not is_public_address(ipaddress.ip_address(str(peer).split("%", 1)[0])):
        sock.close()
        raise _blocked(host, "")


class _PeerCheckedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _check_peer(sock, self.host)
        return sock


class _PeerCheckedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _check_peer(sock, self.host)  # before the TLS handshake: nothing is sent to a private peer
        return sock


class _PeerCheckedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _PeerCheckedHTTPConnection


class _PeerCheckedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _PeerCheckedHTTPSConnection


class PublicOnlyHTTPAdapter(TimeoutHTTPAdapter):
    """A timeout adapter that refuses non-public destinations before sending and at connect time."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _PeerCheckedHTTPConnectionPool,
            "https": _PeerCheckedHTTPSConnectionPool,
        }

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        check_url(request.url or "", allow_private=False)
        return super().send(request, **kwargs)
