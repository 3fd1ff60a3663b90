"""Writes about tenants, memberships and invitations: one transaction each, audited."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from audit.models import AuditAction
from audit.services import audit_record, client_ip
from saasync.accounts.models import Invitation, Membership, Tenant, User, new_invitation_token

SESSION_TENANT_KEY = "current_tenant_slug"


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "team"
    slug, n = base, 1
    while Tenant.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def tenant_create(*, owner: User, name: str, ip: str | None = None) -> Tenant:
    tenant = Tenant.objects.create(name=name.strip(), slug=_unique_slug(name))
    Membership.objects.create(tenant=tenant, user=owner, role=Membership.Role.OWNER)
    audit_record(tenant=tenant, actor=owner, action=AuditAction.TENANT_CREATED, target=tenant, ip=ip)
    return tenant


def tenant_create_for_signup(*, user: User, name: str, request: HttpRequest) -> Tenant:
    tenant = tenant_create(owner=user, name=name, ip=client_ip(request))
    request.session[SESSION_TENANT_KEY] = tenant.slug
    return tenant


@transaction.atomic
def invitation_create(*, tenant: Tenant, actor: User, email: str, request: HttpRequest) -> Invitation:
    email = email.strip().lower()
    invitation, created = Invitation.objects.get_or_create(
        tenant=tenant, email=email, accepted_at__isnull=True, defaults={"invited_by": actor}
    )
    if not created:
        # Inviting again renews the invitation: a fresh link, valid for another 7 days.
        invitation.token = new_invitation_token()
        invitation.created_at = timezone.now()
        invitation.invited_by = actor
        invitation.save(update_fields=["token", "created_at", "invited_by"])
    accept_url = request.build_absolute_uri(reverse("invitation_accept", kwargs={"token": invitation.token}))
    body = render_to_string(
        "accounts/email/invitation.txt", {"tenant": tenant, "inviter": actor, "accept_url": accept_url}
    )
    # Sent after commit so a rolled-back invitation never reaches anyone's inbox.
    transaction.on_commit(
        lambda: send_mail(f"[SaaSync] {actor.email} invited you to {tenant.name}", body, None, [email])
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action=AuditAction.MEMBER_INVITED,
        target=invitation,
        ip=client_ip(request),
    )
    return invitation


class InvitationEmailMismatch(Exception):
    """The invitation was sent to another address than the signed-in user's."""


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User, ip: str | None = None) -> Membership:
    if invitation.email.lower() != user.email.lower():
        raise InvitationEmailMismatch(invitation.email)
    membership, _ = Membership.objects.get_or_create(
        tenant=invitation.tenant, user=user, defaults={"role": Membership.Role.MEMBER}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(tenant=invitation.tenant, actor=user, action=AuditAction.MEMBER_JOINED, target=membership, ip=ip)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User, ip: str | None = None) -> None:
    tenant = membership.tenant
    if (
        membership.role == Membership.Role.OWNER
        and not tenant.memberships.filter(role=Membership.Role.OWNER).exclude(pk=membership.pk).exists()
    ):
        raise ValueError("A team needs at least one owner. Make someone else an owner first.")
    audit_record(tenant=tenant, actor=actor, action=AuditAction.MEMBER_REMOVED, target=membership, ip=ip)
    membership.delete()
