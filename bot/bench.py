"""`make bench` (bot part): reply latency at 1 and 20 concurrent conversations, throughput,
resident memory and full training time, measured against the real bot process."""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from bot.paths import ROOT
from bot.evaluate import load_eval


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, from /proc."""
    total = 0
    pids = [pid] + [int(p) for p in Path(f"/proc/{pid}/task").glob("*/children")
                    for p in p.read_text().split()]
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _ask(url: str, sender: str, text: str) -> float:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as reply:
        reply.read()
    return time.perf_counter() - started


def _run(url: str, texts: list[str], conversations: int, per_conversation: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        for turn in range(per_conversation):
            seconds = _ask(url, f"bench-{conversations}-{index}", texts[(index * 7 + turn) % len(texts)])
            with lock:
                latencies.append(seconds)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(conversations)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def latency_and_memory() -> None:
    port = _free_port()
    env = {**os.environ, "BOT_PORT": str(port)}
    process = subprocess.Popen([sys.executable, "-m", "bot.run"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                _ask(url, "warmup", "hello")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit("bench: the bot did not start")
                time.sleep(0.5)
        texts = [item["text"] for item in load_eval()]
        _run(url, texts, 1, 20)  # warm caches
        for conversations, turns in ((1, 100), (20, 10)):
            latencies, seconds = _run(url, texts, conversations, turns)
            print(f"bot latency, {conversations:>2} concurrent conversation(s): "
                  f"p50 {1000 * statistics.median(latencies):.0f} ms, "
                  f"p95 {1000 * _percentile(latencies, 0.95):.0f} ms, "
                  f"{len(latencies) / seconds:.0f} messages/s  (target p95 < 150 ms at 20)")
        print(f"bot resident memory: {_rss_mb(process.pid):.0f} MB (target < 1200 MB)")
    finally:
        process.terminate()
        process.wait(timeout=30)


def training_time() -> None:
    from bot import train

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["RASA_CACHE_DIRECTORY"] = str(Path(tmp) / "cache")
        train.MODELS = Path(tmp) / "models"
        started = time.perf_counter()
        train.train(Path(tmp) / "project", force=True)
        print(f"bot full training (no cache): {time.perf_counter() - started:.0f} s (target < 300 s)")


def main() -> int:
    latency_and_memory()
    if os.environ.get("BENCH_SKIP_TRAINING") != "1":
        training_time()
    return 0
