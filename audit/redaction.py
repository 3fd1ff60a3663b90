"""Keeps secrets out of log output: a logging filter applied to every handler.

The clients already avoid logging credentials; this is the net under them, for exception messages
and third-party log lines that might echo a URL with query-string credentials or a header.
"""

from __future__ import annotations

import logging
import re

REDACTED = "<redacted>"

# (pattern, replacement): replacements keep the parameter or header name so logs stay readable.
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # WooCommerce consumer keys and secrets.
    (re.compile(r"\bc[ks]_[0-9a-f]{40}\b", re.IGNORECASE), REDACTED),
    # Credentials carried in a query string.
    (
        re.compile(
            r"([?&](?:consumer_key|consumer_secret|oauth_signature|oauth_consumer_key)=)[^&\s\"']+", re.IGNORECASE
        ),
        r"\1" + REDACTED,
    ),
    # Authorization header values (Basic/Bearer/OAuth), as "Authorization: X" or in a repr'd dict.
    (
        re.compile(r"(Authorization['\"]?:\s*['\"]?)(?:Basic|Bearer|OAuth)\s+[^\s\"',]+", re.IGNORECASE),
        r"\1" + REDACTED,
    ),
    # Fernet tokens (encrypted values) are not secrets, but nothing is gained by logging them.
    (re.compile(r"\bgAAAAA[0-9A-Za-z_\-=]{40,}"), REDACTED),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            # Format the traceback now, redacted, so handlers do not format the raw one.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
