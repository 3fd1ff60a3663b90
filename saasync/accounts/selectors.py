"""Reads about tenants and memberships. Everything that fetches a tenant for a request goes here,
so "is this user allowed to see it" is decided in one place and strangers always get a 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from saasync.accounts.models import Invitation, Membership, Tenant, User


def tenants_for_user(*, user: User) -> QuerySet[Tenant]:
    return Tenant.objects.filter(memberships__user=user).order_by("name")


def tenant_for_user(*, user: User, slug: str) -> Tenant:
    """The tenant with `slug` if `user` is a member of it; otherwise 404 (also for a missing tenant)."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(Tenant, slug=slug, memberships__user=user)


def membership_for(*, user: User, tenant: Tenant) -> Membership:
    return get_object_or_404(Membership, user=user, tenant=tenant)


def is_owner(*, user: User, tenant: Tenant) -> bool:
    return Membership.objects.filter(user=user, tenant=tenant, role=Membership.Role.OWNER).exists()


def default_tenant_for_user(*, user: User, preferred_slug: str | None = None) -> Tenant | None:
    """The tenant to open after login: the one last used in this session if still allowed, else the oldest."""
    tenants = Tenant.objects.filter(memberships__user=user)
    if preferred_slug:
        preferred = tenants.filter(slug=preferred_slug).first()
        if preferred:
            return preferred
    return tenants.order_by("memberships__created_at").first()


def members_of(*, tenant: Tenant) -> QuerySet[Membership]:
    return Membership.objects.filter(tenant=tenant).select_related("user").order_by("created_at")


def open_invitations(*, tenant: Tenant) -> QuerySet[Invitation]:
    return Invitation.objects.filter(tenant=tenant, accepted_at__isnull=True).order_by("-created_at")


def invitation_by_token(*, token: str) -> Invitation:
    invitation = Invitation.objects.select_related("tenant").filter(token=token).first()
    if invitation is None or invitation.accepted_at is not None or invitation.is_expired:
        raise Http404
    return invitation
