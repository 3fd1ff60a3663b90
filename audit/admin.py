from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEvent, ErrorLog


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened are evidence: staff read them, nobody edits them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ErrorLog)
class ErrorLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "system", "tenant", "operation", "status_code", "error_code", "message")
    list_filter = ("system", "status_code", "created_at")
    search_fields = ("operation", "error_code", "message", "connection_uuid", "tenant__name")
    readonly_fields = [f.name for f in ErrorLog._meta.fields]
    list_select_related = ("tenant",)
    date_hierarchy = "created_at"


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "tenant", "actor_label", "action", "target_type", "target_id", "ip")
    list_filter = ("action", "created_at")
    search_fields = ("actor_label", "target_id", "tenant__name")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    list_select_related = ("tenant",)
    date_hierarchy = "created_at"
