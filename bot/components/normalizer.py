"""Rasa NLU component: normalise message text (see bot/normalize.py) for training and chat alike."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.normalize import normalize

ORIGINAL_TEXT = "original_text"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class TextNormalizer(GraphComponent):
    """Replace TEXT by its normalised form; the original stays under `original_text`."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> TextNormalizer:
        return cls()

    @staticmethod
    def _apply(message: Message) -> None:
        text = message.get(TEXT)
        if text and not text.startswith("/"):
            message.set(ORIGINAL_TEXT, text)
            message.set(TEXT, normalize(text))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._apply(example)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._apply(message)
        return messages
