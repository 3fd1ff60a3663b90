"""The connection page and what a merchant does from it: edit keys, rotate the webhook secret, disconnect."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit.services import client_ip
from connections.disconnection import connection_disconnect, data_source_deletable
from connections.forms import DisconnectForm
from connections.selectors import chartmogul_account_for_tenant, connection_for_tenant, live_connection_for_tenant
from connections.services import ConnectionStepError, readiness_problems
from connections.webhook_services import connection_rotate_webhook_secret
from saasync.accounts.access import owner_required, tenant_view
from saasync.accounts.models import Tenant


@tenant_view
def connection_detail(request: HttpRequest, tenant: Tenant, uuid: str) -> HttpResponse:
    connection = connection_for_tenant(tenant=tenant, uuid=uuid)
    return render(
        request,
        "connections/detail.html",
        {
            "tenant": tenant,
            "connection": connection,
            "account": chartmogul_account_for_tenant(tenant=tenant),
            "problems": readiness_problems(connection) if connection.is_active else [],
        },
    )


@tenant_view
@require_POST
def connection_rotate_secret(request: HttpRequest, tenant: Tenant, uuid: str) -> HttpResponse:
    connection = live_connection_for_tenant(tenant=tenant, uuid=uuid)
    try:
        updated = connection_rotate_webhook_secret(connection=connection, actor=request.user, ip=client_ip(request))
    except ConnectionStepError as error:
        messages.error(request, str(error))
        return redirect(connection)
    if updated:
        messages.success(request, "New webhook secret saved and all SaaSync webhooks on your store updated.")
        return redirect(connection)
    messages.warning(
        request, "New webhook secret saved. Paste it into each SaaSync webhook on your store, then verify."
    )
    return redirect("connection_webhooks", tenant_slug=tenant.slug, uuid=connection.uuid)


@tenant_view
@owner_required
def connection_disconnect_view(request: HttpRequest, tenant: Tenant, uuid: str) -> HttpResponse:
    connection = live_connection_for_tenant(tenant=tenant, uuid=uuid)
    form = DisconnectForm(request.POST or None, can_delete_data_source=data_source_deletable(connection))
    if request.method == "POST" and form.is_valid():
        report = connection_disconnect(
            connection=connection,
            actor=request.user,
            delete_data_source=form.cleaned_data["delete_data_source"],
            ip=client_ip(request),
        )
        messages.success(request, f"{connection.host} is disconnected and its keys are erased from SaaSync.")
        if report.webhooks_left:
            messages.warning(
                request,
                "The store did not let us delete some SaaSync webhooks (ids "
                + ", ".join(str(i) for i in report.webhooks_left)
                + "). Delete them in WooCommerce → Settings → Advanced → Webhooks.",
            )
        if report.manual_webhooks:
            messages.warning(
                request,
                "Your key was Read-only, so SaaSync could not remove the webhooks you added. Delete the nine "
                "“SaaSync …” webhooks in WooCommerce → Settings → Advanced → Webhooks.",
            )
        if report.data_source_error:
            messages.warning(
                request,
                f"ChartMogul did not delete the data source ({report.data_source_error}). Delete it in ChartMogul "
                "under Data Platform → Sources if you no longer need it.",
            )
        return redirect(tenant)
    return render(request, "connections/disconnect.html", {"tenant": tenant, "connection": connection, "form": form})
