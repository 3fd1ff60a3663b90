"""Plain request/response values passed between the socket layer and the simulated WordPress."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class HttpRequest:
    method: str
    scheme: str  # "https" | "http": what the store itself sees (is_ssl())
    path: str  # raw path, as sent
    query: str  # raw query string, without '?'
    headers: dict[str, str]  # lower-cased names
    body: bytes = b""
    header_names: tuple[str, ...] = ()  # as sent (original case)

    @property
    def request_uri(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None
