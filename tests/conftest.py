from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from saasync.accounts.models import Membership, Tenant, User
from tests.factories import MembershipFactory, TenantFactory, UserFactory
from tests.simulators.tls import test_ca_bundle_path

pytest_plugins = [
    "tests.simulators.woocommerce_fixtures",
    "tests.simulators.chartmogul_fixtures",
]


@pytest.fixture(autouse=True)
def _test_settings(settings) -> None:  # type: ignore[no-untyped-def]
    # The simulators listen on localhost: allowed here, refused in production (the SSRF tests
    # switch this off explicitly). Store TLS is verified against the simulators' own test CA.
    settings.SAASYNC_ALLOW_PRIVATE_URLS = True
    settings.SAASYNC_STORE_CA_BUNDLE = test_ca_bundle_path()
    settings.SAASYNC_PUBLIC_URL = "https://app.saasync.test"


@pytest.fixture(autouse=True)
def _celery_eager() -> Iterator[None]:
    from saasync.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


def _clear_cache() -> None:
    """Delete the cache's own keys only: `cache.clear()` would FLUSHDB the shared Redis database,
    wiping the ChartMogul rate limiter's counters (and anything else there) under other tests."""
    client = getattr(cache, "_cache", None)
    if client is None or not hasattr(client, "get_client"):
        cache.clear()
        return
    redis = client.get_client(write=True)
    for key in redis.scan_iter(match=cache.make_key("*"), count=500):
        redis.delete(key)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # allauth's rate limits live in the cache; one test's failed logins must not lock out the next.
    _clear_cache()
    yield
    _clear_cache()


@pytest.fixture
def owner(db) -> User:  # type: ignore[no-untyped-def]
    return UserFactory()


@pytest.fixture
def tenant(owner: User) -> Tenant:
    return MembershipFactory(user=owner, role=Membership.Role.OWNER).tenant


@pytest.fixture
def other_tenant_user(db) -> User:  # type: ignore[no-untyped-def]
    """A user who belongs to a different tenant: everything of `tenant` must be a 404 for them."""
    user = UserFactory()
    MembershipFactory(user=user, tenant=TenantFactory())
    return user


@pytest.fixture
def owner_client(client, owner: User, tenant: Tenant):  # type: ignore[no-untyped-def]
    client.force_login(owner)
    return client
