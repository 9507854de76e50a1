"""WhatsApp Cloud API channel: signed webhooks in, Graph API replies out, senders pseudonymised."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import limits
from bot.privacy import default_hasher

logger = logging.getLogger("bot.channels.whatsapp")

DEFAULT_API_URL = "https://graph.facebook.com/v21.0"
MAX_BODY_BYTES = 256 * 1024
NON_TEXT = "/non_text_message"
REQUIRED_ENV = ("WHATSAPP_VERIFY_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_ACCESS_TOKEN",
                "WHATSAPP_PHONE_NUMBER_ID")
RETRY_STATUSES = {401, 408, 429}
# Ignored without an answer: a reaction (an emoji on an earlier message) is not a question,
# "system" (the person changed number) and "request_welcome" (chat opened) were not written by
# the person. Every other non-text type, known or unknown, reaches the bot as NON_TEXT.
IGNORED_TYPES = {"reaction", "system", "request_welcome"}
_PHONE = re.compile(r"\+?[0-9]{5,20}")
_USER_ID = re.compile(r"[A-Za-z0-9._:-]{1,256}")


def _strings_equal(given: str, expected: str) -> bool:
    """Constant-time comparison of two strings of any content."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


def _dicts(value: Any) -> list[dict]:
    """The dict items of `value` if it is a list, else nothing (payload shapes are untrusted)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _env_number(env: Mapping[str, str], key: str, default: float) -> float:
    raw = env.get(key)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError:
        raise RasaException(f"{key} must be a number, got an unreadable value") from None
    if value <= 0:
        raise RasaException(f"{key} must be greater than 0")
    return value


class _HideVerifyToken(logging.Filter):
    """Blank the verify token out of Sanic's access log line of the verification request."""

    _TOKEN = re.compile(r"(hub\.verify_token=)[^&\s]*")

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if isinstance(request, str) and "verify_token" in request:
            record.request = self._TOKEN.sub(r"\1<hidden>", request)
        return True


def hide_verify_token_in_access_log() -> None:
    """Install the filter on Sanic's access logger once."""
    access = logging.getLogger("sanic.access")
    if not any(isinstance(f, _HideVerifyToken) for f in access.filters):
        access.addFilter(_HideVerifyToken())


class RecentIds:
    """A bounded, expiring set of message ids, kept only as keyed hashes."""

    def __init__(self, max_size: int = 10_000, ttl_seconds: float = 3600.0, clock=time.monotonic):
        self.max_size, self.ttl, self._clock = max_size, ttl_seconds, clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, message_id: str) -> bool:
        """Record `message_id`; True if it was not seen within the last `ttl_seconds`."""
        now = self._clock()
        while self._seen and next(iter(self._seen.values())) <= now:
            self._seen.popitem(last=False)
        key = default_hasher().hash(message_id, purpose="message")
        if key in self._seen:
            return False
        self._seen[key] = now + self.ttl
        while len(self._seen) > self.max_size:
            self._seen.popitem(last=False)
        return True


class GraphClient:
    """Posts to `<api_url>/<phone number id>/messages`, retrying with exponential backoff."""

    def __init__(self, api_url: str, phone_number_id: str, token: str, tries: int = 3,
                 base_delay: float = 1.0, timeout: float = 10.0):
        self.url = f"{api_url.rstrip('/')}/{phone_number_id}/messages"
        self._headers = {"Authorization": f"Bearer {token}"}
        self.tries, self.base_delay = max(1, int(tries)), base_delay
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _client(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            self._session = aiohttp.ClientSession(timeout=self._timeout, headers=self._headers)
            self._loop = loop
        return self._session

    async def close(self) -> None:
        """Close the shared HTTP session."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def post(self, payload: dict[str, Any]) -> bool:
        """Send one message; logs only status codes and attempt numbers.

        Args:
            payload: The JSON body of the Graph API call.

        Returns:
            True when the Graph API accepted the message.
        """
        for attempt in range(1, self.tries + 1):
            try:
                async with self._client().post(self.url, json=payload) as reply:
                    if reply.status < 300:
                        return True
                    code = await self._error_code(reply)
                    logger.warning("graph api answered %d (error code %s), attempt %d of %d",
                                   reply.status, code, attempt, self.tries)
                    if reply.status not in RETRY_STATUSES and reply.status < 500:
                        return False
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                logger.warning("graph api unreachable (%s), attempt %d of %d",
                               type(exc).__name__, attempt, self.tries)
            if attempt < self.tries:
                await asyncio.sleep(self.base_delay * 2 ** (attempt - 1))
        logger.error("graph api: gave up sending a message after %d attempts", self.tries)
        return False

    @staticmethod
    async def _error_code(reply: aiohttp.ClientResponse) -> str:
        """Meta's numeric error code, never its message (which may quote the recipient)."""
        try:
            code = (await reply.json(content_type=None))["error"]["code"]
        except Exception:  # noqa: BLE001 - any unreadable error body
            return "-"
        return str(code) if isinstance(code, int) else "-"


class WhatsAppOutput(OutputChannel):
    """Replies to one person; the only place their real address lives, for one request."""

    @classmethod
    def name(cls) -> str:
        """Name of the channel."""
        return "whatsapp"

    def __init__(self, graph: GraphClient, address: str, by_user_id: bool = False):
        self._graph = graph
        self._to = {"recipient": address} if by_user_id else {"to": address}

    def __repr__(self) -> str:  # never show the address in logs or tracebacks
        return "WhatsAppOutput(<hidden>)"

    async def _send(self, kind: str, content: dict[str, Any]) -> bool:
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", **self._to,
                   "type": kind, kind: content}
        return await self._graph.post(payload)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Send text, split at paragraph boundaries into parts of at most 4096 characters."""
        for part in limits.split_text(text):
            await self._send("text", {"body": part, "preview_url": False})

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict],
                                     **kwargs: Any) -> None:
        """Reply buttons for up to 3 buttons, otherwise a list of the first 10."""
        head, body = limits.split_for_interactive(text or "")
        metadata = kwargs.get("metadata")
        label = kwargs.get("list_button") or (
            metadata.get("list_button") if isinstance(metadata, dict) else None)
        if isinstance(buttons, list) and len(buttons) <= limits.MAX_REPLY_BUTTONS:
            interactive = limits.reply_buttons(body, buttons)
        else:
            interactive = limits.list_message(body, buttons, label)
        if interactive is None:
            await self.send_text_message(recipient_id, text)
            return
        for part in head:
            await self._send("text", {"body": part, "preview_url": False})
        await self._send("interactive", interactive)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any],
                               **kwargs: Any) -> None:
        """Pass a Cloud API message object ({"type": ..., <type>: {...}}) through unchanged."""
        if not isinstance(json_message, dict) or not isinstance(json_message.get("type"), str):
            logger.warning("custom message without a Cloud API 'type' was not sent")
            return
        extra = {k: v for k, v in json_message.items() if k not in ("to", "recipient")}
        await self._graph.post({"messaging_product": "whatsapp", "recipient_type": "individual",
                                **extra, **self._to})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """Send the image as a link (no media is uploaded to Meta)."""
        await self.send_text_message(recipient_id, str(image))

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:
        """Send the attachment as a link."""
        await self.send_text_message(recipient_id, str(attachment))


@dataclass(frozen=True)
class Incoming:
    """One message from a person, reduced to what the bot needs."""

    address: str
    by_user_id: bool
    message_id: str
    text: str

    def __repr__(self) -> str:  # never show address or text in logs or tracebacks
        return "Incoming(<hidden>)"

    @property
    def sender_id(self) -> str:
        """The keyed hash Rasa sees instead of the address."""
        return default_hasher().hash(self.address.lstrip("+"), purpose="sender")


def message_text(message: dict[str, Any]) -> str | None:
    """What the bot should read for one Cloud API message; None to ignore the message."""
    kind = message.get("type")
    if kind == "text":
        body = message.get("text")
        body = body.get("body") if isinstance(body, dict) else None
        return body[: limits.TEXT_MAX] if isinstance(body, str) and body.strip() else None
    if kind == "interactive":
        interactive = message.get("interactive")
        reply_type = interactive.get("type") if isinstance(interactive, dict) else None
        if reply_type in ("button_reply", "list_reply"):
            reply = interactive.get(reply_type)
            reply_id = reply.get("id") if isinstance(reply, dict) else None
            if isinstance(reply_id, str) and reply_id.strip():
                return reply_id
        return NON_TEXT
    if kind == "button":  # quick-reply button of a template message
        button = message.get("button")
        payload = button.get("payload") if isinstance(button, dict) else None
        return payload if isinstance(payload, str) and payload.strip() else NON_TEXT
    return None if kind in IGNORED_TYPES else NON_TEXT


def _sender(message: dict[str, Any]) -> tuple[str, bool] | None:
    """(address, is business-scoped user id) of a message: the number, else Meta's user id."""
    phone, user_id = message.get("from"), message.get("from_user_id")
    if isinstance(phone, str) and _PHONE.fullmatch(phone):
        return phone, False
    if isinstance(user_id, str) and _USER_ID.fullmatch(user_id):
        return user_id, True
    return None


def parse_webhook(payload: Any, phone_number_id: str) -> list[Incoming]:
    """The person-to-business messages of a webhook payload; statuses and errors are dropped.

    Profile names in `contacts` are never read. Messages to another business number and
    group messages are ignored.

    Args:
        payload: The decoded JSON body, of any shape.
        phone_number_id: Our business phone number id.

    Returns:
        The messages in payload order.
    """
    found: list[Incoming] = []
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        return found
    for entry in _dicts(payload.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if change.get("field", "messages") != "messages" or not isinstance(value, dict):
                continue
            metadata = value.get("metadata")
            number = metadata.get("phone_number_id") if isinstance(metadata, dict) else None
            if number is not None and str(number) != phone_number_id:
                continue
            for message in _dicts(value.get("messages")):
                sender = _sender(message)
                text = message_text(message)
                if sender is None or text is None or "group_id" in message:
                    continue
                message_id = message.get("id")
                message_id = message_id if isinstance(message_id, str) else ""
                found.append(Incoming(sender[0], sender[1], message_id, text))
    return found


async def read_body(request: Request, limit: int) -> bytes | None:
    """The raw body of a streamed request, or None as soon as it exceeds `limit` bytes."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        return None
    chunks, size = [], 0
    while request.stream is not None:
        chunk = await request.stream.read()
        if chunk is None:
            break
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def limited_body(request: Request, limit: int) -> bytes | HTTPResponse:
    """The raw body of a streamed webhook request, or the 413 reply when it exceeds `limit`."""
    body = await read_body(request, limit)
    if body is None:
        logger.warning("webhook body over %d bytes refused", limit)
        return response.text("payload too large", status=413)
    return body


def webhook_blueprint(name: str) -> Blueprint:
    """A channel's blueprint with its health check at `/`."""
    webhook = Blueprint(name, __name__)

    @webhook.route("/", methods=["GET"])
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    return webhook


class WhatsAppInput(InputChannel):
    """Rasa input channel for the WhatsApp Cloud API, configured only from the environment."""

    @classmethod
    def name(cls) -> str:
        """Name of the channel; its webhook is /webhooks/whatsapp/webhook."""
        return "whatsapp"

    def __init__(self, verify_token: str, app_secret: str, access_token: str,
                 phone_number_id: str, api_url: str = DEFAULT_API_URL, tries: int = 3,
                 retry_base_seconds: float = 1.0, timeout_seconds: float = 10.0,
                 max_body_bytes: int = MAX_BODY_BYTES):
        self._verify_token = verify_token
        self._app_secret = app_secret.encode("utf-8")
        self.phone_number_id = str(phone_number_id)
        self.max_body_bytes = int(max_body_bytes)
        self.graph = GraphClient(api_url, self.phone_number_id, access_token, tries,
                                 retry_base_seconds, timeout_seconds)
        self.recent = RecentIds()
        self._tasks: set[asyncio.Task] = set()

    def __repr__(self) -> str:  # never show secrets
        return "WhatsAppInput(<configured>)"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WhatsAppInput | None:
        """The channel configured from WHATSAPP_* variables, or None when they are not set.

        Args:
            environ: Variables to read; the process environment by default.

        Returns:
            The channel, or None if any required variable is missing (a warning names the
            missing ones when only some are set).

        Raises:
            RasaException: An optional variable has an unusable value.
        """
        env = os.environ if environ is None else environ
        missing = [key for key in REQUIRED_ENV if not env.get(key)]
        if missing:
            if len(missing) < len(REQUIRED_ENV):
                logger.warning("whatsapp channel off: %s not set", ", ".join(missing))
            return None
        api_url = env.get("WHATSAPP_API_URL") or DEFAULT_API_URL
        if not api_url.startswith(("https://", "http://")):
            raise RasaException("WHATSAPP_API_URL must start with https://")
        return cls(*(env[key] for key in REQUIRED_ENV), api_url=api_url,
                   tries=int(_env_number(env, "WHATSAPP_SEND_TRIES", 3)),
                   retry_base_seconds=_env_number(env, "WHATSAPP_RETRY_BASE_SECONDS", 1.0),
                   timeout_seconds=_env_number(env, "WHATSAPP_TIMEOUT_SECONDS", 10.0),
                   max_body_bytes=int(_env_number(env, "WHATSAPP_MAX_BODY_BYTES",
                                                  MAX_BODY_BYTES)))

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Ignore `credentials` (secrets never go into credentials.yml) and read the environment.

        Raises:
            RasaException: A required WHATSAPP_* variable is not set.
        """
        channel = cls.from_env()
        if channel is None:
            missing = [key for key in REQUIRED_ENV if not os.environ.get(key)]
            raise RasaException(
                "The whatsapp channel is configured from the environment only; set "
                f"{', '.join(missing)} (see .env.example and docs/whatsapp.md).")
        return channel

    def get_output_channel(self) -> OutputChannel | None:
        """None: outside a request the channel knows nobody's address."""
        return None

    def signature_valid(self, body: bytes, header: str | None) -> bool:
        """True if `header` is "sha256=" + the hex HMAC-SHA256 of `body` under the app secret."""
        if not isinstance(header, str) or not header.startswith("sha256="):
            return False
        expected = hmac.new(self._app_secret, body, hashlib.sha256).hexdigest()
        return _strings_equal(header[len("sha256="):].strip().lower(), expected)

    def _dispatch(self, messages: list[Incoming],
                  on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Start one background task per conversation; a retried message id is dropped."""
        conversations: dict[str, list[Incoming]] = {}
        for message in messages:
            if not message.message_id or self.recent.first_time(message.message_id):
                conversations.setdefault(message.sender_id, []).append(message)
        for sender_id, items in conversations.items():
            task = asyncio.create_task(self._converse(sender_id, items, on_new_message))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _converse(self, sender_id: str, items: list[Incoming],
                        on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        for item in items:
            output = WhatsAppOutput(self.graph, item.address, item.by_user_id)
            message = UserMessage(item.text, output, sender_id, input_channel=self.name(),
                                  metadata={"channel": "whatsapp"})
            try:
                await on_new_message(message)
            except Exception as exc:  # noqa: BLE001 - one failure must not stop the server
                logger.error("handling a whatsapp message failed (%s)", type(exc).__name__)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Health check, Meta's verification handshake and the signed webhook."""
        webhook = webhook_blueprint("whatsapp_webhook")
        hide_verify_token_in_access_log()

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            token = request.args.get("hub.verify_token")
            challenge = request.args.get("hub.challenge")
            if (request.args.get("hub.mode") == "subscribe" and self._verify_token
                    and isinstance(token, str) and _strings_equal(token, self._verify_token)
                    and challenge):
                return response.text(challenge, headers={"X-Content-Type-Options": "nosniff"})
            logger.warning("webhook verification refused")
            return response.text("forbidden", status=403)

        @webhook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            body = await limited_body(request, self.max_body_bytes)
            if isinstance(body, HTTPResponse):
                return body
            if not self.signature_valid(body, request.headers.get("x-hub-signature-256")):
                logger.warning("webhook with a missing or wrong signature refused")
                return response.text("forbidden", status=403)
            try:
                payload = json.loads(body)
            except (ValueError, RecursionError):
                logger.warning("signed webhook body is not JSON")
                return response.text("bad request", status=400)
            self._dispatch(parse_webhook(payload, self.phone_number_id), on_new_message)
            return response.text("ok")

        @webhook.listener("after_server_stop")
        async def close_session(*_: Any) -> None:
            await self.graph.close()

        return webhook
