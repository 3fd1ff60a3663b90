from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEvent, ErrorLog
from audit.services import SecretInAuditMetadata, audit_record, error_log_record
from audit.tasks import purge_audit_events, purge_error_logs

pytestmark = pytest.mark.django_db


def test_error_logs_are_kept_14_days() -> None:
    with time_machine.travel(timezone.now() - timedelta(days=14, minutes=1)):
        old = error_log_record(system="woocommerce", operation="old")
    with time_machine.travel(timezone.now() - timedelta(days=13, hours=23)):
        recent = error_log_record(system="woocommerce", operation="recent")

    purge_error_logs()

    assert list(ErrorLog.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not ErrorLog.objects.filter(pk=old.pk).exists()


def test_audit_events_are_kept_30_days() -> None:
    with time_machine.travel(timezone.now() - timedelta(days=30, minutes=1)):
        audit_record(tenant=None, actor=None, action="tenant.created")
    with time_machine.travel(timezone.now() - timedelta(days=29)):
        recent = audit_record(tenant=None, actor=None, action="tenant.created")

    purge_audit_events()

    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]


def test_secret_looking_metadata_is_refused() -> None:
    with pytest.raises(SecretInAuditMetadata):
        audit_record(tenant=None, actor=None, action="tenant.created", metadata={"consumer_secret": "x"})


def test_error_bodies_are_redacted() -> None:
    entry = error_log_record(
        system="woocommerce",
        operation="x",
        url="https://s.test/wp-json/wc/v3/orders?consumer_key=ck_" + "1" * 40 + "&consumer_secret=zzz",
        response_body='{"echo": "cs_' + "2" * 40 + '", "key": "my-cm-key"}',
        secrets=("my-cm-key",),
    )

    assert "1" * 40 not in entry.url and "zzz" not in entry.url
    assert "2" * 40 not in entry.response_body and "my-cm-key" not in entry.response_body


def test_beat_schedules_both_purges() -> None:
    from saasync.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"audit.tasks.purge_error_logs", "audit.tasks.purge_audit_events"} <= tasks
