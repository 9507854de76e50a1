"""Rasa NLU component run last: danger always wins, and naming a language is a language choice."""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.language import EXPLICIT
from bot.normalize import normalize

EMERGENCY, DOMESTIC, CHOOSE_LANGUAGE = "emergency", "emergency_domestic", "choose_language"


def _pattern(terms: list[str]) -> re.Pattern | None:
    """One regex for a list of terms: whole words in Latin script, substrings in Arabic script
    (where prefixes such as و and ال attach to the word)."""
    parts = []
    for term in {normalize(t) for t in terms if t.strip()}:
        escaped = re.escape(term)
        parts.append(escaped if re.search(r"[\u0600-\u06ff]", term) else rf"(?<!\w){escaped}(?!\w)")
    return re.compile("|".join(sorted(parts, key=len, reverse=True))) if parts else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyOverrides(GraphComponent):
    """Override the classifier for messages that must never be misread.

    A message with a danger phrase (any language, from bot/data/emergency_terms.yml, copied
    into the model's config at training time) becomes `emergency`, or `emergency_domestic`
    with a domestic-violence phrase, whatever else it asks: the reply then starts with 112.
    A message that only names a language becomes `choose_language`.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"danger": [], "domestic": []}

    def __init__(self, config: dict[str, Any]) -> None:
        config = {**self.get_default_config(), **config}
        self.danger, self.domestic = _pattern(config["danger"]), _pattern(config["domestic"])

    @classmethod
    def create(cls, config, model_storage, resource, execution_context: ExecutionContext):
        return cls(config)

    def override(self, message: Message) -> str | None:
        text = normalize(message.get(TEXT) or "")
        intent = (message.get(INTENT) or {}).get("name")
        if self.domestic and self.domestic.search(text):
            return DOMESTIC
        if intent in (EMERGENCY, DOMESTIC):
            return None
        if self.danger and self.danger.search(text):
            return EMERGENCY
        if message.get(EXPLICIT):
            return CHOOSE_LANGUAGE
        return None

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if (message.get(TEXT) or "").startswith("/"):
                continue
            name = self.override(message)
            if name:
                intent = {"name": name, "confidence": 1.0}
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != name]
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
