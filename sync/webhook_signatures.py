"""WooCommerce webhook signatures: base64(HMAC-SHA256(secret, raw body)) in X-WC-Webhook-Signature."""

from __future__ import annotations

import base64
import hashlib
import hmac


def signature_for(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def signature_is_valid(body: bytes, secret: str, signature: str | None) -> bool:
    if not secret or not signature:
        return False
    return hmac.compare_digest(signature_for(body, secret), signature.strip())
