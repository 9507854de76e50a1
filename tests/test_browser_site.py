"""The site in headless Chromium: right-to-left Arabic, language switch, quick exit, no outside requests."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.conftest import BUILD

pytestmark = pytest.mark.browser
NEUTRAL = "https://www.google.com/"
PHONE = {"width": 412, "height": 915}


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    # The quick-exit target is answered here, so not even that request leaves the machine.
    context.route(NEUTRAL + "**", lambda route: route.fulfill(body="<title>neutral</title>",
                                                               content_type="text/html"))
    yield page
    context.close()


def _outside(requests: list[str]) -> list[str]:
    return [u for u in requests if urlsplit(u).hostname not in ("localhost", "127.0.0.1")
            and not u.startswith(("data:", "about:", NEUTRAL))]


def test_arabic_page_is_right_to_left_and_switches_to_french_on_the_same_page(page, site_server):
    page.goto(f"{site_server}/ar/medical-care/")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    heading = page.locator("h1").first.bounding_box()
    assert heading["x"] + heading["width"] > PHONE["width"] * 0.8  # text hugs the right edge
    (BUILD / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(BUILD / "screenshots" / "ar-medical-care-phone.png"), full_page=False)
    page.locator(".md-header__option .md-select").first.hover()
    page.locator('a.lang-switch[hreflang="fr"]').click()
    page.wait_for_url(f"{site_server}/fr/medical-care/")
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"
    assert _outside(page.requests) == []


def test_quick_exit_leaves_replaces_history_and_wipes_storage(page, site_server):
    page.goto("about:blank")
    page.goto(f"{site_server}/fa/shelter/")
    page.evaluate("sessionStorage.setItem('chat-session', 'abc'); localStorage.setItem('x', '1')")
    page.locator("a.quick-exit").click()
    page.wait_for_url(NEUTRAL)
    page.go_back()
    assert not page.url.startswith(site_server)  # the site page was replaced, not stacked
    page.goto(f"{site_server}/fa/shelter/")
    assert page.evaluate("sessionStorage.getItem('chat-session')") is None
    assert page.evaluate("localStorage.getItem('x')") is None
    assert _outside(page.requests) == []


def test_root_language_picker_works_without_javascript(browser, site_server):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(site_server + "/")
    page.get_by_text("Türkçe").click()
    page.wait_for_url(f"{site_server}/tr/")
    assert page.locator("h1").first.inner_text()
    context.close()
