"""Conversation state without the words: user texts are dropped before a tracker is stored."""

from __future__ import annotations

import json

from rasa.shared.core.trackers import DialogueStateTracker

KEEP_ENTITIES = {"language", "also_asked"}  # a language code and an intent name: nothing typed


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
        parse["entities"] = [e for e in parse.get("entities", []) if e.get("entity") in KEEP_ENTITIES]
        event["metadata"] = {}
    return dialogue


class ScrubbedSerialisation:
    """Mixin for tracker stores: serialise trackers with `scrub` applied."""

    @staticmethod
    def serialise_tracker(tracker: DialogueStateTracker) -> str:
        return json.dumps(scrub(tracker.as_dialogue().as_dict()))
