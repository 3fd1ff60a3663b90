from __future__ import annotations

from celery import shared_task

from connections.services import connection_run_checks


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def run_requirement_checks(*, connection_id: int, run_id: str) -> None:
    connection_run_checks(connection_id=connection_id, run_id=run_id)
