"""Conversation state without the words: user texts are dropped and old turns cut before a
tracker is stored."""

from __future__ import annotations

import json
import os
from functools import lru_cache

from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses

KEEP_ENTITIES = {"language", "also_asked"}  # a language code and an intent name: nothing typed
KEEP_TURNS = 2  # the bot's rules and policies look back one turn; two leave a margin


def scrub(dialogue: dict) -> dict:
    """Remove what the user typed from a serialised dialogue; intents and language stay.

    The bot decides from intents and slots, never from earlier texts, so nothing is lost:
    a phone number, name or address typed into the chat is never kept, in memory or Redis.
    """
    for event in dialogue.get("events", []):
        if event.get("event") != "user":
            continue
        event["text"] = None
        parse = event.get("parse_data") or {}
        parse["text"] = None
        parse.pop("response_selector", None)
        parse.pop("text_tokens", None)  # where each word started and ended: the message's shape
        parse["entities"] = [{k: v for k, v in e.items() if k not in ("start", "end")}
                             for e in parse.get("entities", []) if e.get("entity") in KEEP_ENTITIES]
        event["metadata"] = {}
    return dialogue


def trim(dialogue: dict, slots: dict, turns: int | None = None) -> dict:
    """Keep the session start, the current slot values and the last `turns` user turns.

    Rasa reads and writes a conversation's whole history on every message, so without this a
    long conversation gets slower with every message. The bot's rules look at the latest
    intent and action only, and the language lives in a slot, so older turns are never used.
    """
    turns = turns or int(os.environ.get("BOT_KEEP_TURNS") or KEEP_TURNS)
    events = dialogue.get("events", [])
    users = [i for i, event in enumerate(events) if event.get("event") == "user"]
    if len(users) <= turns:
        return dialogue
    cut = users[-turns]
    if _is_action(events[cut - 1], "action_listen"):
        cut -= 1
    starts = [i for i in range(cut) if events[i].get("event") == "session_started"]
    started = starts[-1] if starts else None
    head = []
    if started is not None:
        head = events[started - 1:started + 1] if started and _is_action(
            events[started - 1], "action_session_start") else [events[started]]
    timestamp = (head[-1] if head else events[cut]).get("timestamp")
    slot_events = [{"event": "slot", "name": name, "value": value, "timestamp": timestamp}
                   for name, value in slots.items() if value is not None]
    dialogue["events"] = head + slot_events + events[cut:]
    return dialogue


def _is_action(event: dict, name: str) -> bool:
    return event.get("event") == "action" and event.get("name") == name


@lru_cache(maxsize=1)
def _event_classes() -> dict[str, type[Event]]:
    """Event type name -> class. Rasa's Event.from_parameters walks every Event subclass for
    each event it reads, which was most of the time spent loading a conversation."""
    classes: dict[str, type[Event]] = {}
    for cls in all_subclasses(Event):
        classes.setdefault(cls.type_name, cls)
    return classes


def _event(parameters: dict) -> Event | None:
    cls = _event_classes().get(parameters.get("event"))
    return cls._from_parameters(parameters) if cls else Event.from_parameters(parameters)


def last_session(events: list[dict]) -> list[dict]:
    """The events of the latest conversation session: from the last `action_session_start`
    on, as Rasa's `get_trackers_for_conversation_sessions(...)[-1]` splits them."""
    for index in range(len(events) - 1, -1, -1):
        if _is_action(events[index], ACTION_SESSION_START_NAME):
            return events[index:]
    return events


class ScrubbedSerialisation:
    """Mixin for tracker stores: trackers stored trimmed and with `scrub` applied."""

    @staticmethod
    def scrubbed_dialogue(tracker: DialogueStateTracker) -> dict:
        return scrub(trim(tracker.as_dialogue().as_dict(), tracker.current_slot_values()))

    def tracker_from_dialogue(self, sender_id: str, data: dict,
                              latest_session_only: bool = False) -> DialogueStateTracker:
        """Rasa's deserialisation, with event classes looked up in a dictionary; with
        `latest_session_only`, only the last session's events are read (what Rasa's
        `retrieve` returns, without building the whole tracker first and splitting it)."""
        events = data.get("events") or []
        if latest_session_only:
            events = last_session(events)
        tracker = self.init_tracker(sender_id)
        tracker.recreate_from_dialogue(
            Dialogue(data.get("name"), [e for e in map(_event, events) if e is not None]))
        return tracker

    @staticmethod
    def serialise_tracker(tracker: DialogueStateTracker) -> str:
        return json.dumps(ScrubbedSerialisation.scrubbed_dialogue(tracker))

    def deserialise_tracker(self, sender_id: str, serialised: str | bytes) -> DialogueStateTracker:
        return self.tracker_from_dialogue(sender_id, json.loads(serialised))
