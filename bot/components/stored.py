"""Creating and loading the custom NLU components that keep one scikit-learn model."""

from __future__ import annotations

from typing import Any

import joblib
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


class StoredModel:
    """Mixin for a GraphComponent whose `__init__(config, model_storage, resource, model)`
    takes the one model it keeps in `MODEL_FILE` of its resource (None before training).
    The file is written at training time by this project; it is not meant for models from
    elsewhere (joblib files can run code when loaded)."""

    MODEL_FILE: str

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext):
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any):
        try:
            with model_storage.read_from(resource) as path:
                model = joblib.load(path / cls.MODEL_FILE)
        except (ValueError, FileNotFoundError):
            model = None
        return cls(config, model_storage, resource, model)

    def store(self, model: Any) -> None:
        with self._storage.write_to(self._resource) as path:
            joblib.dump(model, path / self.MODEL_FILE)
