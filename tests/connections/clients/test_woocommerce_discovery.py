"""Front page, redirects and API-root discovery, replayed from the recorded store."""

from __future__ import annotations

import pytest
import responses

from connections.clients.woocommerce import ApiRoot, FrontPage, WooCommerceNotFoundError, WooCommerceRedirectError
from tests.connections.clients.test_woocommerce_fixtures import PROTOCOL, client, register

HTML = "<!DOCTYPE html><html><head><title>Store A</title></head><body>Shop</body></html>"


def front_page_without_link() -> None:
    """A front page whose Link header a security plugin removed."""
    responses.add("GET", "https://store-a.test/", body=HTML, status=200, content_type="text/html")


@pytest.mark.parametrize(
    ("name", "link", "plain"),
    [
        ("front-page-link-header.json", "https://store-a.test/wp-json/", False),
        ("plain-permalinks-front-page-link-header.json", "https://store-a.test/index.php?rest_route=/", True),
    ],
)
@responses.activate
def test_front_page_link_header_gives_the_api_root(name, link, plain):
    register(PROTOCOL / name)
    woo = client()
    assert woo.fetch_front_page() == FrontPage("https://store-a.test/", 200, link, [])
    assert woo.discover_api_root() == ApiRoot(link, plain, "link_header")


@responses.activate
def test_wp_json_probe_reports_plain_permalinks_from_link_header():
    """Under plain permalinks `php -S` still answered /wp-json/, but its Link header named ?rest_route=."""
    front_page_without_link()
    register(PROTOCOL / "api-root-plain-permalinks-wp-json-path.json")
    assert client().discover_api_root() == ApiRoot("https://store-a.test/wp-json/", True, "wp_json_probe")


@responses.activate
def test_wp_json_probe_with_pretty_permalinks():
    front_page_without_link()
    register(PROTOCOL / "api-root-index-pretty.json")
    assert client().discover_api_root() == ApiRoot("https://store-a.test/wp-json/", False, "wp_json_probe")


@responses.activate
def test_rest_route_probe_when_wp_json_is_not_the_api():
    """nginx `try_files … /index.php` serves the front page HTML for /wp-json/ when permalinks are plain."""
    front_page_without_link()
    responses.add("GET", "https://store-a.test/wp-json/", body=HTML, status=200, content_type="text/html")
    register(PROTOCOL / "plain-permalinks-rest-route-root.json")
    assert client().discover_api_root() == ApiRoot("https://store-a.test/?rest_route=/", True, "rest_route_probe")


@responses.activate
def test_no_api_anywhere_is_a_not_found_error_for_the_merchant():
    front_page_without_link()
    responses.add("GET", "https://store-a.test/wp-json/", body="Not Found", status=404, content_type="text/html")
    responses.add("GET", "https://store-a.test/", body=HTML, status=200, content_type="text/html")
    with pytest.raises(WooCommerceNotFoundError) as caught:
        client().discover_api_root()
    assert "REST API" in caught.value.message


@responses.activate
def test_redirects_are_followed_by_hand_and_recorded():
    responses.add("GET", "https://store-a.test/", status=301, headers={"Location": "https://www.store-a.test/"})
    responses.add(
        "GET",
        "https://www.store-a.test/",
        body=HTML,
        status=200,
        content_type="text/html",
        headers={"Link": '<https://www.store-a.test/wp-json/>; rel="https://api.w.org/"'},
    )
    page = client().fetch_front_page()
    assert page == FrontPage(
        "https://www.store-a.test/", 200, "https://www.store-a.test/wp-json/", ["https://store-a.test/"]
    )


@responses.activate
def test_redirect_loop_is_detected():
    responses.add("GET", "https://store-a.test/", status=302, headers={"Location": "https://store-a.test/shop/"})
    responses.add("GET", "https://store-a.test/shop/", status=302, headers={"Location": "/"})
    with pytest.raises(WooCommerceRedirectError) as caught:
        client().fetch_front_page()
    assert caught.value.redirect_chain == [
        "https://store-a.test/",
        "https://store-a.test/shop/",
        "https://store-a.test/",
    ]


@responses.activate
def test_more_than_five_redirects_is_an_error():
    for hop in range(7):
        responses.add(
            "GET", f"https://store-a.test/{hop}" if hop else "https://store-a.test/", status=302,
            headers={"Location": f"https://store-a.test/{hop + 1}"},
        )  # fmt: skip
    with pytest.raises(WooCommerceRedirectError) as caught:
        client().fetch_front_page()
    assert (caught.value.code, len(responses.calls)) == ("too_many_redirects", 6)


@responses.activate
def test_api_answering_with_a_redirect_asks_for_the_final_address():
    responses.add(
        "GET",
        "https://store-a.test/wp-json/wc/v3/orders",
        status=301,
        headers={"Location": "https://www.store-a.test/wp-json/wc/v3/orders"},
    )
    with pytest.raises(WooCommerceRedirectError) as caught:
        client().get("orders")
    assert caught.value.redirect_chain[-1] == "https://www.store-a.test/wp-json/wc/v3/orders"
    assert len(responses.calls) == 1  # credentials are never forwarded to the redirect target
