"""`make bench`: measured figures for the connection path. Prints numbers; asserts nothing.

- the full store checklist against the simulator, with no latency and with 50 ms per request
  (a typical shared-hosting WordPress), and how many HTTP requests one checklist makes;
- field encryption throughput (MultiFernet);
- the ChartMogul rate limiter: acquisitions per second for one API key through Redis.
"""

from __future__ import annotations

import os
import statistics
import time
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saasync.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

from connections.clients.rate_limit import limiter_for_api_key  # noqa: E402
from connections.clients.woocommerce import WooCommerceClient  # noqa: E402
from connections.encryption import decrypt, encrypt  # noqa: E402
from connections.requirement_checks import StoreCheckContext, run_store_checks  # noqa: E402
from tests.simulators.tls import test_ca_bundle_path  # noqa: E402
from tests.simulators.woocommerce.server import WooCommerceStoreSimulator  # noqa: E402


def checklist(latency: float, runs: int) -> None:
    store = WooCommerceStoreSimulator(latency=latency).start()
    try:
        key, secret = store.add_api_key(permissions="read_write", role="shop_manager")
        durations, requests_per_run = [], []
        for _ in range(runs):
            seen_before = len(store.requests_seen)
            client = WooCommerceClient(
                store_url=store.base_url,
                consumer_key=key,
                consumer_secret=secret,
                verify=test_ca_bundle_path(),
                allow_private_urls=True,
            )
            started = time.perf_counter()
            results = run_store_checks(StoreCheckContext(client=client, store_url=store.base_url))
            durations.append(time.perf_counter() - started)
            requests_per_run.append(len(store.requests_seen) - seen_before)
            assert all(r.status == "pass" for r in results), results
        durations.sort()
        median, p95 = statistics.median(durations), durations[int(0.95 * (len(durations) - 1))]
        print(
            f"store checklist, {latency * 1000:.0f} ms/request, {runs} runs: median {median:.3f} s, "
            f"p95 {p95:.3f} s, {statistics.median(requests_per_run):.0f} HTTP requests"
        )
    finally:
        store.stop()


def encryption(n: int = 5000) -> None:
    value = "cs_" + "a" * 40
    started = time.perf_counter()
    for _ in range(n):
        decrypt(encrypt(value))
    elapsed = time.perf_counter() - started
    print(f"field encryption: {n / elapsed:,.0f} encrypt+decrypt pairs/s ({elapsed / n * 1e6:.0f} µs each)")


def rate_limiter(seconds: float = 3.0) -> None:
    limiter = limiter_for_api_key(f"bench-{uuid.uuid4()}", redis_url=settings.REDIS_URL)
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        with limiter.slot():
            count += 1
    elapsed = time.perf_counter() - started
    backend = "Redis" if settings.REDIS_URL else "in-process"
    print(f"ChartMogul rate limiter ({backend}): {count / elapsed:.1f} acquisitions/s for one key (limit 30/s)")


if __name__ == "__main__":
    checklist(latency=0.0, runs=20)
    checklist(latency=0.05, runs=5)
    encryption()
    rate_limiter()
