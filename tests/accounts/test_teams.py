from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from saasync.accounts.models import Invitation, Membership, Tenant
from tests.factories import MembershipFactory, TenantFactory, UserFactory

pytestmark = pytest.mark.django_db


def invite(client, tenant: Tenant, email: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("team", kwargs={"tenant_slug": tenant.slug}), {"email": email})


def test_owner_invites_a_teammate_who_joins_as_member(django_capture_on_commit_callbacks, owner_client, tenant) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invite(owner_client, tenant, "teammate@example.test")
    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[0].body).group(0)  # type: ignore[union-attr]
    teammate = UserFactory(email="teammate@example.test")
    owner_client.force_login(teammate)

    owner_client.post(link)

    membership = Membership.objects.get(user=teammate, tenant=tenant)
    assert membership.role == Membership.Role.MEMBER


def test_an_invitation_cannot_be_used_by_another_address(owner_client, tenant) -> None:
    invite(owner_client, tenant, "teammate@example.test")
    invitation = Invitation.objects.get(tenant=tenant)
    stranger = UserFactory(email="stranger@example.test")
    owner_client.force_login(stranger)

    owner_client.post(reverse("invitation_accept", kwargs={"token": invitation.token}))

    assert not Membership.objects.filter(user=stranger, tenant=tenant).exists()


def test_a_member_cannot_invite(client, tenant) -> None:
    member = MembershipFactory(tenant=tenant, role=Membership.Role.MEMBER).user
    client.force_login(member)

    response = invite(client, tenant, "friend@example.test")

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_a_user_in_two_tenants_switches_between_them(client, owner, tenant) -> None:
    second = TenantFactory(name="Second Shop")
    MembershipFactory(user=owner, tenant=second, role=Membership.Role.MEMBER)
    client.force_login(owner)

    client.get(second.get_absolute_url())
    response = client.get(reverse("dashboard"))

    assert response.url == second.get_absolute_url()  # type: ignore[attr-defined]
    page = client.get(second.get_absolute_url())
    assert tenant.name.encode() in page.content  # the switcher lists the other team


def test_a_non_member_gets_404_for_a_tenant(client, tenant, other_tenant_user) -> None:
    client.force_login(other_tenant_user)

    assert client.get(tenant.get_absolute_url()).status_code == 404
