"""Shared fixtures: a built site, a loopback HTTP server, headless Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output readable
        pass


@pytest.fixture(scope="session")
def site_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, site_port) -> Path:
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
