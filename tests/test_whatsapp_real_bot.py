"""WhatsApp through the real bot process and model, against the fake Graph API on loopback."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
import requests

from tests.conftest import BotProcess, bot_env, free_port
from tests.fake_graph import FakeGraph, LoopThread

pytestmark = pytest.mark.bot
PHONE, NAME = "31687654321", "Amina Testprofile"
ENV = {"WHATSAPP_VERIFY_TOKEN": "verify-me", "WHATSAPP_APP_SECRET": "app-secret",
       "WHATSAPP_ACCESS_TOKEN": "token-123", "WHATSAPP_PHONE_NUMBER_ID": "1055"}


@pytest.fixture(scope="module")
def whatsapp_bot(trained_model, tmp_path_factory):
    loop, graph = LoopThread(), FakeGraph()
    api_url = loop.run(graph.start())
    home = tmp_path_factory.mktemp("wa-home")
    port = free_port()
    bot = BotProcess(port, bot_env(port, home, **ENV, WHATSAPP_API_URL=api_url), home)
    try:
        bot.wait_ready()
        bot.graph = graph
        yield bot
    finally:
        bot.stop()
        loop.run(graph.stop())
        loop.stop()


def _signed_post(bot, text: str, message_id: str) -> requests.Response:
    payload = {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550000000", "phone_number_id": "1055"},
            "contacts": [{"profile": {"name": NAME}, "wa_id": PHONE}],
            "messages": [{"from": PHONE, "id": message_id, "timestamp": str(int(time.time())),
                          "type": "text", "text": {"body": text}}]}}]}]}
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
    return requests.post(f"{bot.url}/webhooks/whatsapp/webhook", data=body, timeout=10,
                         headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})


def test_signed_dutch_question_is_answered_in_dutch_with_the_deep_link(whatsapp_bot):
    reply = _signed_post(whatsapp_bot, "mag mijn dochter naar school zonder verblijfsvergunning?",
                         "wamid.dutch-1")
    assert reply.status_code == 200
    [sent] = whatsapp_bot.graph.wait_for(1, timeout=30)
    assert sent["path"].endswith("/1055/messages")
    assert sent["headers"]["Authorization"] == "Bearer token-123"
    assert sent["json"]["to"] == PHONE
    body = json.dumps(sent["json"], ensure_ascii=False)
    assert "http://localhost:8000/nl/school/#" in body


def test_the_number_and_profile_name_never_reach_the_bot_logs(whatsapp_bot):
    _signed_post(whatsapp_bot, "hallo", "wamid.dutch-2")
    whatsapp_bot.graph.wait_for(2, timeout=30)
    log = whatsapp_bot.log_path.read_text(errors="replace")
    assert PHONE not in log and NAME not in log and "Testprofile" not in log
