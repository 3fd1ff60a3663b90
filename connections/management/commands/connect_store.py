"""Connect a store from the command line: the wizard's checks and steps, for support and scripting.

Exit status: 0 when the connection is ready (or only warnings remain), 1 when a required check failed
or a step could not be completed, 2 for bad arguments.
"""

from __future__ import annotations

import json
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from connections.chartmogul_services import chartmogul_account_connect, connection_select_data_source
from connections.check_results import CheckResult
from connections.clients.woocommerce import WooCommerceError
from connections.models import WEBHOOK_TOPICS, StoreConnection
from connections.services import (
    ConnectionStepError,
    connection_create,
    connection_mark_ready,
    connection_run_checks,
    connection_update_credentials,
)
from connections.webhook_services import (
    connection_register_webhooks,
    connection_verify_webhooks,
    delivery_url,
)
from saasync.accounts.models import Membership, Tenant, User

SYMBOL = {"pass": "✓", "warn": "!", "fail": "✗", "skip": "·"}


class Command(BaseCommand):
    help = "Connect a WooCommerce store to ChartMogul for a tenant, running every requirement check."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True, help="Email address of an owner of the tenant.")
        parser.add_argument("--team", help="Tenant slug, when that owner owns several tenants.")
        parser.add_argument("--store-url", required=True)
        parser.add_argument("--consumer-key", required=True)
        # Secrets on a command line show up in `ps` and shell history: they may come from the
        # environment instead (SAASYNC_CONSUMER_SECRET, SAASYNC_CHARTMOGUL_API_KEY).
        parser.add_argument("--consumer-secret", default=os.environ.get("SAASYNC_CONSUMER_SECRET"))
        parser.add_argument("--chartmogul-api-key", default=os.environ.get("SAASYNC_CHARTMOGUL_API_KEY"))
        parser.add_argument("--json", action="store_true", help="Print one JSON document instead of text.")

    def handle(self, *args: Any, **options: Any) -> None:
        for name, env in (
            ("consumer_secret", "SAASYNC_CONSUMER_SECRET"),
            ("chartmogul_api_key", "SAASYNC_CHARTMOGUL_API_KEY"),
        ):
            if not options.get(name):
                raise CommandError(f"Give --{name.replace('_', '-')} or set {env}.")
        owner, tenant = self._owner_and_tenant(options["tenant"], options.get("team"))
        report: dict[str, Any] = {"tenant": tenant.slug, "checks": [], "steps": [], "ready": False}
        self.as_json = options["json"]
        try:
            connection = connection_create(tenant=tenant, actor=owner, store_url=options["store_url"])
        except WooCommerceError as error:
            raise CommandError(error.message or str(error)) from error
        report["connection_uuid"] = str(connection.uuid)
        self._say(f"Connection {connection.uuid} for {connection.store_url}")

        connection_update_credentials(
            connection=connection,
            actor=owner,
            consumer_key=options["consumer_key"],
            consumer_secret=options["consumer_secret"],
            enqueue_checks=False,
        )
        connection.refresh_from_db()
        results = connection_run_checks(connection_id=connection.id, run_id=str(connection.check_run_id))
        _, chartmogul_results = chartmogul_account_connect(
            tenant=tenant, actor=owner, api_key=options["chartmogul_api_key"], connection=connection
        )
        for result in [*results, *chartmogul_results]:
            report["checks"].append(result.as_dict())
            self._print_check(result)
        if any(r.blocks for r in [*results, *chartmogul_results]):
            return self._finish(report, ok=False)

        connection.refresh_from_db()
        try:
            connection_select_data_source(connection=connection, actor=owner)
            report["steps"].append({"step": "data_source", "uuid": connection.chartmogul_data_source_uuid})
            self._say(
                f"Data source: {connection.chartmogul_data_source_name} ({connection.chartmogul_data_source_uuid})"
            )
            self._webhooks(connection, owner, report)
            connection_mark_ready(connection=connection, actor=owner)
        except ConnectionStepError as error:
            report["error"] = str(error)
            self._say(f"✗ {error}")
            return self._finish(report, ok=False)
        report["ready"] = True
        self._say(f"Ready for its first sync: {connection.uuid}")
        return self._finish(report, ok=True)

    def _webhooks(self, connection: StoreConnection, owner: User, report: dict[str, Any]) -> None:
        if connection.can_write_to_store:
            ids = connection_register_webhooks(connection=connection, actor=owner)
            report["steps"].append({"step": "webhooks", "registered": ids})
            self._say(f"Webhooks registered: {len(ids)}")
            return
        verification = connection_verify_webhooks(connection=connection, actor=owner)
        report["steps"].append(
            {"step": "webhooks", "missing": verification.missing, "delivery_url": delivery_url(connection)}
        )
        if not verification.complete:
            self._say(
                "Read-only key: add these webhooks in WooCommerce → Settings → Advanced → Webhooks, then run again:"
            )
            for topic in WEBHOOK_TOPICS:
                self._say(f"  {topic:24} {delivery_url(connection)}  (secret: shown in the wizard's webhooks step)")
            raise ConnectionStepError("The store's webhooks are not all set up yet.")

    def _owner_and_tenant(self, email: str, slug: str | None) -> tuple[User, Tenant]:
        owner = User.objects.filter(email__iexact=email).first()
        if owner is None:
            raise CommandError(f"No user with the email address {email}.")
        owned = Tenant.objects.filter(memberships__user=owner, memberships__role=Membership.Role.OWNER)
        if slug:
            owned = owned.filter(slug=slug)
        tenants = list(owned[:2])
        if not tenants:
            raise CommandError(f"{email} owns no tenant{f' with slug {slug}' if slug else ''}.")
        if len(tenants) > 1:
            raise CommandError(f"{email} owns several tenants; name one with --team <slug>.")
        return owner, tenants[0]

    def _print_check(self, result: CheckResult) -> None:
        self._say(f"{SYMBOL[result.status]} {result.title}: {result.message}")

    def _say(self, line: str) -> None:
        if not self.as_json:
            self.stdout.write(line)

    def _finish(self, report: dict[str, Any], *, ok: bool) -> None:
        if self.as_json:
            self.stdout.write(json.dumps(report, indent=2))
        if not ok:
            raise SystemExit(1)
