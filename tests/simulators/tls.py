"""Test certificate authorities for the local simulators.

Two CAs live for the whole test session (created lazily, cached, files in one temp dir):
- the *trusted* test CA: its PEM (`test_ca_bundle_path()`) is what product code is pointed at
  (Django `settings.SAASYNC_STORE_CA_BUNDLE`), so simulators serving certs it issued look valid;
- an *untrusted* CA that nobody is told about, for "the store's certificate is invalid" scenarios.

Keys are EC P-256: generating them is instant, which keeps the session start fast.

Set `SAASYNC_TEST_TLS_DIR` to keep the CAs in a fixed directory (reused across processes and runs):
`make run` can then point the web app at one stable bundle while the simulator runs in another process.
"""

from __future__ import annotations

import atexit
import datetime as dt
import ipaddress
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEFAULT_HOSTS = ("localhost", "127.0.0.1", "::1")

_lock = threading.Lock()
_workdir: Path | None = None
_cas: dict[str, _CertificateAuthority] = {}
_issued: dict[tuple[str, tuple[str, ...]], tuple[str, str]] = {}


@dataclass(frozen=True)
class _CertificateAuthority:
    name: str
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    cert_path: Path


def _dir() -> Path:
    global _workdir
    if _workdir is None:
        fixed = os.environ.get("SAASYNC_TEST_TLS_DIR")
        if fixed:
            _workdir = Path(fixed)
            _workdir.mkdir(parents=True, exist_ok=True)
        else:
            _workdir = Path(tempfile.mkdtemp(prefix="saasync-test-tls-"))
            atexit.register(shutil.rmtree, _workdir, True)
    return _workdir


def _load_ca(name: str) -> _CertificateAuthority | None:
    cert_path, key_path = _dir() / f"{name}-ca.pem", _dir() / f"{name}-ca.key"
    if not (cert_path.exists() and key_path.exists()):
        return None
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        return None
    return _CertificateAuthority(name, key, x509.load_pem_x509_certificate(cert_path.read_bytes()), cert_path)


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> None:
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    path.chmod(0o600)


def _ca(name: str) -> _CertificateAuthority:
    """The named CA, created on first use; callers hold `_lock`."""
    if name in _cas:
        return _cas[name]
    loaded = _load_ca(name)
    if loaded is not None:
        _cas[name] = loaded
        return loaded
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "SaaSync tests"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"SaaSync {name} test CA"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path = _dir() / f"{name}-ca.pem"
    _write_key(key, _dir() / f"{name}-ca.key")
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _cas[name] = _CertificateAuthority(name=name, key=key, cert=cert, cert_path=cert_path)
    return _cas[name]


def _san(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _issue(ca_name: str, hosts: list[str] | tuple[str, ...]) -> tuple[str, str]:
    wanted = tuple(hosts) or DEFAULT_HOSTS
    with _lock:
        cache_key = (ca_name, wanted)
        if cache_key in _issued:
            return _issued[cache_key]
        ca = _ca(ca_name)
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, wanted[0])]))
            .issuer_name(ca.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=825))
            .add_extension(x509.SubjectAlternativeName([_san(h) for h in wanted]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
                critical=False,
            )
            .sign(ca.key, hashes.SHA256())
        )
        stem = f"{ca_name}-server-{os.getpid()}-{len(_issued)}"
        cert_path = _dir() / f"{stem}.pem"
        key_path = _dir() / f"{stem}.key"
        # Leaf first, then the CA, so TLS servers send the full chain.
        cert_path.write_bytes(
            cert.public_bytes(serialization.Encoding.PEM) + ca.cert.public_bytes(serialization.Encoding.PEM)
        )
        _write_key(key, key_path)
        _issued[cache_key] = (str(cert_path), str(key_path))
        return _issued[cache_key]


def test_ca_bundle_path() -> str:
    """PEM file of the trusted test CA (what `verify=` / SAASYNC_STORE_CA_BUNDLE should point at)."""
    with _lock:
        return str(_ca("trusted").cert_path)


# Its name starts with "test_"; without this, pytest would collect it as a test wherever it is imported.
test_ca_bundle_path.__test__ = False  # type: ignore[attr-defined]


def issue_server_cert(hosts: list[str] | tuple[str, ...] = DEFAULT_HOSTS) -> tuple[str, str]:
    """(cert_chain_path, key_path) for a server certificate valid for `hosts`, signed by the trusted CA."""
    return _issue("trusted", hosts)


def untrusted_server_cert(hosts: list[str] | tuple[str, ...] = DEFAULT_HOSTS) -> tuple[str, str]:
    """Like `issue_server_cert`, but signed by a CA outside the test bundle: clients must reject it."""
    return _issue("untrusted", hosts)


# pytest would otherwise collect `test_ca_bundle_path` as a test when this module is imported by a test file.
test_ca_bundle_path.__test__ = False  # type: ignore[attr-defined]
