"""The ChartMogul side of the checklist, passing and failing, against the ChartMogul simulator."""

from __future__ import annotations

from connections.chartmogul_checks import run_chartmogul_checks
from connections.chartmogul_services import chartmogul_account_connect
from connections.clients.chartmogul import ChartMogulClient
from connections.clients.rate_limit import InProcessRateLimiter
from connections.models import ChartMogulAccount
from tests.factories import ChartMogulAccountFactory, StoreConnectionFactory


def checks(simulator, api_key: str) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    client = ChartMogulClient(
        api_key=api_key, base_url=simulator.base_url, rate_limiter=InProcessRateLimiter(), sleep=lambda _s: None
    )
    recorded: list[str] = []
    results = run_chartmogul_checks(client, record_error=lambda operation, error: recorded.append(operation))
    return {r.id: (r.status, r.message) for r in results}


def test_a_read_write_key_passes_both_checks(chartmogul_simulator, chartmogul_api_key) -> None:
    result = checks(chartmogul_simulator, chartmogul_api_key)

    assert {k: v[0] for k, v in result.items()} == {"chartmogul_key": "pass", "chartmogul_write": "pass"}
    assert chartmogul_simulator.state.data_sources == {}  # the write probe created nothing


def test_an_unknown_key_fails_and_says_where_to_create_one(chartmogul_simulator) -> None:
    result = checks(chartmogul_simulator, "not-a-real-key")

    assert result["chartmogul_key"][0] == "fail" and "API keys" in result["chartmogul_key"][1]
    assert result["chartmogul_write"][0] == "skip"


def test_a_read_only_key_fails_the_write_check(chartmogul_simulator, chartmogul_read_api_key) -> None:
    result = checks(chartmogul_simulator, chartmogul_read_api_key)

    assert result["chartmogul_key"][0] == "pass"
    assert result["chartmogul_write"][0] == "fail" and "Read & Write" in result["chartmogul_write"][1]


def test_chartmogul_down_is_not_blamed_on_the_key(chartmogul_simulator, chartmogul_api_key) -> None:
    chartmogul_simulator.inject_fault(r"/v1/ping", kind="500", times=10)

    result = checks(chartmogul_simulator, chartmogul_api_key)

    assert result["chartmogul_key"][0] == "fail" and "could not reach ChartMogul" in result["chartmogul_key"][1]


def test_a_key_of_another_chartmogul_account_cannot_replace_the_teams_key(
    owner, tenant, chartmogul_simulator, chartmogul_api_key, settings
) -> None:
    settings.CHARTMOGUL_API_URL = chartmogul_simulator.base_url
    ChartMogulAccountFactory(tenant=tenant, api_key="first-account-key")
    StoreConnectionFactory(tenant=tenant, chartmogul_data_source_uuid="ds_in_the_first_account")

    account, results = chartmogul_account_connect(tenant=tenant, actor=owner, api_key=chartmogul_api_key)

    assert account is None
    assert {r.id: r.status for r in results}["chartmogul_account"] == "fail"
    assert ChartMogulAccount.objects.get(tenant=tenant).api_key == "first-account-key"
