from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_merchant_signs_up_confirms_email_logs_in_and_sees_empty_dashboard(live_server, page) -> None:
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Email").fill("newmerchant@example.test")
    page.get_by_label("Company or store name").fill("Browser Shop")
    page.get_by_label("Password:", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_label("Password (again):").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(re.compile(r".*/accounts/confirm-email/$"))

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)  # type: ignore[union-attr]
    page.goto(link.replace("http://testserver", live_server.url))
    page.get_by_role("button", name="Confirm").click()

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("newmerchant@example.test")
    page.get_by_label("Password:", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    page.get_by_role("heading", name="Connect your first store").wait_for()
    assert page.get_by_role("link", name="Connect a store").is_visible()
