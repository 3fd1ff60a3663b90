"""pytest fixtures for the WooCommerce store simulator (add to `pytest_plugins`).

- `woo_ca_bundle`: path of the test CA PEM that makes the simulator's https certificate valid.
- `woo_store`: a started https store-a simulator (`https://localhost:PORT`), stopped after the test.
- `woo_store_http`: the same over plain http (`http://127.0.0.1:PORT`; home URL = base URL).
- `woo_store_factory(**kwargs)`: start a simulator with any constructor options (permalinks="plain",
  subscriptions_active=False, tls_untrusted=True, strip_authorization_header=True, latency=..., ...);
  every store it made is stopped after the test.
- `woo_admin_key`: (consumer_key, consumer_secret), read_write, administrator, on `woo_store`.
- `woo_session`: a `requests.Session` that trusts the test CA and ignores proxy environment variables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from tests.simulators.tls import test_ca_bundle_path
from tests.simulators.woocommerce import WooCommerceStoreSimulator


@pytest.fixture(scope="session")
def woo_ca_bundle() -> str:
    return test_ca_bundle_path()


@pytest.fixture
def woo_store_factory() -> Iterator[Callable[..., WooCommerceStoreSimulator]]:
    started: list[WooCommerceStoreSimulator] = []

    def make(**kwargs: Any) -> WooCommerceStoreSimulator:
        store = WooCommerceStoreSimulator(**kwargs).start()
        started.append(store)
        return store

    yield make
    for store in started:
        store.stop()


@pytest.fixture
def woo_store(woo_store_factory: Callable[..., WooCommerceStoreSimulator]) -> WooCommerceStoreSimulator:
    return woo_store_factory(scheme="https")


@pytest.fixture
def woo_store_http(woo_store_factory: Callable[..., WooCommerceStoreSimulator]) -> WooCommerceStoreSimulator:
    return woo_store_factory(scheme="http")


@pytest.fixture
def woo_admin_key(woo_store: WooCommerceStoreSimulator) -> tuple[str, str]:
    return woo_store.add_api_key("read_write", role="administrator")


@pytest.fixture
def woo_session(woo_ca_bundle: str) -> Iterator[requests.Session]:
    session = requests.Session()
    session.verify = woo_ca_bundle
    session.trust_env = False
    yield session
    session.close()
