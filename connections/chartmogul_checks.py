"""The ChartMogul side of the checklist: the key works, and it may write."""

from __future__ import annotations

from collections.abc import Callable

from connections.check_results import CheckResult
from connections.clients.chartmogul import ChartMogulClient
from connections.clients.chartmogul_errors import ChartMogulConnectionError, ChartMogulError
from connections.requirement_messages import Messages

ErrorSink = Callable[[str, ChartMogulError], None]


def _detail(error: ChartMogulError) -> str:
    return " · ".join(str(part) for part in (f"HTTP {error.status}" if error.status else "", error.message) if part)


def run_chartmogul_checks(client: ChartMogulClient, *, record_error: ErrorSink) -> list[CheckResult]:
    key_title, write_title = "ChartMogul API key valid", "ChartMogul key may write"
    try:
        client.ping()
    except ChartMogulConnectionError as error:
        return [
            CheckResult("chartmogul_key", key_title, "fail", Messages.chartmogul_unreachable(), _detail(error)),
            CheckResult("chartmogul_write", write_title, "skip", f"Waiting for “{key_title}” to pass."),
        ]
    except ChartMogulError as error:
        record_error("check: ping", error)
        if error.is_auth_error:
            message = Messages.chartmogul_key_rejected()
        elif error.status in (402, 403):
            message = Messages.chartmogul_account_refused()
        else:
            message = Messages.chartmogul_unreachable()
        return [
            CheckResult("chartmogul_key", key_title, "fail", message, _detail(error)),
            CheckResult("chartmogul_write", write_title, "skip", f"Waiting for “{key_title}” to pass."),
        ]
    results = [CheckResult("chartmogul_key", key_title, "pass", "ChartMogul accepted the API key.")]
    try:
        can_write = client.probe_write_access()
    except ChartMogulError as error:
        record_error("check: write probe", error)
        results.append(
            CheckResult("chartmogul_write", write_title, "fail", Messages.chartmogul_unreachable(), _detail(error))
        )
        return results
    if can_write:
        results.append(CheckResult("chartmogul_write", write_title, "pass", "The key has write access."))
    else:
        results.append(CheckResult("chartmogul_write", write_title, "fail", Messages.chartmogul_read_only()))
    return results
