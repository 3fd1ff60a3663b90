"""Every URL that addresses a tenant's object answers 404 to a user of another tenant.

The URL patterns are enumerated from the resolver, so a new view cannot skip this test: a pattern
with a kwarg this test does not know how to fill fails it until someone teaches it here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from connections.models import StoreConnection
from saasync.accounts.models import Tenant
from tests.factories import StoreConnectionFactory

OUR_APPS = ("saasync.", "connections.", "sync.", "audit.")
OBJECT_KWARGS = {"tenant_slug", "uuid", "token"}
# Patterns that take an object id but are not behind a tenant login, each with the reason.
NOT_TENANT_SESSION_URLS = {
    "invitation_accept": "a bearer-token link for the invitee, who is outside the tenant until they accept",
    "woocommerce_webhook": "called by the store itself and authenticated by the webhook signature (tests/sync)",
}


def our_patterns(resolver: URLResolver | None = None) -> Iterator[URLPattern]:
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from our_patterns(entry)
        elif entry.callback.__module__.startswith(OUR_APPS):
            yield entry


def object_patterns() -> list[URLPattern]:
    return [p for p in our_patterns() if set(p.pattern.converters) & OBJECT_KWARGS]


def kwargs_for(pattern: URLPattern, tenant: Tenant, connection: StoreConnection) -> dict[str, str]:
    values = {"tenant_slug": tenant.slug, "uuid": str(connection.uuid)}
    unknown = set(pattern.pattern.converters) - set(values)
    assert not unknown, f"Teach tests/test_tenant_isolation.py how to fill {unknown} for URL '{pattern.name}'."
    return {name: values[name] for name in pattern.pattern.converters}


def test_the_walk_covers_the_connection_wizard() -> None:
    names = {p.name for p in object_patterns()}

    assert {"tenant_dashboard", "team", "connection_detail", "connection_keys", "connection_disconnect"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", [p for p in object_patterns() if p.name not in NOT_TENANT_SESSION_URLS], ids=str)
def test_another_tenants_user_gets_404(client, owner, tenant, other_tenant_user, pattern: URLPattern) -> None:
    connection = StoreConnectionFactory(tenant=tenant)
    url = reverse(pattern.name, kwargs=kwargs_for(pattern, tenant, connection))
    client.force_login(owner)
    assert client.get(url).status_code != 404, "the URL must exist for its own tenant, or this test proves nothing"

    client.force_login(other_tenant_user)

    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_login(client, tenant) -> None:
    response = client.get(tenant.get_absolute_url())

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))  # type: ignore[attr-defined]
