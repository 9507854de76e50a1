"""The web chat's REST channel: Rasa's REST contract, with the sender hashed and no text in logs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.privacy import default_hasher

logger = logging.getLogger(__name__)
MAX_TEXT = 2000
MAX_BODY = 16 * 1024
REPLY_TIMEOUT = 20.0


class HashedRestInput(InputChannel):
    """POST /webhooks/rest/webhook {"sender": ..., "message": ..., "metadata": {"lang": ...}}.

    Same contract as Rasa's RestInput, but the sender id is replaced by a keyed hash before
    Rasa sees it, the only metadata passed on is the page language, and failures are logged
    without the message text (Rasa's own channel logs the text at ERROR on timeouts).
    """

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls()

    @staticmethod
    def _extract_sender(payload: dict) -> str | None:
        sender = payload.get("sender")
        return sender if isinstance(sender, str) and 0 < len(sender) <= 200 else None

    @staticmethod
    def _extract_message(payload: dict) -> str | None:
        text = payload.get("message")
        return text[:MAX_TEXT] if isinstance(text, str) and text.strip() else None

    def get_metadata(self, request: Request) -> dict[str, Any]:
        metadata = (request.json or {}).get("metadata")
        lang = metadata.get("lang") if isinstance(metadata, dict) else None
        return {"lang": lang} if isinstance(lang, str) and len(lang) <= 8 else {}

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("hashed_rest_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if len(request.body or b"") > MAX_BODY:
                return response.json({"error": "message too long"}, status=413)
            try:
                payload = request.json
            except Exception:  # sanic raises on invalid JSON
                payload = None
            if not isinstance(payload, dict):
                return response.json({"error": "expected a JSON object"}, status=400)
            sender, text = self._extract_sender(payload), self._extract_message(payload)
            if sender is None or text is None:
                return response.json({"error": "need 'sender' and 'message' strings"}, status=400)
            collector = CollectingOutputChannel()
            message = UserMessage(text, collector, default_hasher().hash(sender),
                                  input_channel=self.name(), metadata=self.get_metadata(request))
            try:
                await asyncio.wait_for(on_new_message(message), timeout=REPLY_TIMEOUT)
            except asyncio.TimeoutError:
                logger.error("rest: reply timed out")
                return response.json({"error": "timeout"}, status=503)
            except Exception as error:  # never echo or log the message itself
                logger.error("rest: failed to handle a message (%s)", type(error).__name__)
                return response.json({"error": "internal error"}, status=500)
            return response.json(collector.messages)

        return hook
