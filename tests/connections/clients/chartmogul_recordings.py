"""Loading the recorded ChartMogul interactions (shared/fixtures/chartmogul/*/*.json) for tests."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fixture_files import FIXTURES_DIR

CHARTMOGUL_DIR = FIXTURES_DIR / "chartmogul"
_ID_SEGMENT = re.compile(r"/(ds|cus|pl|inv|sub|tr|li)_[0-9a-f-]+")


@dataclass(frozen=True)
class Recording:
    file: Path
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    request_body: Any
    status: int
    response_headers: dict[str, str]
    response_body: Any

    @property
    def name(self) -> str:
        return f"{self.file.parent.name}/{self.file.name}"

    @property
    def route(self) -> str:
        """The path with object ids replaced by their kind, e.g. /v1/customers/{cus}."""
        return _ID_SEGMENT.sub(lambda m: "/{" + m.group(1) + "}", self.path)

    @property
    def params(self) -> dict[str, str]:
        return dict(self.query)

    def response_text(self) -> str:
        body = self.response_body
        if body is None:
            return ""
        return body if isinstance(body, str) else json.dumps(body)

    @property
    def content_type(self) -> str:
        for name, value in self.response_headers.items():
            if name.lower() == "content-type":
                return value.split(";")[0]
        return "application/json"


@cache
def all_recordings() -> tuple[Recording, ...]:
    found = []
    for file in sorted(CHARTMOGUL_DIR.glob("*/*.json")):
        data = json.loads(file.read_text())
        parts = urlsplit(data["request"]["url"])
        found.append(
            Recording(
                file=file,
                method=data["request"]["method"],
                path=parts.path,
                query=tuple(parse_qsl(parts.query, keep_blank_values=True)),
                request_body=data["request"]["body"],
                status=data["response"]["status"],
                response_headers=data["response"]["headers"],
                response_body=data["response"]["body"],
            )
        )
    return tuple(found)
