from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from saasync.accounts.selectors import tenants_for_user


def tenants(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's tenants, for the switcher in the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_tenants": tenants_for_user(user=user)}
