"""A tracker store that forgets: in memory only, expiring after idle minutes, capped in size."""

from __future__ import annotations

import os
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.stores.scrub import ScrubbedSerialisation

DEFAULT_MINUTES = 30
DEFAULT_MAX_CONVERSATIONS = 10_000


class ExpiringInMemoryTrackerStore(ScrubbedSerialisation, TrackerStore):
    """Conversation state in this process's memory only.

    Rasa's own InMemoryTrackerStore never forgets. This one drops a conversation after
    `session_minutes` without a message and keeps at most `max_conversations`, evicting the
    least recently active first. Nothing is written anywhere else; keys are the hashed
    sender ids the channels produce, and stored events carry intents, not texts (scrub.py).

    A conversation is kept as its scrubbed dialogue pickled (pickle, not JSON: about 60
    instead of 240 microseconds per message to write and read back). The bytes never
    leave this process, so only what this store pickled is ever unpickled; the Redis
    store, whose contents come over the network, keeps Rasa's JSON.
    """

    def __init__(self, domain: Domain, event_broker: EventBroker | None = None,
                 session_minutes: float | None = None, max_conversations: int | None = None,
                 clock=time.monotonic, **kwargs: Any) -> None:
        kwargs.pop("host", None)
        minutes = session_minutes or os.environ.get("BOT_SESSION_MINUTES") or DEFAULT_MINUTES
        self.ttl = float(minutes) * 60
        self.cap = int(max_conversations or os.environ.get("BOT_MAX_CONVERSATIONS")
                       or DEFAULT_MAX_CONVERSATIONS)
        self._clock = clock
        self._lock = threading.Lock()
        self.store: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        super().__init__(domain, event_broker, **kwargs)

    def _expire(self, now: float) -> None:
        while self.store:
            key, (seen, _) = next(iter(self.store.items()))
            if now - seen < self.ttl:
                break
            del self.store[key]

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        serialised = pickle.dumps(self.scrubbed_dialogue(tracker), protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            now = self._clock()
            self._expire(now)
            self.store[tracker.sender_id] = (now, serialised)
            self.store.move_to_end(tracker.sender_id)
            while len(self.store) > self.cap:
                self.store.popitem(last=False)

    def _get(self, sender_id: str) -> dict | None:
        with self._lock:
            self._expire(self._clock())
            entry = self.store.get(sender_id)
        return pickle.loads(entry[1]) if entry else None

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest conversation session, as Rasa's stores return it."""
        dialogue = self._get(sender_id)
        return self.tracker_from_dialogue(sender_id, dialogue, latest_session_only=True) if dialogue else None

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        dialogue = self._get(sender_id)
        return self.tracker_from_dialogue(sender_id, dialogue) if dialogue else None

    async def keys(self) -> Iterable[str]:
        with self._lock:
            self._expire(self._clock())
            return list(self.store)
