"""Recording helpers. Callers pass what happened; these make sure no secret is ever stored."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from audit.models import AuditEvent, ErrorLog
from audit.redaction import redact

# Metadata keys that could carry a credential are refused outright rather than silently dropped,
# so a careless caller finds out in tests, not in a leak.
FORBIDDEN_METADATA_KEYS = ("secret", "password", "consumer_key", "api_key", "token", "authorization", "signature")
MAX_BODY_CHARS = 4000


class SecretInAuditMetadata(ValueError):
    pass


def _check_metadata(metadata: dict[str, Any]) -> None:
    for key, value in metadata.items():
        lowered = key.lower()
        if any(word in lowered for word in FORBIDDEN_METADATA_KEYS):
            raise SecretInAuditMetadata(
                f"Audit metadata key {key!r} looks like a secret; record a fact about it instead."
            )
        if isinstance(value, dict):
            _check_metadata(value)


def client_ip(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is spoofable unless a trusted proxy sets it (handled at the proxy).
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    tenant: Any,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    ip: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> AuditEvent:
    metadata = metadata or {}
    _check_metadata(metadata)
    actor_obj = actor if getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        tenant=tenant,
        actor=actor_obj,
        actor_label=str(actor) if actor is not None else "system",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(getattr(target, "uuid", None) or getattr(target, "pk", "")) if target is not None else "",
        ip=ip,
        metadata=metadata,
    )


def error_log_record(
    *,
    system: str,
    operation: str,
    tenant: Any = None,
    connection_uuid: Any = None,
    method: str = "",
    url: str = "",
    status_code: int | None = None,
    error_code: str = "",
    message: str = "",
    response_body: str = "",
    secrets: tuple[str, ...] = (),
) -> ErrorLog:
    def clean(text: str) -> str:
        for secret in secrets:
            if secret:
                text = text.replace(secret, "<redacted>")
        return redact(text)

    return ErrorLog.objects.create(
        tenant=tenant,
        connection_uuid=connection_uuid,
        system=system,
        operation=operation[:120],
        method=method[:8],
        url=clean(url)[:500],
        status_code=status_code,
        error_code=error_code[:120],
        message=clean(message),
        response_body=clean(response_body)[:MAX_BODY_CHARS],
    )
