"""The Twilio channel over loopback HTTP: signatures, TwiML replies, numbered choices, privacy."""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
import requests
from twilio.request_validator import RequestValidator

from bot.channels.twilio import NumberedChoices, TwilioInput, render_twiml, sender_hash
from bot.channels.whatsapp import Incoming
from bot.privacy import default_hasher
from tests.fake_graph import ARABIC_BUTTONS, SCHOOL_URL, ChannelServer, DemoBot, LoopThread, all_logs

TOKEN = "twilio-auth-token"
PUBLIC_URL = "https://bot.example.org/webhooks/twilio_secure/webhook"
PHONE = "+31612345678"
NAME = "Yusuf Hosseini"
RECORDS: list[logging.LogRecord] = []


@pytest.fixture(scope="module")
def rig():
    global RECORDS
    with all_logs() as records:
        RECORDS = records
        loop, bot = LoopThread(), DemoBot()
        channel = TwilioInput.from_env({"TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_WEBHOOK_URL": PUBLIC_URL})
        server = ChannelServer([channel], bot)
        url = loop.run(server.start()) + "/webhooks/twilio_secure/webhook"
        yield SimpleNamespace(url=url, bot=bot)
        loop.run(server.stop())
        loop.stop()


@pytest.fixture
def tw(rig):
    rig.bot.reset()
    return rig


def form(body: str = "school", **extra: str) -> dict[str, str]:
    return {"MessageSid": "SM0123456789abcdef", "AccountSid": "AC00", "From": f"whatsapp:{PHONE}",
            "To": "whatsapp:+14155238886", "Body": body, "NumMedia": "0", "ProfileName": NAME,
            "WaId": PHONE.lstrip("+"), "SmsStatus": "received", **extra}


def post(tw, params: dict[str, str], token: str = TOKEN, url: str = PUBLIC_URL, sign: bool = True):
    headers = {}
    if sign:
        headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(url, params)
    return requests.post(tw.url, data=params, headers=headers, timeout=10)


def messages(reply: requests.Response) -> list[str]:
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("application/xml")
    return [m.text or "" for m in ET.fromstring(reply.text).findall("Message")]


def test_valid_signature_is_accepted_with_a_twiml_reply(tw):
    [answer] = messages(post(tw, form("school")))
    assert answer.endswith(SCHOOL_URL)
    [received] = tw.bot.received
    assert received.text == "school" and received.input_channel == "twilio_secure"
    assert re.fullmatch(r"[0-9a-f]{32}", received.sender_id)


@pytest.mark.parametrize("token, sign", [("forged-token", True), (TOKEN, False)])
def test_forged_or_missing_signature_is_rejected(tw, token, sign):
    reply = post(tw, form(), token=token, sign=sign)
    assert reply.status_code == 403 and "<Message>" not in reply.text
    assert tw.bot.received == []


def test_signature_is_checked_against_the_public_url_not_the_request_url(tw):
    assert post(tw, form(), url=tw.url).status_code == 403
    assert post(tw, form()).status_code == 200


def test_tampered_parameters_are_rejected(tw):
    params = form("school")
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC_URL, params)
    tampered = {**params, "Body": "menu"}
    reply = requests.post(tw.url, data=tampered, headers={"X-Twilio-Signature": signature},
                          timeout=10)
    assert reply.status_code == 403 and tw.bot.received == []


def test_buttons_become_numbered_lines_and_a_number_picks_the_payload(tw):
    [answer] = messages(post(tw, form("menu")))
    assert answer.splitlines()[-3:] == [f"{n}. {b['title']}" for n, b in
                                        enumerate(ARABIC_BUTTONS[:3], 1)]
    for text in ("2", "menu", "٣", "2"):  # "٣" is an Arabic-Indic three
        messages(post(tw, form(text)))
    # the answer to a choice had no buttons, which ended the numbering: the last "2" is text
    assert [m.text for m in tw.bot.received[1:]] == [
        ARABIC_BUTTONS[1]["payload"], "menu", ARABIC_BUTTONS[2]["payload"], "2"]


def test_long_answer_is_split_into_twilio_sized_messages_with_the_url_last(tw):
    answers = messages(post(tw, form("long")))
    assert len(answers) >= 6 and all(len(a) <= 1600 for a in answers)
    assert answers[-1].endswith(SCHOOL_URL)


def test_media_and_location_reach_the_bot_as_non_text_message(tw):
    messages(post(tw, form("", NumMedia="1", MediaUrl0="https://api.twilio.com/m/1")))
    messages(post(tw, form("", Latitude="52.09", Longitude="5.12")))
    assert [m.text for m in tw.bot.received] == ["/non_text_message"] * 2


def test_status_callbacks_and_empty_bodies_get_an_empty_reply(tw):
    assert messages(post(tw, {"MessageSid": "SM1", "MessageStatus": "delivered",
                              "From": "whatsapp:+14155238886", "To": f"whatsapp:{PHONE}"})) == []
    assert messages(post(tw, form("   "))) == []
    assert tw.bot.received == []


def test_oversized_body_gets_413(tw):
    reply = post(tw, form("x" * 300_000))
    assert reply.status_code == 413 and tw.bot.received == []


def test_failing_bot_still_gets_a_well_formed_reply(tw):
    assert messages(post(tw, form("boom " + NAME))) == []


def test_xml_special_characters_are_escaped():
    twiml = render_twiml([{"text": "a < b & c > \"d\" \x01", "buttons": [
        {"title": "<script>", "payload": "/x"}]}], NumberedChoices(), "s")
    [message] = ET.fromstring(twiml).findall("Message")
    assert message.text == 'a < b & c > "d" \n\n1. <script>'


def test_same_number_gets_the_same_pseudonym_as_on_the_cloud_api():
    cloud = Incoming(PHONE.lstrip("+"), False, "wamid.1", "hi").sender_id
    assert sender_hash(f"whatsapp:{PHONE}") == sender_hash(PHONE) == cloud
    assert cloud == default_hasher().hash(PHONE.lstrip("+"), purpose="sender")


def test_from_env_is_none_without_auth_token():
    assert TwilioInput.from_env({}) is None
    assert TwilioInput.from_env({"TWILIO_AUTH_TOKEN": TOKEN}) is None


def test_logs_never_contain_the_number_the_name_or_the_token(tw):
    messages(post(tw, form("school")))
    post(tw, form(), token="forged-token")
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in RECORDS
                       if not r.name.startswith("urllib3"))
    assert any(r.name == "bot.channels.twilio" for r in RECORDS)
    for secret in (PHONE, PHONE.lstrip("+"), NAME, TOKEN):
        assert secret not in logged
