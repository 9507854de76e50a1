"""Rasa policy: RulePolicy with a direct lookup for the bot's one-step rules (intent -> reply)."""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME, RULE_SNIPPET_ACTION_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

ANSWERS = "one_step_answers"  # stored in the policy's lookup, so RulePolicy persists it


def one_step_answers(trackers: list[TrackerWithCachedStates]) -> dict[str, str]:
    """intent -> action for rules of exactly the form `- intent: X` `- action: Y`.

    An intent that also appears in any other rule (conditions, several steps, entities,
    slots) is left out, so the full RulePolicy decides for it.
    """
    answers: dict[str, str] = {}
    excluded: set[str] = set()
    for tracker in trackers:
        if not tracker.is_rule_tracker:
            continue
        events = [e for e in tracker.events if not (
            isinstance(e, ActionExecuted) and e.action_name == RULE_SNIPPET_ACTION_NAME)]
        names = [(type(e), getattr(e, "action_name", None)) for e in events]
        simple = (len(events) == 4 and names[0] == (ActionExecuted, ACTION_LISTEN_NAME)
                  and isinstance(events[1], UserUttered) and not events[1].entities
                  and names[2][0] is ActionExecuted and names[2][1] != ACTION_LISTEN_NAME
                  and names[3] == (ActionExecuted, ACTION_LISTEN_NAME))
        intents = {e.intent_name for e in events if isinstance(e, UserUttered)}
        if simple and events[1].intent_name not in answers:
            answers[events[1].intent_name] = events[2].action_name
        else:
            excluded |= intents
    return {intent: action for intent, action in answers.items() if intent not in excluded}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT,
                          is_trainable=True)
class AnswerRulePolicy(RulePolicy):
    """Every question has a rule "intent X -> utter_X". RulePolicy checks each message against
    all ~80 rules twice (reply, then listen), which took a third of the bot's time per
    message. This subclass answers those two steps from a dictionary built from the same
    rules at training time and leaves every other situation to RulePolicy unchanged.
    """

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        answers = one_step_answers(training_trackers)
        resource = super().train(training_trackers, domain, **kwargs)
        self.lookup[ANSWERS] = answers
        self.persist()
        return resource

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: dict[str, Any] | None = None,
                                     **kwargs: Any) -> PolicyPrediction:
        answers = self.lookup.get(ANSWERS) or {}
        intent = tracker.latest_message.intent.get("name") if tracker.latest_message else None
        answer = answers.get(intent)
        last = tracker.latest_action_name
        if answer and tracker.active_loop_name is None:
            if last == ACTION_LISTEN_NAME and answer in domain.action_names_or_texts:
                return self._answer(answer, domain)
            if last == answer:
                return self._answer(ACTION_LISTEN_NAME, domain)
        return super().predict_action_probabilities(tracker, domain, rule_only_data, **kwargs)

    def _answer(self, action: str, domain: Domain) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(action)] = 1.0
        return self._rule_prediction(probabilities, "one-step rule")
