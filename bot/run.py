"""Start the bot: Rasa on BOT_PORT with the hashed REST channel (and WhatsApp/Twilio when configured)."""

from __future__ import annotations

import gc
import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from bot import runner
from bot.paths import BOT_BUILD, MODELS
from bot.safety_setup import configure_logging, disable_telemetry

logger = logging.getLogger("bot.run")
MEMORY_STORE = "bot.stores.memory.ExpiringInMemoryTrackerStore"
REDIS_STORE = "bot.stores.redis.ExpiringRedisTrackerStore"
REDIS_LOCKS = "bot.stores.redis.ExpiringRedisLockStore"


def channels() -> dict[str, dict]:
    """Channel classes to start; WhatsApp and Twilio only when their secrets are set."""
    found: dict[str, dict] = {"bot.channels.rest.HashedRestInput": {}}
    wa_keys = ("WHATSAPP_VERIFY_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_ACCESS_TOKEN",
               "WHATSAPP_PHONE_NUMBER_ID")
    if all(os.environ.get(k) for k in wa_keys):
        found["bot.channels.whatsapp.WhatsAppInput"] = {}
    else:
        print("bot: WhatsApp channel off (set " + ", ".join(wa_keys) + " to enable it)")
    if os.environ.get("TWILIO_AUTH_TOKEN"):
        found["bot.channels.twilio.TwilioInput"] = {}
    return found


def endpoints() -> dict:
    """Tracker store in memory, or on Redis when REDIS_URL is set (several bot processes)."""
    nlg = {"type": "bot.nlg.SiteUrlNLG"}
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        return {"tracker_store": {"type": MEMORY_STORE}, "nlg": nlg}
    parts = urlsplit(redis_url)
    common = {"url": parts.hostname or "localhost", "port": parts.port or 6379,
              "password": parts.password}
    return {"tracker_store": {"type": REDIS_STORE, "db": 0, **common},
            "lock_store": {"type": REDIS_LOCKS, "db": 1, **common}, "nlg": nlg}


def write_config(directory: Path = BOT_BUILD) -> tuple[Path, Path]:
    """Credentials (class names only, secrets stay in the environment) and endpoints files."""
    directory.mkdir(parents=True, exist_ok=True)
    credentials, endpoint_file = directory / "credentials.yml", directory / "endpoints.yml"
    credentials.write_text(yaml.safe_dump(channels()), encoding="utf-8")
    endpoint_file.write_text(yaml.safe_dump(endpoints()), encoding="utf-8")
    return credentials, endpoint_file


def latest_model() -> Path:
    models = sorted(MODELS.glob("rights-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise SystemExit("bot: no model under build/bot/models: run `make train`")
    return models[-1]


def store_is_expiring(store) -> bool:
    """True for the stores that forget; Rasa's fallback InMemoryTrackerStore never does.

    Rasa wraps the configured store in a FailSafeTrackerStore whose own fallback, used after
    any store error, is that never-forgetting InMemoryTrackerStore: it is replaced here too.
    """
    from rasa.core.tracker_store import FailSafeTrackerStore

    from bot.stores.memory import ExpiringInMemoryTrackerStore
    from bot.stores.redis import ExpiringRedisTrackerStore

    if isinstance(store, FailSafeTrackerStore):
        store._fallback_tracker_store = ExpiringInMemoryTrackerStore(store.domain)
        store = store._tracker_store
    return isinstance(store, (ExpiringInMemoryTrackerStore, ExpiringRedisTrackerStore))


async def _check_store(app, _loop) -> None:
    """Rasa silently falls back to its never-forgetting store on a wrong class path: refuse that."""
    store = app.ctx.agent.tracker_store
    if not store_is_expiring(store):
        logger.critical("tracker store is %s, not an expiring store: stopping", type(store).__name__)
        app.stop()
        os._exit(3)


def _preload_language_models() -> None:
    """lingua's models, loaded once in the main process (see language.lingua_detector)."""
    from bot.components.language import lingua_detector
    from rightsinfo.languages import all_languages

    lingua_detector([lang.code for lang in all_languages()], preload=True)


def main() -> int:
    workers = os.environ.get("SANIC_WORKERS", "1")
    if workers != "1" and not os.environ.get("REDIS_URL"):
        raise SystemExit(f"bot: SANIC_WORKERS={workers} needs REDIS_URL: several processes must "
                         "share conversations and locks (see README, 'Several bot processes')")
    disable_telemetry()
    configure_logging()
    runner.install()
    # Sanic's access log (client address and path of every request) is never shown: its
    # logger stays at WARNING (safety_setup.NOISY). Not building the records saves time too.
    os.environ["SANIC_ACCESS_LOG"] = "false"
    from rasa.core.run import serve_application
    from rasa.core.utils import AvailableEndpoints

    credentials, endpoint_file = write_config()
    _preload_language_models()
    # Objects that exist now are shared with the workers Sanic forks; frozen, the garbage
    # collector never writes to them, so their pages stay shared instead of being copied
    # into every worker (two workers: about 1.03 GB proportional memory instead of 1.22 GB).
    gc.collect()
    gc.freeze()
    port = int(os.environ.get("BOT_PORT", "5005"))
    site = urlsplit(os.environ.get("SITE_URL", "http://localhost:8000"))
    origin = f"{site.scheme}://{site.netloc}"
    print(f"bot: http://localhost:{port}/webhooks/rest/webhook (web chat origin {origin})")
    serve_application(
        model_path=str(latest_model()), interface=os.environ.get("BOT_HOST", "127.0.0.1"),
        port=port, credentials=str(credentials), cors=[origin], enable_api=False,
        endpoints=AvailableEndpoints.read_endpoints(str(endpoint_file)),
        server_listeners=[(_check_store, "after_server_start")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
