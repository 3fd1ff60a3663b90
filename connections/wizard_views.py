"""The connection wizard: store address → keys → live checklist → ChartMogul key → data source →
webhooks → summary. With htmx each step replaces the previous one in place (no page reload);
without JavaScript the same views work as ordinary pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect, HttpResponseLocation

from audit.services import client_ip
from connections.chartmogul_services import (
    chartmogul_account_connect,
    chartmogul_data_sources,
    connection_select_data_source,
    data_source_name_for,
)
from connections.check_results import CheckResult
from connections.clients.woocommerce import WooCommerceError
from connections.forms import ChartMogulKeyForm, DataSourceForm, StoreKeysForm, StoreURLForm
from connections.models import WEBHOOK_TOPICS, StoreConnection
from connections.selectors import chartmogul_account_for_tenant, live_connection_for_tenant
from connections.services import (
    ConnectionStepError,
    connection_create,
    connection_mark_ready,
    connection_request_checks,
    connection_update_credentials,
    readiness_problems,
)
from connections.webhook_services import (
    connection_ensure_webhook_secret,
    connection_register_webhooks,
    connection_verify_webhooks,
    delivery_url,
    webhook_name,
)
from saasync.accounts.access import tenant_view
from saasync.accounts.models import Tenant
from saasync.accounts.selectors import is_owner

STEPS = (
    ("store", "Store"),
    ("keys", "API keys"),
    ("checks", "Checks"),
    ("chartmogul", "ChartMogul"),
    ("data_source", "Data source"),
    ("webhooks", "Webhooks"),
    ("summary", "Summary"),
)


def render_step(request: HttpRequest, step: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    base = "connections/wizard/_htmx.html" if request.htmx else "connections/wizard/page.html"  # type: ignore[attr-defined]
    context = {"base_template": base, "steps": STEPS, "current_step": step, "in_wizard": True, **context}
    return render(request, f"connections/wizard/{step}.html", context, status=status)


def go_to(request: HttpRequest, url: str) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        # htmx fetches the next step and swaps it into the wizard, pushing its URL into history.
        return HttpResponseLocation(url, target="#wizard", swap="innerHTML")
    return redirect(url)


def step_url(name: str, connection: StoreConnection) -> str:
    return reverse(name, kwargs={"tenant_slug": connection.tenant.slug, "uuid": connection.uuid})


@tenant_view
def connection_new(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    form = StoreURLForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            connection = connection_create(
                tenant=tenant, actor=request.user, store_url=form.cleaned_data["store_url"], ip=client_ip(request)
            )
        except WooCommerceError as error:
            form.add_error("store_url", error.message or str(error))
        else:
            return go_to(request, step_url("connection_keys", connection))
    return render_step(request, "store", {"tenant": tenant, "form": form})


@tenant_view
def connection_keys(request: HttpRequest, tenant: Tenant, uuid: str) -> HttpResponse:
    connection = live_connection_for_tenant(tenant=tenant, uuid=uuid)
    form = StoreKeysForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        connection_update_credentials(
            connection=connection, actor=request.user, ip=client_ip(request), **form.cleaned_data
        )
        return go_to(request, step_url("connection_checks", connection))
    return render_step(request, "keys", {"tenant": tenant, "connection": connection, "form": form})


@tenant_view
def connection_checks(request: HttpRequest, tenant: Tenant, uuid: str) -> HttpResponse:
    connection = live_connection_for_tenant(tenant=tenant, uuid=uuid)
    if request.method == "POST":
        try:
            connection_request_checks(connection=connection, actor=request.user, ip=client_ip(request))
        except ConnectionStepError as error:
            messages.error(request, str(error))
            return go_to(request, step_url("connection_keys", connection))
        connection.refresh_from_db()
    return render_step(request, "checks", {"tenant": tenant, "connection": connection})


@tenant_view
def connection_checks_status(request: HttpRequest, tenant: Tenant, uuid: str) -> HttpResponse:
    """The checklist alone, polled by the checks page every second while checks run."""
    connection = live_connection_for_tenant(tenant=tenant, uuid=uuid)
    return render(
        request,
        "connections/_checklist.html",
        {"tenant": tenant, "connection": connection, "in_wizard": request.GET.get("wizard") == "1"},
    )


@tenant_view
def connection_chartmogul(request: HttpRequest, tenant: Tenant, uuid: str) -> HttpResponse:
    connection = live_connection_for_tenant(tenant=tenant, uuid=uuid)
    account = chartmogul_account_for_tenant(tenant=tenant)
    form = ChartMogulKeyForm(request.POST or None)
    results: list[CheckResult] = []
    if request.method == "POST" and request.POST.get("use_saved") and account is not None:
        return go_to(request, step_url("connection_data_source", connection))
    if request.method == "POST" and account is not None and not is_owner(user=request.user, tenant=tenant):  # type: ignore[arg-type]
        form.add_error(
            "api_key",
            "Only an owner of this team can replace its ChartMogul key, because every store of the team uses it.",
        )
    elif request.method == "POST" and form.is_valid():
        saved, results = chartmogul_account_connect(
            tenant=tenant,
            actor=request.user,
            api_key=form.cleaned_data["api_key"],
            connection=connection,
            ip=client_ip(request),
        )
        if saved is not None:
            return go_to(request, step_url("connection_data_source", connection))
    return render_step(
        request,
        "chartmogul",
        {
            "tenant": tenant,
            "connection": connection,
            "form": form,
            "account": account,
            "results": [r.as_dict() for r in results],
        },
    )


@tenant_view
def connection_data_source(request: HttpRequest, tenant: Tenant, uuid: str) -> HttpResponse:
    connection = live_connection_for_tenant(tenant=tenant, uuid=uuid)
    if chartmogul_account_for_tenant(tenant=tenant) is None:
        return go_to(request, step_url("connection_chartmogul", connection))
    error = ""
    try:
        data_sources = chartmogul_data_sources(connection=connection)
    except ConnectionStepError as exc:
        data_sources, error = [], str(exc)
    form = DataSourceForm(
        request.POST or None, data_sources=data_sources, default_name=data_source_name_for(connection)
    )
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["data_source"]
        try:
            connection_select_data_source(
                connection=connection,
                actor=request.user,
                ip=client_ip(request),
                existing_uuid=None if choice == DataSourceForm.CREATE else choice,
            )
        except ConnectionStepError as exc:
            error = str(exc)
        else:
            return go_to(request, step_url("connection_webhooks", connection))
    return render_step(
        request, "data_source", {"tenant": tenant, "connection": connection, "form": form, "error": error}
    )


@tenant_view
def connection_webhooks(request: HttpRequest, tenant: Tenant, uuid: str) -> HttpResponse:
    connection = live_connection_for_tenant(tenant=tenant, uuid=uuid)
    connection_ensure_webhook_secret(connection=connection)
    error, verification = "", None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "register":
                connection_register_webhooks(connection=connection, actor=request.user, ip=client_ip(request))
                messages.success(request, f"Registered {len(WEBHOOK_TOPICS)} webhooks on your store.")
            else:
                verification = connection_verify_webhooks(
                    connection=connection, actor=request.user, ip=client_ip(request)
                )
        except ConnectionStepError as exc:
            error = str(exc)
        connection.refresh_from_db()
    rows = [{"topic": topic, "name": webhook_name(topic)} for topic in WEBHOOK_TOPICS]
    return render_step(
        request,
        "webhooks",
        {
            "tenant": tenant,
            "connection": connection,
            "error": error,
            "verification": verification,
            "rows": rows,
            "delivery_url": delivery_url(connection),
        },
    )


@tenant_view
def connection_summary(request: HttpRequest, tenant: Tenant, uuid: str) -> HttpResponse:
    connection = live_connection_for_tenant(tenant=tenant, uuid=uuid)
    error = ""
    if request.method == "POST":
        try:
            connection_mark_ready(connection=connection, actor=request.user, ip=client_ip(request))
        except ConnectionStepError as exc:
            error = str(exc)
        else:
            messages.success(request, f"{connection.host} is connected and ready for its first sync.")
            # Leaving the wizard: a full page load, so the navigation and messages render afresh.
            if request.htmx:  # type: ignore[attr-defined]
                return HttpResponseClientRedirect(connection.get_absolute_url())
            return redirect(connection)
    return render_step(
        request,
        "summary",
        {
            "tenant": tenant,
            "connection": connection,
            "error": error,
            "problems": readiness_problems(connection),
            "account": chartmogul_account_for_tenant(tenant=tenant),
        },
    )
