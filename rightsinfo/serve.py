"""`make run`: serve the built site on localhost and, when a model is trained, the bot next to it."""

from __future__ import annotations

import functools
import http.server
import os
import signal
import subprocess
import sys
import threading

from rightsinfo.render import BUILD


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        """Log nothing: request lines would reveal which pages a reader visited."""

    def end_headers(self) -> None:
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()


def start_bot() -> subprocess.Popen | None:
    """Start the Rasa bot (bot/run.py) when a model exists; None otherwise."""
    model_dir = BUILD / "bot" / "models"
    if not any(model_dir.glob("*.tar.gz")):
        print("bot: no trained model under build/bot/models; run `make train` for the chat",
              file=sys.stderr)
        return None
    return subprocess.Popen([sys.executable, "-m", "bot.run"], env=os.environ.copy())


def main() -> int:
    port = int(os.environ.get("SITE_PORT", "8000"))
    site = BUILD / "site"
    bot = start_bot() if os.environ.get("SERVE_BOT", "1") == "1" else None
    handler = functools.partial(_Handler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    print(f"site: http://localhost:{port}/  (Ctrl+C stops)")

    def stop(*_args) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if bot is not None:
            bot.terminate()
            bot.wait(timeout=20)
    return 0
