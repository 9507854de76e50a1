"""Twilio (WhatsApp or SMS) channel: signed form webhooks in, TwiML out, senders pseudonymised."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import os
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import limits
from bot.channels.whatsapp import MAX_BODY_BYTES, NON_TEXT, limited_body, webhook_blueprint
from bot.privacy import default_hasher

logger = logging.getLogger("bot.channels.twilio")

REPLY_SECONDS = 12.0  # Twilio gives up on a webhook after 15 seconds
STATUSES = {"queued", "sending", "sent", "delivered", "undelivered", "failed", "read",
            "accepted", "scheduled", "canceled"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def twilio_signature(auth_token: str, url: str, params: list[tuple[str, str]]) -> str:
    """Twilio's X-Twilio-Signature: base64 HMAC-SHA1 of the URL + sorted name/value pairs.

    Args:
        auth_token: The Twilio auth token.
        url: The public webhook URL exactly as configured at Twilio.
        params: The POST parameters, repeats included.

    Returns:
        The expected header value.
    """
    values: dict[str, set[str]] = {}
    for name, value in params:
        values.setdefault(name, set()).add(value)
    signed = url + "".join(name + value for name in sorted(values)
                           for value in sorted(values[name]))
    digest = hmac.new(auth_token.encode("utf-8"), signed.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def sender_hash(sender: str) -> str:
    """Keyed hash of a Twilio `From` ("whatsapp:+316…" or "+316…"), digits as in the Cloud API."""
    address = sender.strip().removeprefix("whatsapp:").strip().lstrip("+")
    return default_hasher().hash(address, purpose="sender")


class NumberedChoices:
    """Per conversation, the payloads of the last numbered buttons (bounded, expiring)."""

    def __init__(self, max_size: int = 10_000, ttl_seconds: float = 3600.0, clock=time.monotonic):
        self.max_size, self.ttl, self._clock = max_size, ttl_seconds, clock
        self._choices: OrderedDict[str, tuple[float, list[str]]] = OrderedDict()

    def remember(self, sender_id: str, payloads: list[str]) -> None:
        """Keep `payloads` as the answers to "1", "2", … from `sender_id`."""
        self._choices.pop(sender_id, None)
        self._choices[sender_id] = (self._clock() + self.ttl, payloads)
        while len(self._choices) > self.max_size:
            self._choices.popitem(last=False)

    def forget(self, sender_id: str) -> None:
        """Drop the choices of `sender_id` (the bot's last answer had no buttons)."""
        self._choices.pop(sender_id, None)

    def resolve(self, sender_id: str, text: str) -> str | None:
        """The payload chosen by replying with a number (any script's digits), if any."""
        expires, payloads = self._choices.get(sender_id, (0.0, []))
        if expires < self._clock() or not text.strip().isdecimal() or len(text.strip()) > 3:
            return None
        number = int(text.strip())
        return payloads[number - 1] if 1 <= number <= len(payloads) else None


class _Collector(CollectingOutputChannel):
    """Collects whole texts (Rasa's collector would split them at every blank line)."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._persist_message(self._message(recipient_id, text=text))


def _button_payloads(buttons: Any) -> list[tuple[str, str]]:
    found = []
    for button in buttons if isinstance(buttons, list) else []:
        if isinstance(button, dict):
            title, payload = str(button.get("title") or ""), str(button.get("payload") or "")
            if title.strip() or payload.strip():
                found.append((" ".join((title or payload).split()), payload or title))
    return found


def render_twiml(messages: list[dict[str, Any]], choices: NumberedChoices,
                 sender_id: str) -> str:
    """TwiML with one <Message> per part of at most 1600 characters; buttons become "1. …" lines.

    Args:
        messages: What the collector gathered.
        choices: Where the payloads of numbered buttons are remembered.
        sender_id: The conversation's hashed id.

    Returns:
        The XML document.
    """
    parts: list[str] = []
    if messages and not any(_button_payloads(m.get("buttons")) for m in messages):
        choices.forget(sender_id)
    for message in messages:
        lines = [message.get("text") or ""]
        buttons = _button_payloads(message.get("buttons"))
        if buttons:
            lines.append("\n".join(f"{n}. {title}" for n, (title, _) in enumerate(buttons, 1)))
            choices.remember(sender_id, [payload for _, payload in buttons])
        custom = message.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("text"), str):
            lines.append(custom["text"])
        lines += [str(message[key]) for key in ("image", "attachment") if message.get(key)]
        text = "\n\n".join(line for line in lines if isinstance(line, str) and line.strip())
        parts += limits.split_text(_NOT_XML.sub("", text), limits.TWILIO_BODY_MAX)
    body = "".join(f"<Message>{escape(part)}</Message>" for part in parts)
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>'


def _log_failure(task: asyncio.Future) -> None:
    """Log a failed bot turn by exception type only (its message may quote the user)."""
    if not task.cancelled() and task.exception() is not None:
        logger.error("handling a twilio message failed (%s)", type(task.exception()).__name__)


class TwilioInput(InputChannel):
    """Twilio webhook with signature checks; named twilio_secure beside Rasa's own `twilio`."""

    @classmethod
    def name(cls) -> str:
        """Name of the channel; its webhook is /webhooks/twilio_secure/webhook."""
        return "twilio_secure"

    def __init__(self, auth_token: str, webhook_url: str, max_body_bytes: int = MAX_BODY_BYTES,
                 reply_seconds: float = REPLY_SECONDS):
        self._auth_token = auth_token
        self.webhook_url = webhook_url
        self.max_body_bytes = int(max_body_bytes)
        self.reply_seconds = reply_seconds
        self.choices = NumberedChoices()

    def __repr__(self) -> str:  # never show the auth token
        return "TwilioInput(<configured>)"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> TwilioInput | None:
        """The channel from TWILIO_AUTH_TOKEN and TWILIO_WEBHOOK_URL, or None if unset."""
        env = os.environ if environ is None else environ
        if not env.get("TWILIO_AUTH_TOKEN"):
            return None
        if not env.get("TWILIO_WEBHOOK_URL"):
            logger.warning("twilio channel off: TWILIO_WEBHOOK_URL not set")
            return None
        return cls(env["TWILIO_AUTH_TOKEN"], env["TWILIO_WEBHOOK_URL"])

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Ignore `credentials` and read the environment.

        Raises:
            RasaException: TWILIO_AUTH_TOKEN or TWILIO_WEBHOOK_URL is not set.
        """
        channel = cls.from_env()
        if channel is None:
            raise RasaException("The twilio_secure channel is configured from the environment "
                                "only; set TWILIO_AUTH_TOKEN and TWILIO_WEBHOOK_URL.")
        return channel

    def signature_valid(self, params: list[tuple[str, str]], header: str | None) -> bool:
        """True if `header` is Twilio's signature of the configured URL and `params`."""
        if not isinstance(header, str) or not header:
            return False
        expected = twilio_signature(self._auth_token, self.webhook_url, params)
        return hmac.compare_digest(header.strip().encode("utf-8", "replace"), expected.encode())

    def _text(self, form: dict[str, str], sender_id: str) -> str | None:
        """What the bot should read; None for status callbacks and empty messages."""
        if form.get("MessageStatus", "").lower() in STATUSES:
            return None
        media = form.get("NumMedia", "0")
        if (media.isdecimal() and int(media) > 0) or form.get("Latitude"):
            return NON_TEXT
        if form.get("ButtonPayload", "").strip():
            return form["ButtonPayload"]
        body = form.get("Body", "")
        if not body.strip():
            return None
        return self.choices.resolve(sender_id, body) or body[: limits.TEXT_MAX]

    async def _answer(self, form: dict[str, str],
                      on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> str:
        sender = form.get("From", "")
        if not sender.strip():
            return EMPTY_TWIML
        sender_id = sender_hash(sender)
        text = self._text(form, sender_id)
        if text is None:
            return EMPTY_TWIML
        collector = _Collector()
        task = asyncio.ensure_future(on_new_message(UserMessage(
            text, collector, sender_id, input_channel=self.name(),
            metadata={"channel": "twilio"})))
        task.add_done_callback(_log_failure)
        try:
            await asyncio.wait_for(asyncio.shield(task), self.reply_seconds)
        except asyncio.TimeoutError:
            logger.warning("bot took over %.0f s; replying with what it said so far",
                           self.reply_seconds)
        except Exception:  # noqa: BLE001 - logged by _log_failure, without content
            pass
        return render_twiml(collector.messages, self.choices, sender_id)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Health check and the signed webhook."""
        webhook = webhook_blueprint("twilio_secure_webhook")

        @webhook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            body = await limited_body(request, self.max_body_bytes)
            if isinstance(body, HTTPResponse):
                return body
            try:
                params = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True,
                                   max_num_fields=1000)
            except ValueError:
                params = []
            if not self.signature_valid(params, request.headers.get("x-twilio-signature")):
                logger.warning("webhook with a missing or wrong signature refused")
                return response.text("forbidden", status=403)
            form: dict[str, str] = {}
            for name, value in params:
                form.setdefault(name, value)
            twiml = await self._answer(form, on_new_message)
            return response.text(twiml, content_type="application/xml")

        return webhook
