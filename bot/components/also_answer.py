"""Rasa policy: after the emergency numbers, also answer the question the message asked."""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.components.safety import ALSO_ASKED

EMERGENCY_REPLIES = ("utter_emergency", "utter_emergency_domestic")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT,
                          is_trainable=True)
class AlsoAnswerPolicy(Policy):
    """"My husband hits me, can I report without papers?" gets 112 and Veilig Thuis first
    (the rules do that), then the answer about reporting, then waits for the user.

    The question comes from the `also_asked` entity that SafetyOverrides sets. The policy
    predicts nothing in any other situation, and its priority is above RulePolicy's.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"priority": 7}

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        return self._resource

    def persist(self) -> None:
        """Nothing to persist: the policy has no learned state."""

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: dict[str, Any] | None = None,
                                     **kwargs: Any) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        asked = next((e.get("value") for e in tracker.latest_message.entities
                      if e.get("entity") == ALSO_ASKED), None)
        answer = f"utter_{asked}" if asked else None
        last = tracker.latest_action_name
        if answer and answer in domain.action_names_or_texts:
            if last in EMERGENCY_REPLIES:
                probabilities[domain.index_for_action(answer)] = 1.0
            elif last == answer:
                probabilities[domain.index_for_action("action_listen")] = 1.0
        return self._prediction(probabilities)
