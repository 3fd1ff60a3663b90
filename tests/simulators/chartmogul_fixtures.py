"""pytest plugin: a fresh ChartMogul simulator per test, a key for it, and a client pointed at it.

Enabled through `pytest_plugins = ["tests.simulators.chartmogul_fixtures"]` in tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connections.clients.chartmogul import ChartMogulClient
from connections.clients.rate_limit import InProcessRateLimiter
from tests.simulators.chartmogul import ChartMogulSimulator


@pytest.fixture
def chartmogul_simulator() -> Iterator[ChartMogulSimulator]:
    with ChartMogulSimulator() as simulator:
        yield simulator


@pytest.fixture
def chartmogul_api_key(chartmogul_simulator: ChartMogulSimulator) -> str:
    return chartmogul_simulator.add_api_key("read_write")


@pytest.fixture
def chartmogul_read_api_key(chartmogul_simulator: ChartMogulSimulator) -> str:
    return chartmogul_simulator.add_api_key("read")


@pytest.fixture
def chartmogul_client(chartmogul_simulator: ChartMogulSimulator, chartmogul_api_key: str) -> ChartMogulClient:
    """A client that never sleeps between retries and times out quickly, so fault tests stay fast."""
    return ChartMogulClient(
        api_key=chartmogul_api_key,
        base_url=chartmogul_simulator.base_url,
        rate_limiter=InProcessRateLimiter(),
        sleep=lambda _seconds: None,
        timeouts=(2.0, 1.0),
    )
