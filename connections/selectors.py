"""Reads of store connections, always scoped by tenant: strangers get a 404, never a 403."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from connections.models import ChartMogulAccount, StoreConnection


def connections_for_tenant(*, tenant, include_disconnected: bool = False) -> QuerySet[StoreConnection]:  # type: ignore[no-untyped-def]
    qs = StoreConnection.objects.filter(tenant=tenant)
    if not include_disconnected:
        qs = qs.exclude(status=StoreConnection.Status.DISCONNECTED)
    return qs.order_by("-created_at")


def connection_for_tenant(*, tenant, uuid: UUID | str) -> StoreConnection:  # type: ignore[no-untyped-def]
    return get_object_or_404(StoreConnection.objects.select_related("tenant"), tenant=tenant, uuid=uuid)


def live_connection_for_tenant(*, tenant, uuid: UUID | str) -> StoreConnection:  # type: ignore[no-untyped-def]
    """A connection that is not disconnected: wizard steps and actions never touch a disconnected one."""
    return get_object_or_404(
        StoreConnection.objects.select_related("tenant").exclude(status=StoreConnection.Status.DISCONNECTED),
        tenant=tenant,
        uuid=uuid,
    )


def chartmogul_account_for_tenant(*, tenant) -> ChartMogulAccount | None:  # type: ignore[no-untyped-def]
    return ChartMogulAccount.objects.filter(tenant=tenant).first()
