"""The result of one requirement check, as stored on the connection and shown in the checklist."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

CheckStatus = Literal["pass", "warn", "fail", "skip"]


@dataclass(frozen=True)
class CheckResult:
    id: str
    title: str
    status: CheckStatus
    # Written for the merchant: what is wrong and exactly how to fix it (or what was confirmed).
    message: str
    # For support: what the store actually answered. Never credentials.
    detail: str = ""

    @property
    def blocks(self) -> bool:
        return self.status == "fail"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StoreFacts:
    """What the checks learned about the store, persisted on the connection afterwards."""

    home_url: str = ""
    api_root: str = ""
    auth_mode: str = "header"
    wc_version: str = ""
    wp_version: str = ""
    subscriptions_version: str = ""
    key_permission: str = ""
    namespaces: list[str] = field(default_factory=list)
    subscriptions_routes: bool = False


def summarise(results: list[dict[str, Any]]) -> dict[str, int]:
    counts = {"pass": 0, "warn": 0, "fail": 0, "skip": 0}
    for result in results:
        counts[result.get("status", "skip")] = counts.get(result.get("status", "skip"), 0) + 1
    return counts
