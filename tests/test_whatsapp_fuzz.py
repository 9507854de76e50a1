"""Property-based bad input against the running WhatsApp channel: no 5xx, no unsigned reply."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from types import SimpleNamespace

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels import limits
from bot.channels.whatsapp import WhatsAppInput
from tests.fake_graph import ChannelServer, DemoBot, FakeGraph, LoopThread

SECRET = "fuzz-app-secret"
NUMBER_ID = "555000111"
SETTINGS = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))
ERRORS: list[logging.LogRecord] = []


class _Errors(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        ERRORS.append(record)


def start_rig():
    loop, graph, bot = LoopThread(), FakeGraph(), DemoBot()
    api_url = loop.run(graph.start())
    channel = WhatsAppInput.from_env({
        "WHATSAPP_VERIFY_TOKEN": "v", "WHATSAPP_APP_SECRET": SECRET, "WHATSAPP_ACCESS_TOKEN": "t",
        "WHATSAPP_PHONE_NUMBER_ID": NUMBER_ID, "WHATSAPP_API_URL": api_url,
        "WHATSAPP_RETRY_BASE_SECONDS": "0.01"})
    server = ChannelServer([channel], bot)
    url = loop.run(server.start()) + "/webhooks/whatsapp/webhook"
    rig = SimpleNamespace(url=url, graph=graph, bot=bot, channel=channel, loop=loop)
    return rig, lambda: (loop.run(server.stop()), loop.run(graph.stop()), loop.stop())


@pytest.fixture(scope="module")
def signed_rig():
    handler = _Errors(level=logging.ERROR)
    logging.getLogger("bot.channels.whatsapp").addHandler(handler)
    rig, stop = start_rig()
    yield rig
    stop()
    logging.getLogger("bot.channels.whatsapp").removeHandler(handler)


@pytest.fixture(scope="module")
def unsigned_rig():
    rig, stop = start_rig()
    yield rig
    stop()


TEXTS = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", "   ", "😀" * 4000, "مرحبا، أريد أن أعرف عن المدرسة", "سلام، کمک می‌خواهم",
                     "\u202eevil\u202c text", "שלום hello مرحبا 你好", "a\x00b", "\ud7ff\ufffd",
                     '/choose_topic{"topic":"school"}', "x" * 5000]))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=15)
TYPES = ["text", "interactive", "image", "audio", "video", "document", "sticker", "location",
         "contacts", "reaction", "button", "system", "unsupported", "unknown", "order"]
PHONES = st.one_of(st.from_regex(r"[1-9][0-9]{9,13}", fullmatch=True), st.text(max_size=15),
                   st.integers(), st.none())
IDS = st.one_of(st.sampled_from(["wamid.dup.1", "wamid.dup.2"]), st.text(max_size=30),
                st.integers(), st.none())
CONTENT = st.one_of(st.fixed_dictionaries({"body": TEXTS}), JSON, st.fixed_dictionaries({
    "type": st.sampled_from(["button_reply", "list_reply", "nfm_reply", "x"]),
    "button_reply": st.fixed_dictionaries({"id": TEXTS, "title": TEXTS}),
    "list_reply": st.fixed_dictionaries({"id": TEXTS, "title": TEXTS})}))


@st.composite
def messages(draw):
    kind = draw(st.sampled_from(TYPES) | st.text(max_size=8))
    message = {"from": draw(PHONES), "id": draw(IDS), "type": kind, kind: draw(CONTENT)}
    if draw(st.booleans()):
        message["from_user_id"] = draw(st.sampled_from(["NL.1349120865530", "", 7]))
    if draw(st.booleans()):
        del message["from"]
    return message


@st.composite
def envelopes(draw):
    value = {"messaging_product": "whatsapp",
             "metadata": {"phone_number_id": draw(st.sampled_from([NUMBER_ID, "other", 5]))},
             "contacts": [{"profile": {"name": draw(TEXTS)}, "wa_id": draw(PHONES)}],
             "messages": draw(st.lists(messages(), max_size=30)),
             "statuses": draw(st.lists(JSON, max_size=3)),
             "errors": draw(st.lists(JSON, max_size=2))}
    if draw(st.booleans()):
        value = draw(JSON)
    change = {"value": value, "field": draw(st.sampled_from(["messages", "statuses", 3]))}
    entry = {"id": "1", "changes": draw(st.lists(st.just(change), min_size=1, max_size=3))}
    return {"object": draw(st.sampled_from(["whatsapp_business_account", "page", None])),
            "entry": draw(st.lists(st.just(entry) | JSON, max_size=3))}


BODIES = st.one_of(
    envelopes().map(lambda p: json.dumps(p).encode()),
    JSON.map(lambda p: json.dumps(p).encode()),
    st.binary(max_size=500),
    st.sampled_from([b"", b"{", b"[" * 50_000, b'{"object": "whatsapp_business_account", "entry":',
                     b"\xff\xfe{}", b"x" * 300_000,
                     json.dumps({"entry": ["x" * 270_000]}).encode()]))


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def settle(rig, timeout: float = 10.0) -> None:
    """Wait until the channel has no conversation task running."""
    deadline = time.monotonic() + timeout
    while rig.channel._tasks and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not rig.channel._tasks, "a conversation task never finished"


@SETTINGS
@given(body=BODIES, header=st.one_of(
    st.none(), st.just("sha256="), st.just("forged"),
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=80)
    .map(str.strip),
    st.from_regex(r"sha256=[0-9a-f]{64}", fullmatch=True)))
def test_unsigned_or_forged_requests_are_refused_and_never_answered(unsigned_rig, body, header):
    if header == "forged":
        header = sign(body, "not-the-secret")
    headers = {} if header is None else {"X-Hub-Signature-256": header.encode("utf-8", "replace")}
    reply = requests.post(unsigned_rig.url, data=body, headers=headers, timeout=10)
    assert reply.status_code in (403, 413)
    assert unsigned_rig.bot.received == [] and unsigned_rig.graph.snapshot() == []


@SETTINGS
@given(body=BODIES)
def test_signed_bad_input_never_causes_a_5xx_or_a_crash(signed_rig, body):
    reply = requests.post(signed_rig.url, data=body, headers={"X-Hub-Signature-256": sign(body)},
                          timeout=10)
    assert reply.status_code in (200, 400, 413)
    settle(signed_rig)
    assert [r.getMessage() for r in ERRORS] == []
    assert requests.get(signed_rig.url.rsplit("/", 1)[0] + "/", timeout=5).status_code == 200


@SETTINGS
@given(texts=st.lists(TEXTS.filter(lambda t: t.strip()), min_size=1, max_size=12),
       phones=st.lists(st.from_regex(r"[1-9][0-9]{10}", fullmatch=True), min_size=1, max_size=5),
       repeat=st.integers(1, 3), data=st.data())
def test_each_signed_message_is_answered_once_under_a_pseudonym(signed_rig, texts, phones,
                                                                 repeat, data):
    batch = [{"from": data.draw(st.sampled_from(phones)), "id": f"wamid.{time.time_ns()}.{i}",
              "type": "text", "text": {"body": text}} for i, text in enumerate(texts)]
    value = {"metadata": {"phone_number_id": NUMBER_ID}, "messages": batch * repeat}
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"changes": [
        {"field": "messages", "value": value}]}]}, ensure_ascii=False).encode()
    before = len(signed_rig.bot.received)
    assert requests.post(signed_rig.url, data=body, timeout=10,
                         headers={"X-Hub-Signature-256": sign(body)}).status_code == 200
    settle(signed_rig)
    received = signed_rig.bot.received[before:]
    assert sorted(m.text for m in received) == sorted(t[:4096].strip() for t in texts)
    assert all(re.fullmatch(r"[0-9a-f]{32}", m.sender_id) for m in received)
    assert len({m.sender_id for m in received}) == len({m["from"] for m in batch})


WORDS = st.text(st.characters(blacklist_categories=("Zs", "Zl", "Zp", "Cc", "Cs")), min_size=1,
                max_size=30) | st.sampled_from(["مرحبا،", "می‌خواهم", "😀👍🏽", "e\u0301", "שלום."])
PARAGRAPHS = st.lists(st.lists(WORDS, min_size=1, max_size=60).map(" ".join), min_size=1,
                      max_size=8).map("\n\n".join)


@SETTINGS
@given(text=PARAGRAPHS, limit=st.integers(50, 600), repeat=st.integers(1, 12))
def test_split_parts_fit_keep_all_content_and_the_final_url(text, limit, repeat):
    url = "https://rechten.example.org/ar/school/#gratis"
    source = "\n\n".join([text] * repeat) + " " + url
    parts = limits.split_text(source, limit)
    assert all(0 < limits.measure(part) <= limit for part in parts)
    assert "".join("".join(parts).split()) == "".join(source.split())
    assert parts[-1].endswith(url)


@SETTINGS
@given(title=st.lists(WORDS, min_size=1, max_size=8).map(" ".join), limit=st.integers(8, 72))
def test_shortened_titles_fit_and_are_cut_between_words(title, limit):
    short = limits.shorten(title, limit)
    normal = " ".join(title.split())
    assert limits.measure(short) <= limit
    if limits.measure(normal) <= limit:
        assert short == normal
    else:
        kept = short.removesuffix(limits.ELLIPSIS)
        rest = normal[len(kept):]
        assert short.endswith(limits.ELLIPSIS) and normal.startswith(kept)
        assert not rest or rest[0] in limits._TRAILING or " " not in kept
