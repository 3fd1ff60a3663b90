"""Turning what a merchant types into the one canonical store address we store and compare."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


class InvalidStoreURL(ValueError):
    """The text is not a usable store address; the message tells the merchant what to enter."""


def normalise_store_url(raw: str) -> str:
    """`Shop.Example.com/` → `https://shop.example.com`; keeps an explicit http://, a port and a sub-path."""
    text = (raw or "").strip()
    if not text:
        raise InvalidStoreURL("Enter your store's address, for example https://shop.example.com.")
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidStoreURL("The store address must start with https:// (or http://).")
    if "@" in parts.netloc:
        raise InvalidStoreURL("Enter the store address without a user name or password in it.")
    if not parts.hostname:
        raise InvalidStoreURL("That does not look like a web address. Enter it like https://shop.example.com.")
    host = parts.hostname.lower()
    if ":" in host:  # an IPv6 literal needs its brackets back
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError as exc:
        raise InvalidStoreURL("The port in that address is not a number between 1 and 65535.") from exc
    default_port = {"http": 80, "https": 443}[parts.scheme.lower()]
    netloc = host if port in (None, default_port) else f"{host}:{port}"
    path = parts.path.rstrip("/")
    for suffix in ("/wp-admin", "/wp-json", "/wp-login.php"):
        # Merchants often paste the admin or API address; the store is the site root above it.
        if suffix in path:
            path = path.split(suffix, 1)[0]
    return urlunsplit((parts.scheme.lower(), netloc, path, "", ""))


def strip_www(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


def same_site_except_www(a: str, b: str) -> bool:
    """True when two addresses differ only by a leading `www.` on the host."""
    pa, pb = urlsplit(a), urlsplit(b)
    return (
        pa.netloc != pb.netloc
        and strip_www(pa.netloc) == strip_www(pb.netloc)
        and pa.scheme == pb.scheme
        and pa.path.rstrip("/") == pb.path.rstrip("/")
    )
