"""Shared fixtures: a built site, a loopback HTTP server, headless Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from bot.localhost import free_port  # noqa: F401 (the tests import it from here)

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output readable
        pass


@pytest.fixture(scope="session")
def site_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, site_port, bot_port) -> Path:
    """The real site (content/ + locales/) built into a temporary folder."""
    from rightsinfo.render import build_site

    out = tmp_path_factory.mktemp("site")
    os.environ["SITE_URL"] = f"http://localhost:{site_port}"
    result = build_site(out=out / "site", work=out / "i18n")
    failed = [str(p) for p in result.problems if p.field.startswith("language ")]
    assert not failed, failed
    return out / "site"


@pytest.fixture(scope="session")
def site_server(built_site, site_port) -> str:
    """Serve the built site on loopback; returns its base URL."""
    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", site_port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{site_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (Playwright never downloads a browser here)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run make system-deps")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def bot_port() -> int:
    port = free_port()
    os.environ["BOT_URL"] = f"http://localhost:{port}"
    return port


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """A model trained from the real content and catalogs (cached under build/bot/models)."""
    from bot.train import train

    model, _ = train()
    return model


class BotProcess:
    """The real bot (python -m bot.run) in a subprocess, with its output captured."""

    def __init__(self, port: int, env: dict[str, str], workdir: Path):
        import subprocess
        import sys

        self.port, self.url = port, f"http://localhost:{port}"
        self.log_path = workdir / "bot-output.log"
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen([sys.executable, "-m", "bot.run"], cwd=ROOT, env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 180) -> None:
        import time
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"bot exited: {self.log_path.read_text(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/webhooks/rest/", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise TimeoutError("bot did not start")

    def ask(self, text: str, sender: str = "test-user", lang: str | None = None) -> list[dict]:
        import json
        import urllib.request

        body = {"sender": sender, "message": text}
        if lang:
            body["metadata"] = {"lang": lang}
        request = urllib.request.Request(f"{self.url}/webhooks/rest/webhook",
                                         data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            return json.loads(reply.read())

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except Exception:
            self.process.kill()
        self.log.close()


def bot_env(port: int, home: Path, site_url: str = "http://localhost:8000", **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "TWILIO_", "REDIS_"))}
    env.update({"BOT_PORT": str(port), "SITE_URL": site_url, "HOME": str(home),
                "BOT_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}, **extra)
    env.pop("RASA_TELEMETRY_ENABLED", None)  # the bot must switch it off itself
    return env


@pytest.fixture(scope="session")
def bot(trained_model, bot_port, tmp_path_factory, site_port):
    """The bot serving the real model on loopback, with its own empty HOME."""
    home = tmp_path_factory.mktemp("home")
    process = BotProcess(bot_port, bot_env(bot_port, home, f"http://localhost:{site_port}"), home)
    process.home, process.site_url = home, f"http://localhost:{site_port}"
    try:
        process.wait_ready()
        yield process
    finally:
        process.stop()
