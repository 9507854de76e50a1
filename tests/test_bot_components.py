"""The bot's speed-ups change nothing a user sees: same rules, same conversation state."""

from __future__ import annotations

import asyncio
import os
import re
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from bot.components.answer_rules import one_step_answers
from bot.components.safety import SELF_HARM, Lexicon, SafetyOverrides
from bot.normalize import normalize
from bot.paths import ROOT
from bot.stores.memory import ExpiringInMemoryTrackerStore


def _rule(*steps, snippet: bool = True) -> TrackerWithCachedStates:
    events = [ActionExecuted("...")] if snippet else []
    events.append(ActionExecuted("action_listen"))
    for step in steps:
        events.append(UserUttered(intent={"name": step[1]}) if step[0] == "intent" else ActionExecuted(step[1]))
    events.append(ActionExecuted("action_listen"))
    domain = Domain.from_dict({"intents": ["a", "b", "c"], "actions": ["utter_a", "utter_b", "utter_c"]})
    return TrackerWithCachedStates.from_events("rule", events, domain=domain, is_rule_tracker=True)


def test_only_one_step_rules_are_looked_up_directly():
    rules = [_rule(("intent", "a"), ("action", "utter_a")),
             _rule(("intent", "b"), ("action", "utter_b")),
             _rule(("intent", "b"), ("action", "utter_b"), ("intent", "c"), ("action", "utter_c"))]
    # b (and c) appear in a two-step rule: RulePolicy must decide those.
    assert one_step_answers(rules) == {"a": "utter_a"}


DOMAIN = Domain.from_dict({"intents": ["greet", "ask"], "actions": ["utter_answer"],
                           "slots": {"language": {"type": "text", "mappings": [{"type": "custom"}]}}})


def test_a_long_conversation_is_stored_short_and_keeps_its_language():
    tracker = DialogueStateTracker("someone", DOMAIN.slots)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(SlotSet("language", "fa"))
    for turn in range(40):
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered(f"question {turn}", {"name": "ask", "confidence": 1.0}))
        tracker.update(ActionExecuted("utter_answer"))
    store = ExpiringInMemoryTrackerStore(DOMAIN)
    asyncio.run(store.save(tracker))
    restored = asyncio.run(store.retrieve("someone"))
    assert len(restored.events) < 15
    assert restored.get_slot("language") == "fa"
    assert restored.latest_message.intent["name"] == "ask"
    assert restored.latest_action_name == "utter_answer"
    assert [type(e).__name__ for e in list(restored.events)[:2]] == ["ActionExecuted", "SessionStarted"]


def _conversation(model, runner_class, messages: list[str]) -> list:
    """Replies and parses of the real model for `messages`, loaded with `runner_class`."""
    import rasa.core.processor
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    from bot.nlg import SiteUrlNLG

    original = rasa.core.processor.DaskGraphRunner
    rasa.core.processor.DaskGraphRunner = runner_class
    try:
        agent = Agent.load(str(model), tracker_store=ExpiringInMemoryTrackerStore(None))
    finally:
        rasa.core.processor.DaskGraphRunner = original
    assert type(agent.processor.graph_runner) is runner_class
    agent.nlg = agent.processor.nlg = SiteUrlNLG(domain=agent.domain)
    agent.tracker_store.domain = agent.domain

    async def run() -> list:
        out = []
        for index, text in enumerate(messages):
            parsed = await agent.parse_message(text)
            out.append((parsed["intent"], parsed["entities"]))
            replies = await agent.handle_message(
                UserMessage(text, CollectingOutputChannel(), sender_id=f"user-{index % 5}"))
            out.append(replies)
        return out

    return asyncio.run(run())


def test_the_sequential_graph_runner_answers_exactly_as_rasas_dask_runner(trained_model):
    from rasa.engine.runner.dask import DaskGraphRunner

    from bot.evaluate import load_eval
    from bot.runner import SequentialGraphRunner

    messages = ["hi", "/restart", "فارسی", *[item["text"] for item in load_eval()][::3], "/topic__school"]
    expected = _conversation(trained_model, DaskGraphRunner, messages)
    got = _conversation(trained_model, SequentialGraphRunner, messages)
    assert any(reply and "112" in reply[0].get("text", "") for reply in expected[1::2])
    assert got == expected


TERMS = yaml.safe_load((ROOT / "bot" / "data" / "emergency_terms.yml").read_text(encoding="utf-8"))
DANGER = Lexicon(TERMS["danger"])
SAMPLE_TERMS = sorted({normalize(t) for ts in TERMS["danger"].values() for t in ts})
TERM_PATTERNS = {term: re.compile(re.escape(term)) if re.search(r"[\u0600-\u06ff]", term)
                 else re.compile(rf"(?<!\w){re.escape(term)}" + (r"(?!\w)" if len(term) < 4 else ""))
                 for term in SAMPLE_TERMS}


def _found(text: str) -> bool:
    """The matching rule of each term, spelled out one term at a time: Arabic script
    anywhere; Latin script from a word start, and terms under four letters as whole words."""
    return any(pattern.search(text) for pattern in TERM_PATTERNS.values())


def test_the_danger_lexicon_matches_exactly_where_one_of_its_terms_does():
    affixes = ["", "a", "\u0648", " ", "-"]
    for term in SAMPLE_TERMS:
        for text in (f"{before}{term}{after}" for before in affixes for after in affixes):
            assert DANGER.search(text, None) is _found(text), text


def test_the_longest_term_matches_where_one_term_begins_another():
    # The calm phrases are cut out of a message whole: "pronto socorro", not "pronto".
    from bot.components.safety import _pattern

    pattern = _pattern(["pronto", "pronto socorro", "pronto-socorro", "ab", "abcd", "\u0645\u0648", "\u0645\u0648\u0633"])
    assert pattern.search("fui no pronto socorro ontem").group() == "pronto socorro"
    assert pattern.search("fui no pronto-socorro").group() == "pronto-socorro"
    assert pattern.search("os pronto socorros").group() == "pronto socorro"
    # A term under four letters stays a whole word; a longer one may take an ending.
    assert pattern.search("x abcde").group() == "abcd" and pattern.search("x ab.").group() == "ab"
    assert not pattern.search("x abce")
    assert pattern.search("\u0645\u0648\u0633\u064a").group() == "\u0645\u0648\u0633"


def test_a_phrase_of_several_words_is_matched_in_every_language_but_its_close_neighbour():
    lexicon = Lexicon({"es": ["me pega"], "pt": ["me bate"], "en": ["hits me"], "nl": []})
    assert lexicon.search("mi marido me pega todos los dias", "es")
    assert lexicon.search("my husband me pega", "en")  # mixed languages
    assert lexicon.search("mi marido me pega", None)  # language unknown
    assert lexicon.search("mijn man hits me", "nl")
    # Portuguese "se me pegarem" is "if they catch me"
    assert not lexicon.search("se me pegarem e me levarem pro detentiecentrum", "pt")
    assert lexicon.search("ele me bate", "pt") and not lexicon.search("ele me bate", "es")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcegiknrsu \u0627\u0644\u0648\u0637\u0639\u0646-.", max_size=30))
def test_the_danger_lexicon_agrees_with_its_terms_on_any_text(text):
    assert DANGER.search(text, None) is _found(text)


@pytest.mark.parametrize("jobs", [1, 2])
def test_fitting_classes_in_several_processes_gives_liblinears_own_one_vs_rest_model(jobs):
    import numpy as np
    import scipy.sparse
    from sklearn.linear_model import LogisticRegression

    from bot.components.vectors import fit_one_vs_rest

    rng = np.random.default_rng(0)
    labels = rng.choice(["a", "b", "c", "d"], size=400, p=[0.55, 0.25, 0.15, 0.05])
    rows = scipy.sparse.random(400, 300, density=0.02, random_state=1, format="lil")
    for k, label in enumerate("abcd"):  # unbalanced classes, each with a column of its own
        rows[np.flatnonzero(labels == label), k] = 2
    rows = rows.tocsr()
    template = LogisticRegression(solver="liblinear", class_weight="balanced", tol=1e-8, max_iter=1000)
    intents, groups = fit_one_vs_rest(template, rows, [list(labels), [x in "ab" for x in labels]], jobs)
    for model, y in ((intents, labels), (groups, [x in "ab" for x in labels])):
        expected = LogisticRegression(**template.get_params()).fit(rows, y)
        assert list(model.classes_) == list(expected.classes_)
        assert model.coef_ == pytest.approx(expected.coef_, abs=1e-6)
        assert model.intercept_ == pytest.approx(expected.intercept_, abs=1e-6)
        assert model.predict_proba(rows) == pytest.approx(expected.predict_proba(rows), abs=1e-9)
    if jobs > 1:  # the processes end soon after, not joblib's 5 minutes later
        deadline = time.monotonic() + 30
        while _worker_processes() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _worker_processes()


def _worker_processes() -> list[str]:
    """This process's children that are joblib (loky) workers."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue  # ended meanwhile
        if int(fields[1]) == os.getpid() and "LokyProcess" in command:
            found.append(command)
    return found


@pytest.mark.parametrize("topic_weight", [0.0, 1.0])
def test_the_classifier_ranks_intents_by_its_intent_and_topic_models(tmp_path, topic_weight):
    import numpy as np
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.components.classifier import NgramIntentClassifier

    examples = {"faq__medical__gp": ["can i see a doctor", "huisarts without papers", "doctor no insurance"],
                "faq__medical__dentist": ["toothache dentist", "tandarts without insurance", "my tooth hurts"],
                "faq__school__bsn": ["school asks for bsn", "no bsn for school", "bsn school registration"],
                "faq__school__free": ["is school free", "school asks money", "school costs"],
                "greet": ["hello", "hi there", "salam"]}
    data = TrainingData([Message(data={"text": text, "intent": intent})
                         for intent, texts in examples.items() for text in texts])
    classifier = NgramIntentClassifier({"topic_weight": topic_weight}, LocalModelStorage(tmp_path),
                                       Resource("classifier"))
    classifier.train(data)
    assert (classifier.topics is None) == (topic_weight == 0)
    assert classifier.pipeline[-1].coef_.dtype == np.float32  # half the memory of float64
    questions = ["doctor for my child", "is school free", "hello doctor", "xyz", "tooth school money"]
    messages = classifier.process([Message(data={"text": text}) for text in questions])
    expected = classifier.pipeline.predict_proba(questions)
    if topic_weight:
        topics = classifier.topics.predict_proba(classifier.pipeline.named_steps["features"].transform(questions))
        column = {topic: i for i, topic in enumerate(classifier.topics.classes_)}
        expected = expected * topics[:, [column[NgramIntentClassifier.topic_of(c)]
                                         for c in classifier.pipeline.classes_]]
        expected /= expected.sum(axis=1, keepdims=True)
    for message, row in zip(messages, expected):
        ranking = {r["name"]: r["confidence"] for r in message.get("intent_ranking")}
        assert ranking == pytest.approx(dict(zip(classifier.pipeline.classes_, row)))
        assert message.get("intent")["name"] == classifier.pipeline.classes_[row.argmax()]


PHRASES = ["can i see a huisarts without papers", "mijn kind naar school?", "هل يمكنني رؤية طبيب",
           "آیا بچه‌ام می‌تواند به مدرسه برود", "okula gidebilir mi çocuğum", "¿puedo ir al médico?",
           "je dors dehors", "posso ir ao hospital", "hi", "!!", "a-b c_d 12"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PHRASES), st.text(max_size=40)), min_size=1, max_size=4))
def test_one_row_counts_what_the_vectorisers_count(texts):
    import scipy.sparse
    from sklearn.feature_extraction.text import CountVectorizer

    from bot.components.vectors import RowCounter

    words = CountVectorizer(token_pattern=r"(?u)\b\w+\b", lowercase=False).fit(PHRASES)
    chars = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False).fit(PHRASES)
    expected = scipy.sparse.hstack([words.transform(texts), chars.transform(texts)], format="csr")
    got = RowCounter([words, chars]).rows(texts)
    assert got.shape == expected.shape
    assert (got != expected).nnz == 0


def _phrase_counter():
    """Counts of words and of character n-grams within words, fitted on PHRASES."""
    from sklearn.feature_extraction.text import CountVectorizer

    from bot.components.vectors import RowCounter

    words = CountVectorizer(token_pattern=r"(?u)\b\w+\b", lowercase=False).fit(PHRASES)
    chars = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False).fit(PHRASES)
    return RowCounter([words, chars])


LABELS = ["medical", "school", "medical", "medical", "school", "medical", "shelter", "medical", "greet",
          "other", "other"]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.sampled_from(PHRASES), st.text(max_size=40)))
def test_one_vs_rest_probabilities_from_a_rows_columns_are_scikit_learns(text):
    from sklearn.linear_model import LogisticRegression

    from bot.components.vectors import is_one_vs_rest, ovr_probabilities

    counter = _phrase_counter()
    model = LogisticRegression(solver="liblinear", class_weight="balanced").fit(counter.rows(PHRASES), LABELS)
    assert is_one_vs_rest(model)
    columns, counts = counter.vector(text)
    expected = model.predict_proba(counter.rows([text]))[0]
    assert ovr_probabilities(model, columns, counts) == pytest.approx(expected, rel=1e-12, abs=1e-15)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.sampled_from(PHRASES), st.text(max_size=40)))
def test_the_nearest_examples_are_scikit_learns_tf_idf_cosine_neighbours(text):
    from sklearn.feature_extraction.text import TfidfTransformer

    from bot.components.vectors import Neighbours

    counter = _phrase_counter()
    rows = counter.rows(PHRASES)
    neighbours = Neighbours(rows, [str(i) for i in range(len(PHRASES))])
    tfidf = TfidfTransformer(sublinear_tf=True).fit(rows)
    expected = (tfidf.transform(counter.rows([text])) @ tfidf.transform(rows).T).toarray()[0]
    columns, counts = counter.vector(text)
    assert neighbours.similarities(columns, counts) == pytest.approx(expected, abs=1e-6)
    nearest = neighbours.nearest(columns, counts, 3)
    if not columns.size:
        assert nearest == []
    else:  # the three most similar, ties aside
        assert sorted(expected[[int(i) for i in nearest]]) == pytest.approx(sorted(expected)[-3:], abs=1e-6)


def test_a_question_whose_nearest_examples_are_out_of_scope_is_out_of_scope():
    from unittest import mock

    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.components.classifier import NgramIntentClassifier

    examples = {"faq__medical__hospital": ["can i go to the hospital without papers", "hospital no insurance",
                                           "hospital emergency room papers", "will the hospital ask for papers",
                                           "hospital bill too high"],
                "faq__school__free": ["is school free", "school asks money", "school costs"],
                "out_of_scope": ["job in the hospital kitchen", "hospital kitchen vacancy",
                                 "cleaning job at the hospital", "weather tomorrow", "football score",
                                 "recipe for soup"]}
    data = TrainingData([Message(data={"text": text, "intent": intent})
                         for intent, texts in examples.items() for text in texts])
    intents = {}
    for votes in (2, 0):
        classifier = NgramIntentClassifier({"out_of_scope_votes": votes, "topic_votes": 0}, mock.Mock(),
                                           mock.Mock())
        classifier.store = lambda model: None
        classifier.train(data)
        assert (classifier.neighbours is None) == (votes == 0)
        messages = classifier.process([Message(data={"text": t}) for t in ("hospital job", "hospital without papers")])
        intents[votes] = [m.get("intent")["name"] for m in messages]
        if votes:  # the regression's ranking is kept after it
            assert [r["name"] for r in messages[0].get("intent_ranking")][:2] == ["out_of_scope", "faq__medical__hospital"]
    # The regression alone answers the job as the hospital question; its neighbours are jobs.
    assert intents == {2: ["out_of_scope", "faq__medical__hospital"],
                       0: ["faq__medical__hospital", "faq__medical__hospital"]}


def test_a_long_story_read_as_out_of_scope_is_answered_from_the_topic_of_its_nearest_examples():
    from unittest import mock

    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.components.classifier import NgramIntentClassifier

    story = ("my neighbour fell from the ladder last week and his arm is still swollen and blue, "
             "he has no papers and no insurance, can he go to the hospital or will they send a bill")
    examples = {"faq__medical__hospital": ["can i go to the hospital without papers", "hospital no insurance",
                                           "will the hospital ask for papers", story],
                "faq__school__free": ["is school free", "school asks money", "school costs"],
                "out_of_scope": ["weather tomorrow", "football score", "recipe for soup", "ladder for sale",
                                 "my neighbour is loud", "the arm of my chair is broken", "blue paint",
                                 "last week i went fishing", "send me a joke", "is the bill for my phone high",
                                 "is the bus late"]}
    data = TrainingData([Message(data={"text": text, "intent": intent})
                         for intent, texts in examples.items() for text in texts])
    long = ("my neighbour fell from the ladder yesterday and his arm is swollen and blue, he has no "
            "insurance, can he go somewhere or will they send him a bill he cannot pay")
    short = "my neighbour fell from the ladder yesterday, his arm is blue"
    assert len(long.split()) > 25 >= len(short.split())
    intents = {}
    for votes in (2, 0):
        classifier = NgramIntentClassifier({"topic_votes": votes}, mock.Mock(), mock.Mock())
        classifier.store = lambda model: None
        classifier.train(data)
        messages = classifier.process([Message(data={"text": t}) for t in (long, short, "weather tomorrow")])
        intents[votes] = [m.get("intent")["name"] for m in messages]
    # The regression reads both as out of scope; two of the long one's three nearest examples
    # are the hospital question's story. A short message is not a story.
    assert intents == {2: ["faq__medical__hospital", "out_of_scope", "out_of_scope"],
                       0: ["out_of_scope", "out_of_scope", "out_of_scope"]}


def test_a_long_story_read_as_a_question_keeps_its_topic_whatever_its_nearest_examples():
    from unittest import mock

    import numpy as np

    from bot.components.classifier import NgramIntentClassifier

    classifier = NgramIntentClassifier({}, mock.Mock(), mock.Mock())
    classifier.neighbours = mock.Mock()  # which examples are nearest is set per case below
    ranking = [{"name": "faq__medical_care__mental_health", "confidence": 0.7},
               {"name": "faq__shelter__bed_bad_brood", "confidence": 0.2},
               {"name": "out_of_scope", "confidence": 0.1}]
    story = ("since what happened on the boat i cant sleep i cry every day and i feel my head is "
             "breaking. is there someone i can talk to, i have no documents")
    assert len(story.split()) > 25
    vector = (np.array([0]), np.array([1.0]))

    def read(nearest):
        classifier.neighbours.nearest.return_value = nearest
        return [r["name"] for r in classifier._second_reading(story, ranking, vector)[0]][:2]

    # Two of the three nearest are about shelter ("sleep"): the regression's question stays
    # (with the fifteenth session's data it was right in 11 of 15 such cases, the vote in 4).
    assert read(["faq__shelter__bed_bad_brood", "faq__shelter__where_can_i_sleep",
                 "faq__medical_care__mental_health"])[0] == "faq__medical_care__mental_health"
    # Out of scope still wins when two of them are out of scope.
    assert read(["out_of_scope", "out_of_scope", "faq__medical_care__dentist"])[0] == "out_of_scope"


def test_softmax_and_two_class_models_are_not_taken_for_one_vs_rest():
    from sklearn.linear_model import LogisticRegression

    from bot.components.vectors import is_one_vs_rest

    rows = [[1, 0], [0, 1], [1, 1], [2, 0]]
    assert not is_one_vs_rest(LogisticRegression(solver="lbfgs").fit(rows, ["a", "b", "c", "a"]))
    assert not is_one_vs_rest(LogisticRegression(solver="liblinear").fit(rows, ["a", "b", "b", "a"]))


def test_the_language_model_gives_the_probabilities_of_its_naive_bayes(tmp_path):
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.components.language import LanguageDetector

    (tmp_path / "storage").mkdir()
    examples = tmp_path / "examples.json"
    examples.write_text('{"en": ["can i see a doctor", "school for my child", "where can i sleep"],'
                        ' "nl": ["mag ik naar de dokter", "school voor mijn kind", "waar kan ik slapen"],'
                        ' "tr": ["doktora gidebilir miyim", "cocugum okula", "nerede uyuyabilirim"]}',
                        encoding="utf-8")
    detector = LanguageDetector({"languages": ["en", "nl", "tr"], "examples_file": str(examples)},
                                LocalModelStorage(tmp_path / "storage"), Resource("language"))
    detector.train(TrainingData())
    vectorizer, classifier = detector.model
    for text in ["can my child go to school", "mag mijn kind", "okula gidebilir", "xyz qqq", ""]:
        expected = classifier.predict_proba(vectorizer.transform([normalize(text)]))[0]
        assert detector.ngram_probabilities(normalize(text)) == pytest.approx(expected)


def _safety_intent(text: str, lang: str) -> str | None:
    from bot.components.safety import SafetyOverrides

    safety = SafetyOverrides({kind: TERMS[kind] for kind in ("danger", "domestic", "self_harm", "family",
                                                             "threat", "together", "calm")})
    entities = [{"entity": "language", "value": lang}]
    return safety.override(Message(data={"text": text, "entities": entities, "intent": {"name": "x"}}))


def test_a_family_member_with_a_weapon_or_threat_is_domestic_violence():
    assert _safety_intent("my stepfather has a knife and is threatening my mum", "en") == "emergency_domestic"
    assert _safety_intent("mi hermano tiene una navaja y me amenaza", "es") == "emergency_domestic"
    assert _safety_intent("برادرم با چاقو تهدیدم میکنه", "fa") == "emergency_domestic"
    # Danger without family or threat stays a plain emergency; family alone is no emergency.
    assert _safety_intent("my brother collapsed and is not breathing", "en") == "emergency"
    assert _safety_intent("can my brother go to school without papers", "en") is None
    assert _safety_intent("mon frère peut aller à l'école?", "fr") is None
    # Arabic and Farsi typed in Latin letters.
    assert _safety_intent("shoharam alan dare mano mizane", "fa") == "emergency_domestic"
    assert _safety_intent("jozi kaydrbni daba 3afakom", "ar") == "emergency_domestic"
    # "faça" (do) and "مسکین" (poor) next to a family word are no violence at home. (The danger
    # list still reads them as a knife, knowingly: docs/decisions.md.)
    assert _safety_intent("meu filho precisa que a escola faça a matrícula", "pt") != "emergency_domestic"
    assert _safety_intent("ابني مسكين ما عنده مدرسة", "ar") != "emergency_domestic"
    # Nor words that only start like a threat or also mean something ordinary: a warehouse,
    # a school that threatens to stop teaching, a son who smokes, a swallowed battery.
    assert _safety_intent("meu marido trabalha num armazém, a escola pede bsn", "pt") is None
    assert _safety_intent("l'école menace de ne plus garder mon fils", "fr") is None
    assert _safety_intent("پسرم سیگار میکشه، میتونه بره مدرسه؟", "fa") is None
    assert _safety_intent("meu filho engoliu uma bateria", "pt") != "emergency_domestic"
    # The same threats, said of a person, still are.
    assert _safety_intent("meu marido tem uma arma e me bate", "pt") == "emergency_domestic"
    assert _safety_intent("o meu companheiro esta a bater-me", "pt") == "emergency_domestic"
    assert _safety_intent("mon mari me menace de mort", "fr") == "emergency_domestic"
    assert _safety_intent("شوهرم میگه منو میکشه", "fa") == "emergency_domestic"
    # A hammer or an axe in a family member's hands, too.
    assert _safety_intent("mijn ex staat beneden met een hamer en probeert de deur in te slaan", "nl") == "emergency_domestic"
    assert _safety_intent("mi marido tiene un hacha y grita", "es") == "emergency_domestic"


def test_phrases_naming_ordinary_things_are_no_cry_for_help():
    # Portuguese "socorro" and Spanish "auxilio" are cries for help, also inside names of
    # ordinary things: the calm phrases are taken out first.
    assert _safety_intent("fui no pronto socorro mes passado e chegou uma conta, tenho que pagar?", "pt") is None
    assert _safety_intent("onde faço um curso de primeiros socorros?", "pt") is None
    assert _safety_intent("donde hago un curso de primeros auxilios", "es") is None
    # The cry itself still is an emergency, also next to a calm phrase.
    assert _safety_intent("socorro!!", "pt") == "emergency"
    assert _safety_intent("socorro, me leva pro pronto socorro", "pt") == "emergency"
    assert _safety_intent("auxilio por favor", "es") == "emergency"
    # Not wanting to live here or on the street is about a place; wanting to die is not.
    assert _safety_intent("i dont want to live on the street anymore, where can i sleep", "en") is None
    assert _safety_intent("ik wil doodgewoon een huisarts", "nl") is None
    assert _safety_intent("i dont want to live in this world anymore", "en") == "emergency"
    assert _safety_intent("ik wil dood", "nl") == "emergency"
    # Someone held in detention or prison is no one locked in at home now.
    assert _safety_intent("mon frère est enfermé dans le centre de détention", "fr") is None
    assert _safety_intent("mijn broer zit opgesloten in de gevangenis, mag ik komen", "nl") is None
    assert _safety_intent("mon frère m'a enfermée dans la chambre", "fr") == "emergency_domestic"
    # Turkish "zorlanıyorum" (I find it hard) is not "zorla" (by force).
    assert _safety_intent("bebek arabasiyla otobuse binerken cok zorlaniyorum", "tr") is None
    assert _safety_intent("kuzenimi zorla arabaya bindirdiler", "tr") == "emergency"
    # A calm phrase that holds no danger, self-harm or threat phrase, nor a word of a
    # `together` group, would take out nothing.
    lexicons = [DANGER, Lexicon(TERMS["self_harm"]), Lexicon(TERMS["threat"])]
    lexicons += [Lexicon(terms) for group in TERMS["together"].values() for terms in group["all"]]
    for lang, phrases in TERMS["calm"].items():
        for phrase in phrases:
            assert any(lexicon.search(normalize(phrase), None) for lexicon in lexicons), (lang, phrase)


def test_wanting_to_die_said_indirectly_is_an_emergency():
    expected = {
        ("sur le pont, ce soir je veux plus continuer", "fr"): "emergency",
        ("3 boites de medicaments pour tout finir ce soir", "fr"): "emergency",
        ("انا فوق السطح وما بدي شوف الصبح", "ar"): "emergency",
        ("tonight is my last night, i left a letter", "en"): "emergency",
        # Tiredness, a bridge or a letter alone are not.
        ("i am so tired, i cant sleep, can i see a doctor", "en"): None,
        ("j'ai ecrit une lettre pour l'ecole de ma fille", "fr"): None,
    }
    assert {key: _safety_intent(*key) for key in expected} == expected


def test_someone_forced_into_a_vehicle_is_an_emergency_in_any_word_order():
    assert _safety_intent("unos tipos metieron a mi primo a la fuerza en una furgoneta", "es") == "emergency"
    assert _safety_intent("kuzenimi zorla beyaz bir minibüse bindirdiler", "tr") == "emergency"
    assert _safety_intent("ils ont fait monter ma cousine de force dans une camionnette", "fr") == "emergency"
    assert _safety_intent("دو نفر به زور بردنش تو یه ماشین", "fa") == "emergency"
    # Neither a vehicle nor force alone: a police stop, a car, work someone was forced into.
    assert _safety_intent("the police pulled me over in my friend's car, can they ask for papers", "en") is None
    assert _safety_intent("ik werd gedwongen te werken zonder loon", "nl") is None
    assert _safety_intent("ik werk in een garage en repareer auto's", "nl") is None
    # "van" alone is Dutch "of" (and the Turkish city), whatever the detected language.
    assert _safety_intent("ik werd gedwongen van mijn baas om te werken", "nl") is None
    assert _safety_intent("ik werd gedwongen van mijn baas om te werken", None) is None


TOLD_TOGETHER = [
    # A farewell and no answer (answered as self-harm, below); an allergen and swelling.
    ("my sister sent everyone a goodbye message and now her phone is off", "en"),
    ("mi hermano se despidio de nosotros por audio y ya no contesta", "es"),
    ("ma fille a été piquée par une guêpe, son cou est tout gonflé", "fr"),
    # A pregnancy and waters broken or pains minutes apart; pinned under something.
    ("zwanger van 32 weken en de vliezen zijn net gebroken", "nl"),
    ("hamileyim 36 hafta, 4 dakikada bir agri geliyor", "tr"),
    ("se le cayo encima una estanteria y no puede mover la pierna", "es"),
    # A pregnant woman kicked; someone in the water who does not come up or cannot swim.
    ("شوهرم لگد زد به شکمم و من حامله ام", "fa"),
    ("un petit garçon est dans le canal, il remonte pas", "fr"),
    ("mijn zoon is in de sloot, hij kan niet zwemmen", "nl"),
]
ONE_OF_THEM_ALONE = [
    ("i said goodbye to my family when i left syria, can i see a doctor", "en"),
    ("mijn telefoon staat uit, kan ik later bellen", "nl"),
    ("my son is allergic to nuts, can the huisarts help us", "en"),
    ("mijn hand is opgezwollen na het werk, mag ik naar de huisarts", "nl"),
    ("estoy embarazada de 20 semanas, puedo ver una matrona", "es"),
    # The baby kicks; sleeping under a bridge is not being pinned under it; a swim.
    ("estoy embarazada y el bebe me da patadas toda la noche", "es"),
    ("hamileyim bebek cok tekme atiyor normal mi", "tr"),
    ("i am stuck, sleeping under a bridge, where can i go", "en"),
    ("my friend jumped in the lake to swim, it was fun", "en"),
]


def test_danger_told_by_two_things_together_is_an_emergency_and_neither_alone_is():
    # None of TOLD_TOGETHER holds a danger phrase (`together` in emergency_terms.yml).
    for text, lang in TOLD_TOGETHER:
        assert _safety_intent(text, lang) == "emergency", text
    for text, lang in ONE_OF_THEM_ALONE:
        assert _safety_intent(text, lang) is None, text
    message = Message(data={"text": "mijn vriend heeft afscheid genomen in de groep en neemt niet op",
                            "entities": [{"entity": "language", "value": "nl"}], "intent": {"name": "x"}})
    safety = SafetyOverrides({kind: TERMS[kind] for kind in ("danger", "self_harm", "together")})
    assert safety.override(message) == "emergency" and message.get(SELF_HARM)


def _safety_process(text: str, lang: str, own: dict[str, float],
                    nearest: list[str] | None = None) -> Message:
    from bot.components.classifier import NEAREST, OWN_CONFIDENCE
    from bot.components.safety import SafetyOverrides

    safety = SafetyOverrides({**{kind: TERMS[kind] for kind in ("danger", "domestic", "family", "threat",
                                                                "device", "broken", "harm", "together",
                                                                "calm")},
                              "domestic_question": "faq__reporting_crime__domestic_violence"})
    ranking = [{"name": name, "confidence": value} for name, value in sorted(own.items(), key=lambda x: -x[1])]
    message = Message(data={"text": text, "entities": [{"entity": "language", "value": lang}],
                            "intent": ranking[0], "intent_ranking": ranking, OWN_CONFIDENCE: own,
                            NEAREST: (lambda: nearest) if nearest is not None else None})
    return safety.process([message])[0]


def test_an_emergency_naming_family_that_the_classifier_also_reads_as_violence_at_home_is_domestic():
    # No word from the threat list: the classifier's share for violence at home decides.
    text = "my dad drunk smashing my moms head on the wall"
    some = {"emergency": 0.55, "emergency_domestic": 0.3, "out_of_scope": 0.15}
    assert _safety_process(text, "en", some).get("intent")["name"] == "emergency_domestic"
    none = {"emergency": 0.97, "emergency_domestic": 0.01, "out_of_scope": 0.02}
    assert _safety_process(text, "en", none).get("intent")["name"] == "emergency"
    # Without a family member it stays a plain emergency, unless the classifier reads it
    # almost as much as violence at home as as another emergency.
    stranger = "a man smashing the door with a hammer"
    assert _safety_process(stranger, "en", some).get("intent")["name"] == "emergency"
    half = {"emergency": 0.52, "emergency_domestic": 0.45, "out_of_scope": 0.03}
    assert _safety_process(stranger, "en", half).get("intent")["name"] == "emergency_domestic"
    # A danger phrase with family, when the classifier saw a question, is domestic only if
    # the classifier gave violence at home its share.
    collapse = "my brother collapsed and is not breathing"
    question = {"faq__medical_care__costs": 0.9, "emergency_domestic": 0.02, "emergency": 0.08}
    assert _safety_process(collapse, "en", question).get("intent")["name"] == "emergency"
    leaning = {"faq__medical_care__costs": 0.6, "emergency_domestic": 0.2, "emergency": 0.2}
    assert _safety_process(collapse, "en", leaning).get("intent")["name"] == "emergency_domestic"


def test_a_short_message_is_an_emergency_when_the_classifier_partly_reads_one():
    # No danger phrase; the classifier's first reading is out of scope, its second an emergency.
    text = "il y a un bruit bizarre en bas dans le noir je suis seule avec ma fille"
    leaning = {"out_of_scope": 0.55, "emergency": 0.35, "faq__shelter__where_can_i_sleep": 0.1}
    assert _safety_process(text, "fr", leaning).get("intent")["name"] == "emergency"
    unsure = {"nlu_fallback": 0.25, "faq__medical_care__costs": 0.17, "emergency_domestic": 0.18,
              "emergency": 0.14}
    assert _safety_process(text, "fr", unsure).get("intent")["name"] == "emergency"
    # Read first as a question: 112, then that question's answer, since it was really asked.
    answered = {"faq__shelter__where_can_i_sleep": 0.6, "emergency": 0.3, "out_of_scope": 0.1}
    message = _safety_process(text, "fr", answered)
    assert message.get("intent")["name"] == "emergency"
    assert _also_asked(message) == "faq__shelter__where_can_i_sleep"
    # A trace of emergency is not enough (a joke when bored scored 0.23), with either reading.
    for share in (0.1, 0.2):
        faint = {"out_of_scope": 0.95 - share, "emergency": share, "faq__shelter__where_can_i_sleep": 0.05}
        assert _safety_process(text, "fr", faint).get("intent")["name"] == "out_of_scope"
        faint = {"faq__shelter__where_can_i_sleep": 0.95 - share, "emergency": share, "out_of_scope": 0.05}
        assert _safety_process(text, "fr", faint).get("intent")["name"] == "faq__shelter__where_can_i_sleep"
    # A long story stays "not sure", as a story the classifier reads as an emergency does.
    story = " ".join([text] * 4)
    assert _safety_process(story, "fr", leaning).get("intent")["name"] == "out_of_scope"


def test_a_phone_that_no_longer_works_is_no_emergency_unless_a_phrase_or_a_family_word_says_so():
    # The classifier reads phones fallen into water as drowning.
    drowning = {"emergency": 0.7, "out_of_scope": 0.25, "faq__shelter__where_can_i_sleep": 0.05}
    for text, lang in [("mon samsung est tombé dans l'eau il s'allume plus, le riz ca marche?", "fr"),
                       ("تليفوني وقع في الميه ومبقاش بيشحن، اعمل ايه", "ar"),
                       ("گوشیم افتاد تو آب و روشن نمیشه", "fa"),
                       # "fell in the canal" is a danger phrase, "phone fell in the canal" a calm one
                       ("phone fell in the canal, screen is black now. does rice work", "en"),
                       ("mijn telefoon is in de gracht gevallen, gaat niet meer aan", "nl"),
                       ("تلفوني وقع في الميه ومش راضي يفتح، احطه في رز؟", "ar")]:
        assert _safety_process(text, lang, drowning).get("intent")["name"] == "out_of_scope", text
    # Without the word about the phone not working, or with a family word or a danger phrase,
    # the emergency stands.
    for text, lang in [("mon telephone est tombe dans l'eau avec moi", "fr"),
                       ("my son fell in the water and my phone wont turn on", "en"),
                       ("he has a knife and my phone is almost out of charge", "en"),
                       ("my son fell in the canal, my phone screen is wet", "en")]:
        assert _safety_process(text, lang, drowning).get("intent")["name"] == "emergency", text


def _also_asked(message: Message) -> str | None:
    return next((e["value"] for e in message.get("entities") if e["entity"] == "also_asked"), None)


def test_violence_at_home_is_followed_by_its_page_unless_another_question_was_asked():
    weak = {"emergency_domestic": 0.5, "faq__reporting_crime__free_in_free_out": 0.2}
    message = _safety_process("mijn man slaat me nu", "nl", weak)
    assert message.get("intent")["name"] == "emergency_domestic"
    assert _also_asked(message) == "faq__reporting_crime__domestic_violence"
    asked = {"emergency_domestic": 0.2, "faq__school__bsn": 0.7}
    assert _also_asked(_safety_process("mijn man slaat me, school vraagt bsn", "nl", asked)) == "faq__school__bsn"
    # Other emergencies get no page when nothing else was asked.
    assert _also_asked(_safety_process("someone has a knife outside", "en",
                                       {"emergency": 0.6, "faq__medical_care__dentist": 0.3})) is None


def test_wanting_to_die_is_an_emergency_followed_by_the_mental_health_question():
    from bot.components.classifier import OWN_CONFIDENCE
    from bot.components.safety import SafetyOverrides

    kinds = ("danger", "domestic", "self_harm", "family", "threat")
    safety = SafetyOverrides({**{kind: TERMS[kind] for kind in kinds},
                              "self_harm_question": "faq__medical_care__mental_health"})
    own = {"faq__birth_registration__papers_needed": 0.62, "emergency": 0.3}
    ranking = [{"name": name, "confidence": value} for name, value in own.items()]
    for text, lang in [("je veux mourir ce soir, j'ai tout préparé", "fr"),
                       ("ya no quiero vivir", "es"), ("میخوام بمیرم", "fa")]:
        message = Message(data={"text": text, "entities": [{"entity": "language", "value": lang}],
                                "intent": ranking[0], "intent_ranking": ranking,
                                OWN_CONFIDENCE: own})
        message = safety.process([message])[0]
        assert message.get("intent")["name"] == "emergency", text
        # Not the question the classifier saw in "préparé" (preparing papers for a birth).
        assert _also_asked(message) == "faq__medical_care__mental_health", text
    # Violence at home and wanting to die: Veilig Thuis with 112, then mental health care.
    message = Message(data={"text": "mon mari me frappe et je veux mourir",
                            "entities": [{"entity": "language", "value": "fr"}],
                            "intent": ranking[0], "intent_ranking": ranking, OWN_CONFIDENCE: own})
    message = safety.process([message])[0]
    assert message.get("intent")["name"] == "emergency_domestic"
    assert _also_asked(message) == "faq__medical_care__mental_health"
    # Someone else's threat is not self-harm: "me quiere matar" (he wants to kill me).
    assert not safety.self_harm.search(normalize("me quiere matar"), "es")


def test_a_domestic_question_that_is_not_in_the_content_is_refused(tmp_path, monkeypatch):
    import shutil

    from rightsinfo import botdata

    bot = tmp_path / "bot"
    shutil.copytree(ROOT / "bot" / "data", bot / "data")
    config = (ROOT / "bot" / "config.yml").read_text(encoding="utf-8")
    (bot / "config.yml").write_text(config.replace("faq__reporting_crime__domestic_violence",
                                                   "faq__reporting_crime__no_such_question"), encoding="utf-8")
    monkeypatch.setattr(botdata, "BOT", bot)
    with pytest.raises(ValueError, match="bot/config.yml: SafetyOverrides domestic_question"):
        botdata.generate(tmp_path / "out")
    (bot / "config.yml").write_text(config.replace("faq__medical_care__mental_health",
                                                   "faq__medical_care__no_such_question"), encoding="utf-8")
    with pytest.raises(ValueError, match="bot/config.yml: SafetyOverrides self_harm_question"):
        botdata.generate(tmp_path / "out")


def test_a_together_group_with_one_list_or_an_unknown_language_is_an_error(tmp_path, monkeypatch):
    import shutil

    from rightsinfo import botdata

    bot = tmp_path / "bot"
    shutil.copytree(ROOT / "bot" / "data", bot / "data")
    shutil.copy(ROOT / "bot" / "config.yml", bot / "config.yml")
    monkeypatch.setattr(botdata, "BOT", bot)
    terms_file = bot / "data" / "emergency_terms.yml"
    terms = yaml.safe_load(terms_file.read_text(encoding="utf-8"))
    terms["together"]["labour"]["all"] = terms["together"]["labour"]["all"][:1]
    terms_file.write_text(yaml.safe_dump(terms, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="emergency_terms.yml: together.labour: needs `all:` with at least two"):
        botdata.generate(tmp_path / "out")
    terms["together"]["labour"]["all"] = [{"en": ["pregnant"]}, {"de": ["fruchtblase"]}]
    terms_file.write_text(yaml.safe_dump(terms, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match=r"together.labour, list 2: .*got \['de'\]"):
        botdata.generate(tmp_path / "out")


@pytest.mark.parametrize("file", ["stories.yml", "latin_script.yml"])
def test_an_extra_example_for_a_question_or_language_the_content_lacks_is_an_error(tmp_path, monkeypatch, file):
    import shutil

    from rightsinfo import botdata

    assert file in botdata.EXAMPLE_FILES
    bot = tmp_path / "bot"
    shutil.copytree(ROOT / "bot" / "data", bot / "data")
    shutil.copy(ROOT / "bot" / "config.yml", bot / "config.yml")
    monkeypatch.setattr(botdata, "BOT", bot)
    examples = bot / "data" / file
    examples.write_text('faq__school__no_such_question:\n  en: ["my son is 9 and ..."]\n', encoding="utf-8")
    with pytest.raises(ValueError, match=f"bot/data/{file}: faq__school__no_such_question: no such question"):
        botdata.generate(tmp_path / "out")
    examples.write_text('faq__school__turning_18:\n  de: ["mein Sohn wird 18 ..."]\n', encoding="utf-8")
    with pytest.raises(ValueError, match=rf"bot/data/{file}: faq__school__turning_18.de: not one of"):
        botdata.generate(tmp_path / "out")
    examples.write_text('faq__school__turning_18:\n  en: "one message, not a list"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=rf"bot/data/{file}: faq__school__turning_18.en: must be a list"):
        botdata.generate(tmp_path / "out")
    story = "we came from eritrea last year and my son turns 18 in march, can he finish his mbo"
    examples.write_text(f'faq__school__turning_18:\n  en: ["{story}"]\n', encoding="utf-8")
    botdata.generate(tmp_path / "out")
    nlu = (tmp_path / "out" / "data" / "nlu.yml").read_text(encoding="utf-8")
    block = nlu.split("- intent: faq__school__turning_18")[1].split("- intent:")[0]
    assert f"- {story}" in block


def test_arabic_and_farsi_typed_in_latin_letters_are_their_own_n_gram_class(tmp_path):
    import json

    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.components.language import LanguageDetector

    (tmp_path / "storage").mkdir()
    examples = {"fa": ["میتونم برم دکتر", "بچم مدرسه میره", "جا برای خواب ندارم", "kaghaz nadaram mitunam beram doktor",
                       "bacham mitune bere madrese", "ja baraye khab nadaram"],
                "tr": ["doktora gidebilir miyim", "cocugum okula gidebilir mi", "kalacak yerim yok",
                       "kagidim yok hastaneye gidebilir miyim"],
                "en": ["can i see a doctor", "can my child go to school", "i have nowhere to sleep"]}
    path = tmp_path / "examples.json"
    path.write_text(json.dumps(examples, ensure_ascii=False), encoding="utf-8")
    detector = LanguageDetector({"languages": ["fa", "tr", "en"], "examples_file": str(path)},
                                LocalModelStorage(tmp_path / "storage"), Resource("language"))
    detector.train(TrainingData())
    assert set(detector.model[1].classes_) == {"fa", "fa-latn", "tr", "en"}  # Turkish is Latin anyway
    assert detector.detect("kaghaz nadaram, mitunam beram doktor?")[0] == "fa"
    assert detector.detect("kagidim yok, doktora gidebilir miyim?")[0] == "tr"
    assert detector.detect("میتونم برم دکتر؟ کاغذ ندارم")[0] == "fa"


def test_a_long_story_read_as_an_emergency_by_the_classifier_alone_is_answered_as_its_question():
    story = ("two months ago I fell from a ladder at work, it was a black job, my back still hurts "
             "and the boss says nothing, can I see a huisarts without insurance now")
    assert len(story.split()) > 25
    own = {"emergency": 0.7, "faq__medical_care__see_a_gp": 0.24, "faq__medical_care__costs": 0.06}
    message = _safety_process(story, "en", own)
    assert message.get("intent")["name"] == "faq__medical_care__see_a_gp"
    assert message.get("intent")["confidence"] == pytest.approx(0.8)
    assert all(r["name"] != "emergency" for r in message.get("intent_ranking"))
    # Nothing clear left after the emergency: "not sure", as FallbackClassifier would say.
    unclear = {"emergency": 0.7, "faq__medical_care__see_a_gp": 0.06, "faq__school__bsn": 0.05,
               "faq__shelter__bed_bad_brood": 0.05, "out_of_scope": 0.05, "faq__medical_care__costs": 0.05,
               "faq__medical_care__dentist": 0.04}
    assert _safety_process(story, "en", unclear).get("intent")["name"] == "nlu_fallback"
    # The same classifier verdict on a short message, or on a long one with a danger phrase,
    # stays an emergency.
    assert _safety_process("he fell and does not move", "en", own).get("intent")["name"] == "emergency"
    long_danger = story.replace("two months ago I fell", "right now he is not breathing, he fell")
    assert _safety_process(long_danger, "en", own).get("intent")["name"] == "emergency"


def test_a_long_message_told_like_the_emergency_examples_stays_an_emergency():
    # No danger phrase, more than 25 words: a story, unless an emergency is among the training
    # examples nearest to it.
    text = ("mon pere tire ma petite soeur par les cheveux il dit qu il va la jeter par la fenetre "
            "elle a 12 ans on est au 4eme")
    assert len(text.split()) > 25
    own = {"emergency_domestic": 0.9, "faq__school__turning_18": 0.06, "out_of_scope": 0.04}
    told_like_one = ["emergency_domestic", "out_of_scope", "faq__school__turning_18"]
    assert _safety_process(text, "fr", own, told_like_one).get("intent")["name"] == \
        "emergency_domestic"
    like_questions = ["out_of_scope", "faq__school__turning_18", "faq__medical_care__see_a_gp"]
    assert _safety_process(text, "fr", own, like_questions).get("intent")["name"] == \
        "faq__school__turning_18"
    assert _safety_process(text, "fr", own, None).get("intent")["name"] == "faq__school__turning_18"


def test_a_message_whose_nearest_examples_are_all_emergencies_is_one():
    # No danger phrase; the classifier reads it as out of scope, a little as an emergency.
    text = ("mi papa esta sentao blanco como gris sudando frio, dice q le aprieta el pecho "
            "y le duele la mandibula")
    own = {"out_of_scope": 0.95, "emergency": 0.03, "faq__medical_care__emergency": 0.02}
    emergencies = ["emergency", "emergency", "emergency_domestic"]
    assert _safety_process(text, "es", own, emergencies).get("intent")["name"] == "emergency"
    # Two of three is not enough, and nor is a classifier that gives no emergency share at all.
    some = ["emergency", "emergency", "faq__medical_care__emergency"]
    assert _safety_process(text, "es", own, some).get("intent")["name"] == "out_of_scope"
    none = {"out_of_scope": 0.995, "faq__medical_care__emergency": 0.005}
    assert _safety_process(text, "es", none, emergencies).get("intent")["name"] == "out_of_scope"
    # Read first as a question, it is an emergency too (the question follows 112 if really asked).
    asked = {"faq__reporting_crime__someone_reports": 0.7,
             "faq__reporting_crime__human_trafficking": 0.28, "emergency_domestic": 0.02}
    text = "calistigim evin sahibi pasaportumu ve telefonumu sakladi, kapiyi kilitledi cikarmiyor"
    assert _safety_process(text, "tr", asked, emergencies).get("intent")["name"] == "emergency"


def test_an_emergency_where_a_family_member_does_something_violent_is_violence_at_home():
    # An emergency already (the classifier's reading), with no word from the threat list and
    # no share for violence at home: the violent act and the family word give Veilig Thuis.
    plain = {"emergency": 0.95, "out_of_scope": 0.05}
    for text, lang in [("my stepdad has his hands around my mums neck right now", "en"),
                       ("mi marido echo gasolina en el salon y tiene un mechero en la mano", "es"),
                       ("kocam karnima tekme atti, hamileyim", "tr")]:
        intent = _safety_process(text, lang, plain).get("intent")["name"]
        assert intent == "emergency_domestic", text
    # The same act without a family word, or a family member without a violent act, stays 112.
    assert _safety_process("a man has his hands around a womans neck in the street", "en",
                           plain).get("intent")["name"] == "emergency"
    assert _safety_process("my dad fell down the stairs and does not move", "en",
                           plain).get("intent")["name"] == "emergency"
