"""Store situations the product must cope with: permalinks, hosts, TLS, redirects, plugins, faults."""

from __future__ import annotations

import time

import pytest
import requests

SYSTEM_STATUS = "/wp-json/wc/v3/system_status"


def test_https_base_url_is_localhost_with_a_certificate_the_test_ca_trusts(woo_store, woo_session):
    assert woo_store.base_url.startswith("https://localhost:")
    assert woo_session.get(woo_store.base_url + "/").status_code == 200


def test_untrusted_certificate_is_rejected_by_a_verifying_client(woo_store_factory, woo_session):
    store = woo_store_factory(tls_untrusted=True)
    with pytest.raises(requests.exceptions.SSLError):
        woo_session.get(store.base_url + "/wp-json/")


def test_front_page_advertises_the_api_root(woo_store, woo_session):
    response = woo_session.get(woo_store.base_url + "/")
    assert response.headers["Link"] == f'<{woo_store.base_url}/wp-json/>; rel="https://api.w.org/"'
    assert f'<link rel="https://api.w.org/" href="{woo_store.base_url}/wp-json/" />' in response.text


@pytest.mark.parametrize(
    ("server", "status", "content_type"),
    [("apache", 404, "text/html; charset=iso-8859-1"), ("nginx", 200, "text/html; charset=UTF-8")],
)
def test_plain_permalinks_make_wp_json_non_json(woo_store_factory, woo_session, server, status, content_type):
    store = woo_store_factory(permalinks="plain", plain_permalinks_server=server)
    response = woo_session.get(store.base_url + "/wp-json/")
    assert (response.status_code, response.headers["Content-Type"]) == (status, content_type)


def test_plain_permalinks_api_still_answers_on_rest_route(woo_store_factory, woo_session):
    store = woo_store_factory(permalinks="plain", plain_permalinks_server="apache")
    response = woo_session.get(store.base_url + "/index.php", params={"rest_route": "/", "_fields": "home,namespaces"})
    assert response.json()["home"] == store.base_url
    assert "wc/v3" in response.json()["namespaces"]
    assert response.headers["Link"] == f'<{store.base_url}/index.php?rest_route=/>; rel="https://api.w.org/"'


def test_plain_permalinks_key_auth_on_rest_route_is_anonymous_before_wc_11_1(woo_store_factory, woo_session):
    store = woo_store_factory(permalinks="plain")
    key = store.add_api_key()
    response = woo_session.get(store.base_url + "/", params={"rest_route": "/wc/v3/system_status"}, auth=key)
    assert (response.status_code, response.json()["code"]) == (401, "woocommerce_rest_cannot_view")


def test_stripped_authorization_header_only_query_credentials_work(woo_store_factory, woo_session):
    store = woo_store_factory(strip_authorization_header=True)
    ck, cs = store.add_api_key()
    assert woo_session.get(store.base_url + SYSTEM_STATUS, auth=(ck, cs)).status_code == 401
    response = woo_session.get(store.base_url + SYSTEM_STATUS, params={"consumer_key": ck, "consumer_secret": cs})
    assert response.status_code == 200


def test_home_url_mismatch_shows_in_index_and_system_status(woo_store, woo_session, woo_admin_key):
    woo_store.home_url = f"https://www.localhost:{woo_store.port}"
    index = woo_session.get(woo_store.base_url + "/wp-json/", params={"_fields": "home,url"}).json()
    status = woo_session.get(
        woo_store.base_url + SYSTEM_STATUS, params={"_fields": "environment.home_url"}, auth=woo_admin_key
    ).json()
    assert index == {"url": woo_store.home_url, "home": woo_store.home_url}
    assert status == {"environment": {"home_url": woo_store.home_url}}


def test_redirect_to_another_host_is_a_301_with_the_same_path(woo_store_factory, woo_session):
    store = woo_store_factory(redirect_to="https://shop.example/")
    response = woo_session.get(store.base_url + "/wp-json/?x=1", allow_redirects=False)
    assert (response.status_code, response.headers["Location"]) == (301, "https://shop.example/wp-json/?x=1")


def test_redirect_to_itself_is_a_loop(woo_store_factory, woo_session):
    store = woo_store_factory()
    store.redirect_to = store.base_url
    with pytest.raises(requests.exceptions.TooManyRedirects):
        woo_session.get(store.base_url + "/wp-json/")


def test_front_page_can_redirect_anywhere(woo_store, woo_session):
    woo_store.redirect_front_page("http://169.254.169.254/latest/meta-data/")
    response = woo_session.get(woo_store.base_url + "/", allow_redirects=False)
    assert (response.status_code, response.headers["Location"]) == (302, "http://169.254.169.254/latest/meta-data/")


def test_without_subscriptions_plugin_its_routes_are_gone(woo_store_factory, woo_session):
    store = woo_store_factory(subscriptions_active=False)
    key = store.add_api_key()
    response = woo_session.get(store.base_url + "/wp-json/wc/v3/subscriptions", auth=key)
    plugins = woo_session.get(store.base_url + SYSTEM_STATUS, params={"_fields": "active_plugins"}, auth=key).json()
    routes = woo_session.get(store.base_url + "/wp-json/wc/v3").json()["routes"]
    assert (response.status_code, response.json()["code"]) == (404, "rest_no_route")
    assert [p["plugin"] for p in plugins["active_plugins"]] == ["woocommerce/woocommerce.php"]
    assert "/wc/v3/subscriptions" not in routes and "/wc/v3/orders" in routes


def test_versions_are_configurable(woo_store_factory, woo_session):
    store = woo_store_factory(wc_version="3.4.0", wp_version="4.3.1")
    status = woo_session.get(
        store.base_url + SYSTEM_STATUS,
        params={"_fields": "environment.version,environment.wp_version"},
        auth=store.add_api_key(),
    ).json()
    assert status == {"environment": {"version": "3.4.0", "wp_version": "4.3.1"}}


@pytest.mark.parametrize(("kind", "status"), [("500", 500), ("503", 503), ("429", 429)])
def test_injected_error_status_happens_once_then_recovers(woo_store, woo_session, woo_admin_key, kind, status):
    woo_store.inject_fault(r"/wc/v3/orders", kind=kind, times=1, retry_after=7)
    first = woo_session.get(woo_store.base_url + "/wp-json/wc/v3/orders", auth=woo_admin_key)
    second = woo_session.get(woo_store.base_url + "/wp-json/wc/v3/orders", auth=woo_admin_key)
    assert (first.status_code, second.status_code) == (status, 200)
    if kind != "500":
        assert first.headers["Retry-After"] == "7"


def test_injected_timeout_makes_the_client_time_out(woo_store, woo_session, woo_admin_key):
    woo_store.inject_fault(r"/wc/v3/orders", kind="timeout", delay=3)
    with pytest.raises(requests.exceptions.ReadTimeout):
        woo_session.get(woo_store.base_url + "/wp-json/wc/v3/orders", auth=woo_admin_key, timeout=0.5)


def test_injected_drop_closes_the_connection(woo_store, woo_session, woo_admin_key):
    woo_store.inject_fault(r"/wc/v3/orders", kind="drop")
    with pytest.raises(requests.exceptions.ConnectionError):
        woo_session.get(woo_store.base_url + "/wp-json/wc/v3/orders", auth=woo_admin_key)


def test_injected_malformed_json_is_not_parseable(woo_store, woo_session, woo_admin_key):
    woo_store.inject_fault(r"/wc/v3/orders", kind="malformed_json")
    response = woo_session.get(woo_store.base_url + "/wp-json/wc/v3/orders", auth=woo_admin_key)
    with pytest.raises(requests.exceptions.JSONDecodeError):
        response.json()


def test_latency_delays_every_answer(woo_store_factory, woo_session):
    store = woo_store_factory(latency=0.3)
    started = time.monotonic()
    woo_session.get(store.base_url + "/")
    assert time.monotonic() - started >= 0.3


def test_request_log_redacts_query_credentials(woo_store, woo_session):
    ck, cs = woo_store.add_api_key()
    woo_session.get(woo_store.base_url + SYSTEM_STATUS, params={"consumer_key": ck, "consumer_secret": cs})
    (seen,) = woo_store.requests_seen
    assert seen.query == {"consumer_key": "<redacted>", "consumer_secret": "<redacted>"}
    assert (seen.method, seen.path) == ("GET", SYSTEM_STATUS)
    assert ck not in repr(seen) and cs not in repr(seen)
