from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from audit.services import client_ip
from saasync.accounts.access import owner_required, tenant_view
from saasync.accounts.forms import InvitationForm
from saasync.accounts.models import Tenant
from saasync.accounts.selectors import (
    default_tenant_for_user,
    invitation_by_token,
    is_owner,
    members_of,
    open_invitations,
)
from saasync.accounts.services import (
    SESSION_TENANT_KEY,
    InvitationEmailMismatch,
    invitation_accept,
    invitation_create,
    tenant_create,
)


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("account_login")
    return redirect("dashboard")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    tenant = default_tenant_for_user(user=request.user, preferred_slug=request.session.get(SESSION_TENANT_KEY))  # type: ignore[arg-type]
    if tenant is None:
        return redirect("tenant_new")
    return redirect(tenant)


@login_required
def tenant_new(request: HttpRequest) -> HttpResponse:
    """A user without a team (e.g. their last team removed them) starts a new one here."""
    if request.method == "POST":
        name = request.POST.get("name", "").strip()
        if name:
            tenant = tenant_create(owner=request.user, name=name, ip=client_ip(request))  # type: ignore[arg-type]
            return redirect(tenant)
        messages.error(request, "Give your team a name, for example your company or store name.")
    return render(request, "accounts/tenant_new.html")


@tenant_view
def tenant_dashboard(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    from connections.selectors import connections_for_tenant

    return render(
        request,
        "dashboard.html",
        {"tenant": tenant, "connections": connections_for_tenant(tenant=tenant)},
    )


@tenant_view
@owner_required
def team(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation_create(tenant=tenant, actor=request.user, email=form.cleaned_data["email"], request=request)  # type: ignore[arg-type]
        messages.success(request, f"Invitation sent to {form.cleaned_data['email']}. It is valid for 7 days.")
        return redirect("team", tenant_slug=tenant.slug)
    return render(
        request,
        "accounts/team.html",
        {
            "tenant": tenant,
            "form": form,
            "members": members_of(tenant=tenant),
            "invitations": open_invitations(tenant=tenant),
            "can_invite": is_owner(user=request.user, tenant=tenant),  # type: ignore[arg-type]
        },
    )


@login_required
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_by_token(token=token)
    if request.method == "POST":
        try:
            invitation_accept(invitation=invitation, user=request.user, ip=client_ip(request))  # type: ignore[arg-type]
        except InvitationEmailMismatch:
            messages.error(
                request,
                f"This invitation was sent to {invitation.email}, but you are signed in as {request.user}. "
                "Sign out and sign in (or sign up) with the invited address.",
            )
            return redirect("invitation_accept", token=token)
        messages.success(request, f"Welcome to {invitation.tenant.name}.")
        return redirect(invitation.tenant)
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation})
