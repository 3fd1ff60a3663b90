from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from saasync.accounts.models import Membership, Tenant, User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_up(client, email: str = "merchant@example.test", organisation: str = "Acme Subscriptions"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": DEFAULT_PASSWORD, "password2": DEFAULT_PASSWORD, "organisation": organisation},
    )


def test_sign_up_creates_a_tenant_owned_by_the_new_user(client) -> None:
    sign_up(client)

    user = User.objects.get(email="merchant@example.test")
    membership = Membership.objects.get(user=user)
    assert (membership.tenant.name, membership.role) == ("Acme Subscriptions", Membership.Role.OWNER)


def test_sign_up_sends_a_verification_email_and_login_needs_it(client) -> None:
    sign_up(client)

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[0].body).group(0)  # type: ignore[union-attr]
    client.logout()
    response = client.post(reverse("account_login"), {"login": "merchant@example.test", "password": DEFAULT_PASSWORD})
    assert response.url == reverse("account_email_verification_sent")  # type: ignore[attr-defined]

    client.post(link)
    response = client.post(reverse("account_login"), {"login": "merchant@example.test", "password": DEFAULT_PASSWORD})
    assert response.url == reverse("dashboard")  # type: ignore[attr-defined]


def test_two_sign_ups_with_the_same_team_name_get_distinct_slugs(client) -> None:
    sign_up(client, email="a@example.test", organisation="Same Name")
    client.logout()
    sign_up(client, email="b@example.test", organisation="Same Name")

    assert sorted(Tenant.objects.values_list("slug", flat=True)) == ["same-name", "same-name-2"]


def test_failed_logins_are_rate_limited_even_for_the_right_password(client) -> None:
    user = UserFactory()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong-password"})

    response = client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})

    assert "_auth_user_id" not in client.session
    assert b"Too many failed login attempts" in response.content


def test_dashboard_of_a_new_tenant_invites_to_connect_a_store(owner_client, tenant: Tenant) -> None:
    response = owner_client.get(reverse("dashboard"), follow=True)

    assert b"Connect your first store" in response.content


def test_admin_login_goes_through_allauth(client) -> None:
    response = client.get("/admin/login/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))  # type: ignore[attr-defined]
