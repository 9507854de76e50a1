"""Nothing identifying survives a conversation: not on disk, not in logs, not in Redis; no telemetry."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest
import redis
import yaml

from tests.conftest import ROOT, BotProcess, bot_env, free_port
from tests.test_bot_stores import redis_url  # noqa: F401 (fixture: a real redis-server)

pytestmark = pytest.mark.bot
SECRETS = ["+31 6 1234 5678", "0612345678", "Fatima Zahra Testdottir", "fatima.testdottir@example.org"]
NEEDLES = [s.encode() for s in ["12345678", "Testdottir", "fatima.testdottir", "example.org"]]


def _written_since(start: float, roots: list[Path]) -> list[Path]:
    found = []
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in (".git",)]
            for name in filenames:
                path = Path(dirpath) / name
                try:
                    if path.is_file() and path.stat().st_mtime >= start:
                        found.append(path)
                except OSError:
                    continue
    return found


def test_conversation_with_number_name_and_email_leaves_no_trace(trained_model, redis_url, tmp_path):  # noqa: F811
    home = tmp_path / "home"
    home.mkdir()
    port = free_port()
    start = time.time() - 1
    bot = BotProcess(port, bot_env(port, home, REDIS_URL=redis_url), tmp_path)
    try:
        bot.wait_ready()
        sender = "+31612345678"  # a channel would hash this before Rasa sees it
        for text in [f"hi, my name is {SECRETS[2]}", f"call me on {SECRETS[0]} or {SECRETS[1]}",
                     f"my email is {SECRETS[3]}", "can I see a doctor without papers?"]:
            assert bot.ask(text, sender=sender)
        client = redis.Redis.from_url(redis_url)
        stored = [(key, client.dump(key) or b"") for db in (0, 1)
                  for key in redis.Redis.from_url(redis_url, db=db).keys("*")]
        assert stored, "the conversation should be in Redis while it lasts"
        for key, value in stored:
            assert not any(n in key or n in value for n in NEEDLES), key
            assert b"31612345678" not in key
    finally:
        bot.stop()
    log = bot.log_path.read_bytes()
    assert not any(n in log for n in NEEDLES), log[-2000:]
    written = _written_since(start, [ROOT, Path(tempfile.gettempdir()), home])
    for path in written:
        if path == bot.log_path:
            continue
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # deleted since the walk (other programs' temp files)
            continue
        assert not any(n in data for n in NEEDLES), path


def test_telemetry_stays_off_even_with_a_fresh_home(trained_model, tmp_path):
    port = free_port()
    home = tmp_path / "home"
    home.mkdir()
    bot = BotProcess(port, bot_env(port, home), tmp_path)
    try:
        bot.wait_ready()
        bot.ask("hello")
    finally:
        bot.stop()
    config = home / ".config" / "rasa" / "global.yml"
    if config.exists():
        assert yaml.safe_load(config.read_text()).get("metrics", {}).get("enabled") is not True


def test_http_api_is_not_exposed(bot):
    import urllib.error
    import urllib.request

    for path in ("/status", "/conversations/x/tracker", "/model/parse", "/version/../status"):
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(f"{bot.url}{path}", timeout=5)
        assert error.value.code in (404, 405)
