"""Builds API clients from stored connections, so decrypted credentials never travel further than here."""

from __future__ import annotations

from connections.clients.chartmogul import ChartMogulClient
from connections.clients.woocommerce import WooCommerceClient
from connections.models import ChartMogulAccount, StoreConnection


def woocommerce_client_for(connection: StoreConnection) -> WooCommerceClient:
    return WooCommerceClient(
        store_url=connection.store_url,
        consumer_key=connection.consumer_key,
        consumer_secret=connection.consumer_secret,
        home_url=connection.home_url or None,
        auth_mode="query" if connection.auth_mode == StoreConnection.AuthMode.QUERY else "header",
    )


def chartmogul_client_for(account: ChartMogulAccount) -> ChartMogulClient:
    return ChartMogulClient(api_key=account.api_key)
