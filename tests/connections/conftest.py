from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.simulators.woocommerce.server import WooCommerceStoreSimulator


@pytest.fixture
def make_store() -> Iterator[Callable[..., WooCommerceStoreSimulator]]:
    """Start WooCommerce store simulators configured per test; all are stopped afterwards."""
    started: list[WooCommerceStoreSimulator] = []

    def make(**options: Any) -> WooCommerceStoreSimulator:
        store = WooCommerceStoreSimulator(**options).start()
        started.append(store)
        return store

    yield make
    for store in started:
        store.stop()
