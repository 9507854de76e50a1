"""Conversation stores forget: expiry, cap, hashed keys, the Redis variant against a real redis-server."""

from __future__ import annotations

import asyncio

import pytest
import redis
from rasa.core.tracker_store import InMemoryTrackerStore, create_tracker_store
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions

from bot import run
from bot.localhost import start_redis
from bot.privacy import SenderHasher
from bot.stores.memory import ExpiringInMemoryTrackerStore
from bot.stores.redis import ExpiringRedisLockStore, ExpiringRedisTrackerStore

DOMAIN = Domain.from_dict({"intents": ["greet"], "slots": {}})


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _tracker(sender: str, text: str = "hello") -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
    return tracker


def test_conversation_is_forgotten_after_idle_minutes():
    clock = Clock()
    store = ExpiringInMemoryTrackerStore(DOMAIN, session_minutes=30, clock=clock)
    asyncio.run(store.save(_tracker("a")))
    clock.now = 29 * 60
    assert asyncio.run(store.retrieve("a")) is not None
    asyncio.run(store.save(_tracker("a")))  # activity restarts the idle time
    clock.now = 29 * 60 + 30 * 60 - 1
    assert asyncio.run(store.retrieve("a")) is not None
    clock.now += 2
    assert asyncio.run(store.retrieve("a")) is None
    assert list(asyncio.run(store.keys())) == []


def test_store_keeps_at_most_the_cap_and_evicts_the_least_recent():
    clock = Clock()
    store = ExpiringInMemoryTrackerStore(DOMAIN, max_conversations=3, clock=clock)
    for index, sender in enumerate("abcd"):
        clock.now = index
        asyncio.run(store.save(_tracker(sender)))
    assert sorted(asyncio.run(store.keys())) == ["b", "c", "d"]


def test_sender_hash_is_stable_keyed_and_rotates():
    clock = Clock()
    hasher = SenderHasher(rotation_seconds=3600, clock=clock)
    first = hasher.hash("+31612345678")
    assert first == hasher.hash("+31612345678") and len(first) == 32
    assert "31612345678" not in first and first != SenderHasher(clock=clock).hash("+31612345678")
    assert hasher.hash("+31612345678", purpose="message") != first
    clock.now = 3600
    assert hasher.hash("+31612345678") != first


def test_endpoints_load_the_expiring_store_and_a_wrong_path_would_silently_not(tmp_path, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    _, endpoint_file = run.write_config(tmp_path)
    endpoints = AvailableEndpoints.read_endpoints(str(endpoint_file))
    store = create_tracker_store(endpoints.tracker_store, DOMAIN)
    assert isinstance(store, ExpiringInMemoryTrackerStore)
    assert run.store_is_expiring(store)
    # Why the launcher checks: Rasa falls back to a store that never forgets on a typo.
    endpoints.tracker_store.type = "bot.stores.memory.ExpiringInMemoryTrackerStor"
    with pytest.warns(UserWarning):
        fallback = create_tracker_store(endpoints.tracker_store, DOMAIN)
    assert isinstance(fallback, InMemoryTrackerStore) and not run.store_is_expiring(fallback)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A real redis-server (Debian package) on a free loopback port, without persistence."""
    try:
        process, url = start_redis(tmp_path_factory.mktemp("redis"))
    except FileNotFoundError as error:
        pytest.fail(str(error))
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_redis_store_keeps_hashed_keys_that_all_expire(redis_url, monkeypatch, tmp_path):
    monkeypatch.setenv("REDIS_URL", redis_url)
    _, endpoint_file = run.write_config(tmp_path)
    endpoints = AvailableEndpoints.read_endpoints(str(endpoint_file))
    store = create_tracker_store(endpoints.tracker_store, DOMAIN)
    assert isinstance(store, ExpiringRedisTrackerStore) and run.store_is_expiring(store)
    sender = SenderHasher().hash("+31612345678")
    asyncio.run(store.save(_tracker(sender, "my number is +31612345678")))
    restored = asyncio.run(store.retrieve(sender))
    assert restored.latest_message.intent["name"] == "greet" and not restored.latest_message.text
    client = redis.Redis.from_url(redis_url)
    keys = client.keys("*")
    assert keys and all(0 < client.ttl(key) <= 30 * 60 for key in keys)
    assert all(b"31612345678" not in key + client.get(key) for key in keys)


def test_stored_conversation_keeps_intents_but_not_what_was_typed():
    store = ExpiringInMemoryTrackerStore(DOMAIN)
    asyncio.run(store.save(_tracker("a", "I am Fatima, mail fatima@example.org")))
    _, stored = store.store["a"]
    assert b"Fatima" not in stored and b"example.org" not in stored and b"greet" in stored
    restored = asyncio.run(store.retrieve("a"))
    assert restored.latest_message.intent["name"] == "greet" and not restored.latest_message.text


def test_stored_conversation_keeps_no_word_positions_or_message_length():
    tracker = DialogueStateTracker("a", DOMAIN.slots)
    text = "my name is Fatima"
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}, parse_data={
        "text_tokens": [(0, 2), (3, 7), (8, 10), (11, 17)],
        "entities": [{"entity": "language", "value": "en", "start": 0, "end": len(text)},
                     {"entity": "person", "value": "Fatima", "start": 11, "end": 17}]}))
    [user] = [e for e in ExpiringInMemoryTrackerStore.scrubbed_dialogue(tracker)["events"]
              if e["event"] == "user"]
    assert "text_tokens" not in user["parse_data"]
    assert user["parse_data"]["entities"] == [{"entity": "language", "value": "en"}]


def _sessions(*intents_per_session: list[str]) -> DialogueStateTracker:
    tracker = DialogueStateTracker("a", DOMAIN.slots)
    for intents in intents_per_session:
        tracker.update(ActionExecuted(ACTION_SESSION_START_NAME))
        tracker.update(SessionStarted())
        tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        for intent in intents:
            tracker.update(UserUttered(None, {"name": intent, "confidence": 1.0}))
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    return tracker


@pytest.mark.parametrize("sessions", [[["greet"]], [["greet"], ["greet", "greet"]],
                                      [[], ["greet"], ["greet"]]])
def test_retrieve_gives_the_latest_session_as_rasas_split_does(sessions, monkeypatch):
    """The store reads only the last session's events; Rasa builds the whole conversation and
    splits it. Both must give the same tracker."""
    monkeypatch.setenv("BOT_KEEP_TURNS", "100")  # keep every session (trim cuts old turns)
    store = ExpiringInMemoryTrackerStore(DOMAIN)
    tracker = _sessions(*sessions)
    asyncio.run(store.save(tracker))
    full = asyncio.run(store.retrieve_full_tracker("a"))
    expected = get_trackers_for_conversation_sessions(full)[-1]
    latest = asyncio.run(store.retrieve("a"))
    assert latest.as_dialogue().as_dict() == expected.as_dialogue().as_dict()
    assert len(full.events) > len(latest.events) or len(sessions) == 1


def test_redis_lock_store_locks_expire(redis_url):
    port = int(redis_url.rsplit(":", 1)[1])
    locks = ExpiringRedisLockStore(port=port, db=1)
    lock = locks.create_lock("abc")
    locks.save_lock(lock)
    client = redis.Redis(port=port, db=1)
    [key] = client.keys("*abc")
    assert 0 < client.ttl(key) <= ExpiringRedisLockStore.LOCK_SECONDS


def test_several_workers_without_redis_are_refused(monkeypatch):
    # Workers with separate memory would each hold part of a conversation and its lock.
    monkeypatch.setenv("SANIC_WORKERS", "2")
    monkeypatch.delenv("REDIS_URL", raising=False)
    with pytest.raises(SystemExit, match="needs REDIS_URL"):
        run.main()
