"""The Celery app: three queues, the beat schedule in code, safe defaults for long work.

Tasks are enqueued with `delay_on_commit` (DjangoTask), so a task never runs before the transaction
that created its rows has committed.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saasync.settings")

app = Celery("saasync", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")

app.conf.update(
    task_queues=tuple(Queue(name, Exchange(name), routing_key=name) for name in ("webhooks", "sync", "maintenance")),
    task_default_queue="sync",
    task_routes={
        "audit.tasks.*": {"queue": "maintenance"},
        "connections.tasks.*": {"queue": "sync"},
        "sync.tasks.webhook_*": {"queue": "webhooks"},
        "sync.tasks.*": {"queue": "sync"},
    },
    # A task is acknowledged only after it finished, so a crashed worker's task runs again.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_soft_time_limit=300,
    task_time_limit=360,
    task_ignore_result=True,
    broker_connection_retry_on_startup=True,
    timezone="UTC",
    beat_schedule={
        "purge-error-logs": {
            "task": "audit.tasks.purge_error_logs",
            "schedule": crontab(minute=17),
        },
        "purge-audit-events": {
            "task": "audit.tasks.purge_audit_events",
            "schedule": crontab(minute=23),
        },
    },
)
app.autodiscover_tasks()
