"""A ChartMogul Import API simulator: a real HTTP server pinned by the recorded traffic in
shared/fixtures/chartmogul/."""

from tests.simulators.chartmogul.server import ChartMogulSimulator, LoggedRequest

__all__ = ["ChartMogulSimulator", "LoggedRequest"]
