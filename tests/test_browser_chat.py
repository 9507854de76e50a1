"""The web chat in Chromium, through the real bot: Arabic and French, right-to-left, no outside requests."""

from __future__ import annotations

import pytest

from tests.test_browser_site import PHONE, _outside

pytestmark = [pytest.mark.browser, pytest.mark.bot]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


def _chat(page, site_server, lang, question):
    page.goto(f"{site_server}/{lang}/medical-care/")
    assert page.evaluate("document.querySelector('script[src*=\"chat.js\"]')") is None  # lazy
    page.locator(".chat-open").click()
    page.locator(".chat-input").fill(question)
    page.locator(".chat-send").click()
    reply = page.locator(".chat-bot").last
    page.locator(".chat-bot").first.wait_for(timeout=30_000)
    return reply


def test_arabic_web_chat_answers_in_arabic_right_to_left_with_a_site_link(page, site_server, bot):
    _chat(page, site_server, "ar", "ما عندي أوراق ولا تأمين، هل أقدر أروح للطبيب؟")
    assert page.evaluate("getComputedStyle(document.querySelector('.chat-box')).direction") == "rtl"
    link = page.locator(".chat-bot a.chat-link").first
    link.wait_for(timeout=30_000)
    assert "/ar/medical-care/#" in link.get_attribute("href")
    assert link.get_attribute("href").startswith(site_server)
    assert page.evaluate("sessionStorage.getItem('rights-chat-session')")
    assert _outside(page.requests) == []


def test_french_web_chat_answers_in_french(page, site_server, bot):
    _chat(page, site_server, "fr", "je suis sans papiers, est-ce que je peux voir un médecin ?")
    link = page.locator(".chat-bot a.chat-link").first
    link.wait_for(timeout=30_000)
    assert "/fr/medical-care/#" in link.inner_text()
    assert page.evaluate("getComputedStyle(document.querySelector('.chat-box')).direction") == "ltr"
    assert _outside(page.requests) == []


def test_bot_text_is_never_rendered_as_html(page, site_server, bot):
    reply = _chat(page, site_server, "en", "<img src=x onerror=alert(1)> weather tomorrow?")
    assert page.locator(".chat-log img").count() == 0
    assert reply.inner_text()
