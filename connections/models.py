"""A tenant's connected stores and its ChartMogul account. No WooCommerce customer data lives here:
only addresses, versions, ids, our own check results and encrypted credentials."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from connections.encryption import mask
from connections.fields import EncryptedTextField

# A run still "running" after this long was lost (worker killed, broker down): offer "check again".
CHECK_RUN_STALE_AFTER = timedelta(minutes=5)

WEBHOOK_TOPICS = (
    "order.created",
    "order.updated",
    "order.deleted",
    "subscription.created",
    "subscription.updated",
    "subscription.deleted",
    "subscription.switched",
    "customer.created",
    "customer.updated",
)


class ChartMogulAccount(models.Model):
    """The tenant's ChartMogul account: one API key for all of the tenant's stores."""

    tenant = models.OneToOneField("accounts.Tenant", on_delete=models.CASCADE, related_name="chartmogul_account")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    api_key = EncryptedTextField()
    can_write = models.BooleanField(default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"ChartMogul account of {self.tenant}"

    @property
    def api_key_masked(self) -> str:
        return mask(self.api_key)


class StoreConnection(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Waiting for API keys"
        CHECKING = "checking", "Checking requirements"
        NEEDS_ATTENTION = "needs_attention", "Needs attention"
        CHECKS_PASSED = "checks_passed", "Requirements met"
        READY = "ready", "Ready for first sync"
        DISCONNECTED = "disconnected", "Disconnected"

    class KeyPermission(models.TextChoices):
        UNKNOWN = "", "Unknown"
        READ = "read", "Read"
        WRITE = "write", "Write"
        READ_WRITE = "read_write", "Read/Write"

    class AuthMode(models.TextChoices):
        HEADER = "header", "Authorization header"
        QUERY = "query", "Query string (host strips the Authorization header)"
        OAUTH = "oauth", "OAuth 1.0a (plain HTTP)"

    class CheckState(models.TextChoices):
        IDLE = "idle", "Not run"
        RUNNING = "running", "Running"
        DONE = "done", "Done"

    tenant = models.ForeignKey("accounts.Tenant", on_delete=models.CASCADE, related_name="store_connections")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    store_url = models.URLField(max_length=300, help_text="Normalised: scheme, host, port and path, no trailing slash.")
    home_url = models.URLField(
        max_length=300, blank=True, help_text="WordPress's own Site Address, as the store reports it."
    )
    consumer_key = EncryptedTextField(blank=True)
    consumer_secret = EncryptedTextField(blank=True)
    auth_mode = models.CharField(max_length=8, choices=AuthMode.choices, default=AuthMode.HEADER)
    wc_version = models.CharField(max_length=20, blank=True)
    wp_version = models.CharField(max_length=20, blank=True)
    subscriptions_version = models.CharField(max_length=20, blank=True)
    key_permission = models.CharField(max_length=10, choices=KeyPermission.choices, blank=True)
    webhook_secret = EncryptedTextField(blank=True)
    webhook_ids = models.JSONField(default=list, blank=True, help_text="Ids of the store webhooks SaaSync registered.")
    webhooks_verified_at = models.DateTimeField(null=True, blank=True)
    # A Read key's webhooks can be listed but their secret not read back: a badly signed delivery is
    # the only sign that the merchant pasted the wrong secret.
    webhook_signature_failed_at = models.DateTimeField(null=True, blank=True)
    chartmogul_data_source_uuid = models.CharField(max_length=64, blank=True)
    chartmogul_data_source_name = models.CharField(max_length=200, blank=True)
    # Only a data source SaaSync created for this store may be offered for deletion on disconnect.
    chartmogul_data_source_created = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    sync_interval_minutes = models.PositiveIntegerField(default=15)
    check_state = models.CharField(max_length=10, choices=CheckState.choices, default=CheckState.IDLE)
    check_run_id = models.UUIDField(null=True, blank=True)
    check_results = models.JSONField(default=list, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    disconnected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["tenant", "store_url"],
                condition=~models.Q(status="disconnected"),
                name="one_live_connection_per_store",
            )
        ]

    def __str__(self) -> str:
        return self.host

    def get_absolute_url(self) -> str:
        return reverse("connection_detail", kwargs={"tenant_slug": self.tenant.slug, "uuid": self.uuid})

    @property
    def host(self) -> str:
        return urlsplit(self.store_url).netloc

    @property
    def consumer_key_masked(self) -> str:
        return mask(self.consumer_key)

    @property
    def consumer_secret_masked(self) -> str:
        return mask(self.consumer_secret)

    @property
    def checks_stale(self) -> bool:
        return self.check_state == self.CheckState.RUNNING and self.updated_at < timezone.now() - CHECK_RUN_STALE_AFTER

    @property
    def webhook_signatures_failing(self) -> bool:
        """Deliveries arrived with a wrong signature since the webhooks were last verified."""
        return self.webhook_signature_failed_at is not None and (
            self.webhooks_verified_at is None or self.webhook_signature_failed_at > self.webhooks_verified_at
        )

    @property
    def has_failed_checks(self) -> bool:
        return any(result.get("status") == "fail" for result in self.check_results)

    @property
    def can_write_to_store(self) -> bool:
        return self.key_permission in (self.KeyPermission.WRITE, self.KeyPermission.READ_WRITE)

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.DISCONNECTED
