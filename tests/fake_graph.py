"""Loopback test rig: a recording fake Graph API, a real Sanic server and a tiny bot."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
import uuid
from collections import deque
from typing import Any

from aiohttp import web
from rasa.core.channels.channel import register
from sanic import Sanic

from bot.localhost import free_port  # noqa: F401 (the tests import it from here)


class KeepRecords(logging.Handler):
    """Keep every log record of the process, for privacy assertions."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def all_logs():
    """Capture every record at DEBUG on the root logger while the block runs."""
    handler, root = KeepRecords(), logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler.records
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


class LoopThread:
    """An asyncio event loop running in a daemon thread; the servers live here."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coroutine: Any, timeout: float = 30) -> Any:
        """Run `coroutine` on the loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def stop(self) -> None:
        """Stop the loop and its thread."""
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)


class FakeGraph:
    """An aiohttp server playing the Graph API messages endpoint.

    Every request is recorded as {"path", "headers", "json"}. `fail_next(n, status)` makes
    the next n requests fail with `status`; `stall_next(n, seconds)` delays the next n.
    """

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._plan: deque[tuple[str, float]] = deque()
        self._runner: web.AppRunner | None = None
        self.url = ""

    def fail_next(self, count: int, status: int) -> None:
        """Answer the next `count` requests with HTTP `status`."""
        with self._lock:
            self._plan.extend([("fail", status)] * count)

    def stall_next(self, count: int, seconds: float) -> None:
        """Hold the next `count` requests for `seconds` before answering 200."""
        with self._lock:
            self._plan.extend([("stall", seconds)] * count)

    def reset(self) -> None:
        """Forget recorded requests and pending failures."""
        with self._lock:
            self.requests.clear()
            self._plan.clear()

    def snapshot(self) -> list[dict[str, Any]]:
        """A copy of the recorded requests."""
        with self._lock:
            return list(self.requests)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Block until at least `count` requests were recorded (or `timeout`), return them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.snapshot()) < count:
            time.sleep(0.02)
        return self.snapshot()

    async def _handle(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        with self._lock:
            self.requests.append({"path": request.path, "headers": dict(request.headers),
                                  "json": body})
            action, value = self._plan.popleft() if self._plan else ("ok", 0)
        if action == "fail":
            return web.json_response({"error": {"message": "fake failure", "code": 131000}},
                                     status=int(value))
        if action == "stall":
            await asyncio.sleep(value)
        return web.json_response({"messaging_product": "whatsapp",
                                  "messages": [{"id": f"wamid.{uuid.uuid4().hex}"}]})

    async def start(self) -> str:
        """Start on a free loopback port; returns the base URL (use as WHATSAPP_API_URL)."""
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}/v21.0"
        return self.url

    async def stop(self) -> None:
        """Stop the server."""
        if self._runner is not None:
            await self._runner.cleanup()


class ChannelServer:
    """A real Sanic server on 127.0.0.1 with input channels registered under /webhooks/."""

    def __init__(self, channels: list[Any], on_new_message: Any) -> None:
        Sanic.test_mode = True  # lets several apps start in one process (Sanic's TouchUp)
        self.app = Sanic(f"test_{uuid.uuid4().hex}", configure_logging=False)
        register(channels, self.app, route="/webhooks/")
        self.app.ctx.agent = _Agent(on_new_message)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: Any = None

    async def start(self) -> str:
        """Start serving; returns the base URL."""
        self._server = await self.app.create_server(
            host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=True)
        await self._server.startup()
        await self._server.before_start()
        await self._server.after_start()
        return self.url

    async def stop(self) -> None:
        """Stop serving and run the after_server_stop listeners."""
        await self._server.before_stop()
        self._server.close()
        await self._server.wait_closed()
        await self._server.after_stop()


class _Agent:
    """Stands in for Rasa's agent: `register` routes every message to agent.handle_message."""

    def __init__(self, on_new_message: Any) -> None:
        self.handle_message = on_new_message


SCHOOL_URL = "http://localhost:8000/nl/school/#free"
ARABIC_TOPICS = ["المدرسة والتعليم للأطفال", "الرعاية الطبية بدون أوراق ثبوتية", "السكن",
                 "العمل والأجر العادل", "الشرطة وحقوقك عند التوقيف", "اللجوء", "المحامي المجاني",
                 "الحمل والولادة", "الطوارئ", "العنف المنزلي والحماية", "الطعام", "المساعدة"]
ARABIC_BUTTONS = [{"title": title, "payload": f'/choose_topic{{"topic":"t{index}"}}'}
                  for index, title in enumerate(ARABIC_TOPICS)]


def long_answer() -> str:
    """About 9,000 characters in paragraphs, ending with the link to the full answer."""
    paragraph = ("Kinderen zonder verblijfsvergunning hebben recht op onderwijs. " * 12).strip()
    return "\n\n".join([paragraph] * 12) + f"\n\nLees het hele antwoord: {SCHOOL_URL}"


class DemoBot:
    """A tiny deterministic bot playing Rasa: answers through message.output_channel."""

    def __init__(self) -> None:
        self.received: list[Any] = []
        self.finished = 0  # messages whose reply has been sent (or failed)

    def reset(self, timeout: float = 10.0) -> None:
        """Wait until every received message's reply has been sent (so that one test's
        replies cannot arrive in the next test's FakeGraph), then forget them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.finished < len(self.received):
            time.sleep(0.02)
        self.received.clear()
        self.finished = 0

    async def __call__(self, message: Any) -> None:
        self.received.append(message)
        try:
            await self._answer(message)
        finally:
            self.finished += 1

    async def _answer(self, message: Any) -> None:
        out, sender, text = message.output_channel, message.sender_id, message.text or ""
        if "boom" in text:
            raise RuntimeError(f"bot failed on {text!r}")
        if "slow" in text:
            await asyncio.sleep(1.0)
        if text == "/non_text_message":
            reply: dict[str, Any] = {"text": "Ik lees alleen tekst.",
                                     "buttons": ARABIC_BUTTONS[:3]}
        elif "menu12" in text:
            reply = {"text": "اختر موضوعًا", "buttons": ARABIC_BUTTONS}
        elif "menu" in text:
            reply = {"text": "اختر موضوعًا", "buttons": ARABIC_BUTTONS[:3]}
        elif "long" in text:
            reply = {"text": long_answer()}
        elif "school" in text:
            reply = {"text": f"Uw kind mag naar school, ook zonder papieren.\n\n{SCHOOL_URL}"}
        else:
            reply = {"text": f"Antwoord {len(self.received)}"}
        await out.send_response(sender, reply)
