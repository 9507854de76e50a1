"""Redis tracker and lock stores for several bot processes: hashed keys, everything expires."""

from __future__ import annotations

import os
from typing import Any

from rasa.core.lock_store import RedisLockStore, TicketLock
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain

from bot.stores.memory import DEFAULT_MINUTES
from bot.stores.scrub import ScrubbedSerialisation

KEY_PREFIX = "rightsinfo:"


class ExpiringRedisTrackerStore(ScrubbedSerialisation, RedisTrackerStore):
    """Rasa's RedisTrackerStore with an integer `record_exp` always set.

    Keys are the hashed sender ids from the channels, so Redis never holds a phone number;
    stored events carry intents, not texts (scrub.py); and every record expires after the
    idle time (Rasa refreshes it on each save).
    """

    def __init__(self, domain: Domain, host: str = "localhost", port: int = 6379, db: int = 0,
                 password: str | None = None, event_broker=None,
                 session_minutes: float | None = None, **kwargs: Any) -> None:
        minutes = float(session_minutes or os.environ.get("BOT_SESSION_MINUTES") or DEFAULT_MINUTES)
        kwargs.pop("record_exp", None)
        kwargs.setdefault("key_prefix", KEY_PREFIX.rstrip(":"))
        super().__init__(domain, host=host, port=int(port), db=int(db), password=password,
                         event_broker=event_broker, record_exp=int(minutes * 60), **kwargs)


class ExpiringRedisLockStore(RedisLockStore):
    """Rasa's RedisLockStore, whose locks would otherwise stay in Redis without an expiry."""

    LOCK_SECONDS = 120  # a lock is deleted after its message; this only bounds a crash's leftovers

    def __init__(self, endpoint_config: Any = None, host: str = "localhost", port: int = 6379,
                 db: int = 1, password: str | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # how Rasa builds a lock store from endpoints.yml
            settings = dict(endpoint_config.kwargs)
            host = endpoint_config.url or host
            port, db = settings.pop("port", port), settings.pop("db", db)
            password = settings.pop("password", password)
            kwargs = {**settings, **kwargs}
        kwargs.setdefault("key_prefix", KEY_PREFIX.rstrip(":"))
        super().__init__(host=host, port=int(port), db=int(db), password=password, **kwargs)

    def save_lock(self, lock: TicketLock) -> None:
        self.red.set(self.key_prefix + lock.conversation_id, lock.dumps(), ex=self.LOCK_SECONDS)
