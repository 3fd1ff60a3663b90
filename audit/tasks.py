"""Retention: error logs live 14 days, the audit trail 30 days (the privacy promise)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from audit.models import AUDIT_RETENTION, ERROR_LOG_RETENTION, AuditEvent, ErrorLog

logger = logging.getLogger(__name__)


def purge_older_than(model: type[AuditEvent] | type[ErrorLog], retention) -> int:  # type: ignore[no-untyped-def]
    cutoff = timezone.now() - retention
    deleted, _ = model.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def purge_error_logs() -> int:
    deleted = purge_older_than(ErrorLog, ERROR_LOG_RETENTION)
    logger.info("purged %d error log entries older than %d days", deleted, ERROR_LOG_RETENTION.days)
    return deleted


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def purge_audit_events() -> int:
    deleted = purge_older_than(AuditEvent, AUDIT_RETENTION)
    logger.info("purged %d audit events older than %d days", deleted, AUDIT_RETENTION.days)
    return deleted
