"""Decorators that resolve the tenant of a request before a view runs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from saasync.accounts.selectors import is_owner, tenant_for_user
from saasync.accounts.services import SESSION_TENANT_KEY

View = Callable[..., HttpResponse]


def tenant_view(view: View) -> View:
    """Login required; the `tenant_slug` URL kwarg becomes `tenant` (404 for non-members)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, tenant_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        tenant = tenant_for_user(user=request.user, slug=tenant_slug)  # type: ignore[arg-type]
        request.session[SESSION_TENANT_KEY] = tenant.slug
        return view(request, tenant, *args, **kwargs)

    return wrapper


def owner_required(view: View) -> View:
    """For tenant views that change the team: members may look, only owners may act."""

    @wraps(view)
    def wrapper(request: HttpRequest, tenant: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and not is_owner(user=request.user, tenant=tenant):  # type: ignore[arg-type]
            raise PermissionDenied("Only an owner of this team can do that.")
        return view(request, tenant, *args, **kwargs)

    return wrapper
