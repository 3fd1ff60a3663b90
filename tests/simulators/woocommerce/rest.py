"""Shared types of the simulated WordPress REST server: request context, responses, endpoints, pagination."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .collections import Arg, Page
from .state import ROLE_CAPS, ApiKey
from .wp import WPError, add_query_arg

NOT_ALLOWED_CREATE = ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources.")
CANNOT_LIST = ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
CANNOT_VIEW = ("woocommerce_rest_cannot_view", "Sorry, you cannot view this resource.")
CANNOT_EDIT = ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource.")
CANNOT_DELETE = ("woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource.")


@dataclass
class RestContext:
    sim: Any  # WooCommerceStoreSimulator (typed loosely to keep modules acyclic)
    method: str
    route: str
    params: dict[str, Any]  # $_GET, in request order
    body: dict[str, Any]  # JSON or form body
    key: ApiKey | None
    is_ssl: bool
    match: dict[str, str] = field(default_factory=dict)

    @property
    def capabilities(self) -> frozenset[str]:
        return ROLE_CAPS[self.key.role] if self.key is not None else frozenset()

    @property
    def logged_in(self) -> bool:
        return self.key is not None

    def all_params(self) -> dict[str, Any]:
        """`WP_REST_Request::get_params()`: body values win over the query string."""
        return {**self.params, **self.body}

    def rest_url(self, route: str) -> str:
        return self.sim.rest_url(route, self.is_ssl)

    def id(self, name: str = "id") -> int:
        return int(self.match[name])


@dataclass
class RestResponse:
    data: Any
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    link: str | None = None  # pagination Link; replaces the API-root Link when present


Handler = Callable[[RestContext, dict[str, Any]], RestResponse]


@dataclass(frozen=True)
class Endpoint:
    methods: tuple[str, ...]
    handler: Handler
    args: dict[str, Arg]
    capability: str | None  # None: public (`__return_true`)
    denied: tuple[str, str] = CANNOT_LIST
    # Single-object reads only check the capability when the object exists (CRUD get_item_permissions_check).
    exists: Callable[[RestContext], bool] | None = None


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern[str]
    endpoints: tuple[Endpoint, ...]
    subscriptions_plugin: bool = False

    @property
    def allow(self) -> str:
        methods: list[str] = []
        for endpoint in self.endpoints:
            methods += [m for m in endpoint.methods if m not in methods]
        return ", ".join(methods)


def check_permission(ctx: RestContext, endpoint: Endpoint) -> None:
    if endpoint.capability is None:
        return
    if endpoint.exists is not None and not endpoint.exists(ctx):
        return
    if endpoint.capability not in ctx.capabilities:
        code, message = endpoint.denied
        # rest_authorization_required_code(): 403 for a logged-in user, else 401.
        raise WPError(code, message, 403 if ctx.logged_in else 401)


def pagination_link(ctx: RestContext, page: Page, clean: dict[str, Any], spec: dict[str, Arg], orders_like: bool):
    """The `Link` header of WooCommerce's CRUD controllers, built like the recorded store builds it.

    The request's own query parameters (sanitised in place) go through `add_query_arg` twice. The
    orders/subscriptions controllers also write `status` (moved to the end), `dp` and `context`
    back into the request, so those appear at the end of their links.
    """
    params: dict[str, Any] = {}
    for key, value in ctx.params.items():
        if orders_like and key == "status":
            continue
        params[key] = clean[key] if key in spec else value
    if orders_like:
        params["status"] = clean["status"]
        params.setdefault("dp", clean.get("dp", 2))
        params.setdefault("context", clean.get("context", "view"))
    base = add_query_arg(params, ctx.rest_url(ctx.route))
    links = []
    if page.page > 1:
        previous = min(page.page - 1, page.total_pages)
        links.append(f'<{add_query_arg({"page": previous}, base)}>; rel="prev"')
    if page.total_pages > page.page:
        links.append(f'<{add_query_arg({"page": page.page + 1}, base)}>; rel="next"')
    return ", ".join(links) or None


def list_response(
    ctx: RestContext, page: Page, clean: dict[str, Any], spec: dict[str, Arg], *, orders_like: bool = False
) -> RestResponse:
    headers = [("X-WP-Total", str(page.total)), ("X-WP-TotalPages", str(page.total_pages))]
    return RestResponse(page.rows, headers=headers, link=pagination_link(ctx, page, clean, spec, orders_like))
