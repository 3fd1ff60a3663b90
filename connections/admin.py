"""Staff see connections with secrets masked ("•••• 4f2a") and can never read or edit them here."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from connections.models import ChartMogulAccount, StoreConnection

SECRET_FIELDS = ("consumer_key", "consumer_secret", "webhook_secret", "api_key")


@admin.register(StoreConnection)
class StoreConnectionAdmin(admin.ModelAdmin):
    list_display = ("store_url", "tenant", "status", "key_permission", "wc_version", "last_checked_at", "created_at")
    list_filter = ("status", "key_permission", "auth_mode")
    search_fields = ("store_url", "uuid", "tenant__name", "chartmogul_data_source_uuid")
    exclude = SECRET_FIELDS
    readonly_fields = (
        "uuid",
        "tenant",
        "store_url",
        "home_url",
        "consumer_key_masked",
        "consumer_secret_masked",
        "webhook_secret_set",
        "auth_mode",
        "wc_version",
        "wp_version",
        "subscriptions_version",
        "key_permission",
        "webhook_ids",
        "webhooks_verified_at",
        "chartmogul_data_source_uuid",
        "chartmogul_data_source_name",
        "check_state",
        "check_results",
        "last_checked_at",
        "created_by",
        "created_at",
        "updated_at",
        "disconnected_at",
    )
    list_select_related = ("tenant",)

    @admin.display(description="Consumer key")
    def consumer_key_masked(self, obj: StoreConnection) -> str:
        return obj.consumer_key_masked

    @admin.display(description="Consumer secret")
    def consumer_secret_masked(self, obj: StoreConnection) -> str:
        return obj.consumer_secret_masked

    @admin.display(description="Webhook secret", boolean=True)
    def webhook_secret_set(self, obj: StoreConnection) -> bool:
        return bool(obj.webhook_secret)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ChartMogulAccount)
class ChartMogulAccountAdmin(admin.ModelAdmin):
    list_display = ("tenant", "api_key_masked", "can_write", "verified_at")
    exclude = ("api_key",)
    readonly_fields = ("uuid", "tenant", "api_key_masked", "can_write", "verified_at", "created_at", "updated_at")

    @admin.display(description="API key")
    def api_key_masked(self, obj: ChartMogulAccount) -> str:
        return obj.api_key_masked

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
