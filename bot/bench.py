"""`make bench` (bot part): reply latency at 1 and 20 concurrent conversations, throughput,
resident memory and full training time, measured against the real bot process."""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from bot.evaluate import load_eval
from bot.localhost import free_port, start_redis
from bot.paths import ROOT


def _processes(pid: int) -> list[int]:
    """A process and all its descendants (Sanic's workers), from /proc."""
    found = [pid]
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in children.read_text().split():
            found += _processes(int(child))
    return found


def _memory_mb(pid: int) -> tuple[float, float]:
    """(resident, proportional) memory of the bot's processes in MB.

    Resident (RSS) counts memory shared between the main process and forked workers once per
    process; proportional (PSS) splits shared pages between them, so it is what the
    processes take from the machine together. For one process the two are close.
    """
    rss = pss = 0
    for one in _processes(pid):
        try:
            rss += _field(Path(f"/proc/{one}/status"), "VmRSS:")
            pss += _field(Path(f"/proc/{one}/smaps_rollup"), "Pss:")
        except OSError:
            continue
    return rss / 1024, pss / 1024


def _field(path: Path, name: str) -> int:
    lines = path.read_text().splitlines()
    return next(int(line.split()[1]) for line in lines if line.startswith(name))


def _cpu_times() -> list[int]:
    return [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]


def _steal_share(before: list[int], after: list[int]) -> float:
    """Share of CPU time the virtual machine's host took away during a run (steal)."""
    delta = [b - a for a, b in zip(before, after)]
    return delta[7] / sum(delta) if len(delta) > 7 and sum(delta) else 0.0


async def _conversation(session: aiohttp.ClientSession, url: str, sender: str, texts: list[str],
                        latencies: list[float]) -> None:
    """One user: each message sent as soon as the previous reply has arrived."""
    for text in texts:
        started = time.perf_counter()
        async with session.post(url, json={"sender": sender, "message": text}) as reply:
            await reply.read()
            if reply.status != 200:
                raise OSError(f"bot answered HTTP {reply.status}")
        latencies.append(time.perf_counter() - started)


async def _conversations(url: str, texts: list[str], conversations: int,
                         per_conversation: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    # One keep-alive connection per conversation, opened by its first message (as a
    # browser's web chat does); no limit on how many are open at once.
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        started = time.perf_counter()
        await asyncio.gather(*(
            _conversation(session, url, f"bench-{conversations}-{index}",
                          [texts[(index * 7 + turn) % len(texts)] for turn in range(per_conversation)],
                          latencies)
            for index in range(conversations)))
        return latencies, time.perf_counter() - started


def _run(url: str, texts: list[str], conversations: int, per_conversation: int) -> tuple[list[float], float]:
    """Reply latencies and the seconds the run took, for `conversations` users at once.

    The client is one asyncio event loop. It shares this machine's two cores with the bot,
    so it has to be light: with 20 Python threads instead, their contention for the
    interpreter lock added up to 250 ms to single replies and took CPU from the bot
    (docs/decisions.md)."""
    return asyncio.run(_conversations(url, texts, conversations, per_conversation))


def _ask(url: str, text: str) -> None:
    """One message; raises OSError while the bot is not up."""
    try:
        _run(url, [text], 1, 1)
    except aiohttp.ClientError as error:
        raise OSError(str(error)) from error


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def latency_and_memory(label: str, extra_env: dict[str, str]) -> None:
    """Start the bot as `make run` does (plus `extra_env`) and measure it over HTTP."""
    port = free_port()
    env = {**os.environ, "BOT_PORT": str(port), **extra_env}
    process = subprocess.Popen([sys.executable, "-m", "bot.run"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                _ask(url, "hello")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit(f"bench: the bot did not start ({label})")
                time.sleep(0.5)
        texts = [item["text"] for item in load_eval()]
        _run(url, texts, 4, 30)  # warm up every worker
        print(f"bot, {label}:")
        for conversations, turns in ((1, 100), (20, 25)):
            before = _cpu_times()
            latencies, seconds = _run(url, texts, conversations, turns)
            steal = _steal_share(before, _cpu_times())
            print(f"  latency, {conversations:>2} concurrent conversation(s), back to back: "
                  f"p50 {1000 * statistics.median(latencies):.0f} ms, "
                  f"p95 {1000 * _percentile(latencies, 0.95):.0f} ms, "
                  f"{len(latencies) / seconds:.0f} messages/s"
                  + ("  (target p95 < 150 ms)" if conversations == 20 else "")
                  + (f"  [CPU steal {steal:.0%}]" if steal >= 0.02 else ""))
        rss, pss = _memory_mb(process.pid)
        print(f"  memory: {pss:.0f} MB proportional, {rss:.0f} MB resident summed over "
              f"{len(_processes(process.pid))} process(es)  (target < 1200 MB)")
    finally:
        process.terminate()
        process.wait(timeout=30)


def deployments() -> list[tuple[str, dict[str, str], subprocess.Popen | None]]:
    """`make run`'s single process, and two workers sharing a Redis store when Redis is here."""
    found: list[tuple[str, dict[str, str], subprocess.Popen | None]] = [
        ("1 process, in-memory store (make run)", {"SANIC_WORKERS": "1", "REDIS_URL": ""}, None)]
    if shutil.which("redis-server"):
        server, url = start_redis()
        found.append(("2 worker processes, Redis store (SANIC_WORKERS=2 REDIS_URL=...)",
                      {"SANIC_WORKERS": "2", "REDIS_URL": url}, server))
    else:
        print("bench: redis-server not installed, skipping the two-worker deployment")
    return found


def training_time() -> None:
    from bot import train
    from bot.safety_setup import configure_logging

    configure_logging()

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["RASA_CACHE_DIRECTORY"] = str(Path(tmp) / "cache")
        train.MODELS = Path(tmp) / "models"
        started = time.perf_counter()
        train.train(Path(tmp) / "project", force=True)
        print(f"bot full training (no cache): {time.perf_counter() - started:.0f} s (target < 300 s)")


def main() -> int:
    for label, env, server in deployments():
        try:
            latency_and_memory(label, env)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
    if os.environ.get("BENCH_SKIP_TRAINING") != "1":
        training_time()
    return 0
