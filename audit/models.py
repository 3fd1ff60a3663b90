"""The audit trail (kept 30 days) and the error log of API responses (kept 14 days).

Neither may hold secrets or WooCommerce customer data: targets are referenced by type and id,
metadata is checked for secret-looking keys when written, and error bodies are redacted.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models

AUDIT_RETENTION = timedelta(days=30)
ERROR_LOG_RETENTION = timedelta(days=14)


class AuditAction(models.TextChoices):
    TENANT_CREATED = "tenant.created", "Team created"
    MEMBER_INVITED = "member.invited", "Teammate invited"
    MEMBER_JOINED = "member.joined", "Teammate joined"
    MEMBER_REMOVED = "member.removed", "Teammate removed"
    CONNECTION_CREATED = "connection.created", "Store connection created"
    CREDENTIALS_UPDATED = "connection.credentials_updated", "Store credentials updated"
    CHECKS_RUN = "connection.checks_run", "Requirement checks run"
    CHARTMOGUL_CONNECTED = "connection.chartmogul_connected", "ChartMogul account connected"
    DATA_SOURCE_SELECTED = "connection.data_source_selected", "ChartMogul data source chosen"
    WEBHOOKS_REGISTERED = "connection.webhooks_registered", "Webhooks registered"
    WEBHOOKS_VERIFIED = "connection.webhooks_verified", "Webhooks verified"
    WEBHOOK_SECRET_ROTATED = "connection.webhook_secret_rotated", "Webhook secret rotated"
    CONNECTION_READY = "connection.ready", "Connection ready for its first sync"
    CONNECTION_DISCONNECTED = "connection.disconnected", "Store disconnected"
    ENCRYPTION_KEYS_ROTATED = "system.encryption_keys_rotated", "Encryption keys rotated"


class AuditEvent(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey("accounts.Tenant", on_delete=models.CASCADE, null=True, related_name="audit_events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_label = models.CharField(max_length=120, blank=True, help_text="Who acted, kept if the user is deleted.")
    action = models.CharField(max_length=64, choices=AuditAction.choices)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at",)
        indexes: ClassVar = [models.Index(fields=["tenant", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor_label or 'system'}"


class ErrorLog(models.Model):
    """An error response from WooCommerce or ChartMogul, for staff to look at in the admin."""

    class System(models.TextChoices):
        WOOCOMMERCE = "woocommerce", "WooCommerce"
        CHARTMOGUL = "chartmogul", "ChartMogul"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey("accounts.Tenant", on_delete=models.CASCADE, null=True, related_name="error_logs")
    connection_uuid = models.UUIDField(null=True, blank=True, db_index=True)
    system = models.CharField(max_length=16, choices=System.choices)
    operation = models.CharField(max_length=120, help_text="What SaaSync was doing, e.g. 'check: system_status'.")
    method = models.CharField(max_length=8, blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="Redacted: no credentials.")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=120, blank=True)
    message = models.TextField(blank=True)
    response_body = models.TextField(blank=True, help_text="Redacted and truncated.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.get_system_display()} {self.status_code or ''} {self.error_code}".strip()
