"""`make eval`'s scoring: what counts as a right topic, a rejection, an emergency, a language."""

from __future__ import annotations

import pytest
import yaml

from bot.evaluate import (eval_sets, format_safety, format_table, load_eval, refusal_sets, safety_sets, score,
                          score_safety)
from rightsinfo.content import TOPICS

ITEMS = [
    {"lang": "fr", "topic": "school", "text": "mon fils peut aller a l'ecole?"},
    {"lang": "fr", "topic": "shelter", "text": "je dors dehors"},
    {"lang": "fr", "topic": "out_of_scope", "text": "quel temps demain"},
    {"lang": "fr", "topic": "emergency", "domestic": True, "text": "mon mari me frappe"},
    {"lang": "tr", "topic": "medical-care", "text": "doktora gidebilir miyim"},
]


def test_answers_after_112_count_for_their_topic_and_languages_are_scored():
    predictions = [
        ("school", "faq__school__x", None, "fr"),
        ("emergency", "emergency", "shelter", None),            # 112, then the shelter answer
        ("rejected", "out_of_scope", None, "fr"),
        ("emergency", "emergency", None, "fr"),                  # no Veilig Thuis: a miss
        ("medical-care", "faq__medical_care__y", None, "tr"),
    ]
    table = score(ITEMS, predictions)
    assert table["fr"] == {"language": pytest.approx(0.75), "topic": 1.0, "oos": 1.0, "emergency": 0.0}
    assert table["tr"]["topic"] == 1.0 and table["tr"]["language"] == 1.0


def test_a_system_without_language_detection_shows_no_language_figure():
    table = score(ITEMS, [("school", "a"), ("rejected", None), ("rejected", None),
                          ("emergency", "emergency_domestic"), ("school", "b")])
    assert "language" not in table["fr"]
    lines = format_table({"baseline": table}).splitlines()
    fr = next(line for line in lines if line.split()[1] == "fr")
    assert fr.split()[2:] == ["50%", "100%", "100%", "-"]


def test_every_evaluation_set_covers_every_language_with_enough_questions():
    for name, path in eval_sets().items():
        items = load_eval(path)
        for lang in ("en", "nl", "ar", "fa", "fr", "es", "pt", "tr"):
            mine = [i for i in items if i["lang"] == lang]
            in_scope = [i for i in mine if i["topic"] not in ("out_of_scope", "emergency")]
            assert len(in_scope) >= 15, (name, lang)
            assert {i["topic"] for i in mine} >= {"out_of_scope", "emergency"}, (name, lang)


def test_refusal_sets_hold_mostly_out_of_scope_messages_in_every_language():
    for name, path in refusal_sets().items():
        items = load_eval(path)
        # a question the content turned out to answer is labelled with its topic
        assert {i["topic"] for i in items} <= {"out_of_scope", *TOPICS}, name
        for lang in ("en", "nl", "ar", "fa", "fr", "es", "pt", "tr"):
            assert sum(i["lang"] == lang and i["topic"] == "out_of_scope" for i in items) >= 15, (name, lang)


def test_safety_score_counts_112_veilig_thuis_and_false_alarms_per_language():
    items = [{"lang": "nl", "kind": "emergency", "domestic": True, "text": "a"},
             {"lang": "nl", "kind": "emergency", "text": "b"},
             {"lang": "nl", "kind": "near_miss", "text": "c"},
             {"lang": "nl", "kind": "near_miss", "text": "d"}]
    predictions = [("emergency", "emergency"), ("rejected", None),
                   ("emergency", "emergency"), ("medical-care", "faq__medical_care__costs")]
    table = score_safety(items, predictions)
    # the domestic message got 112 but not Veilig Thuis; one near miss was a false alarm
    assert table["nl"] == {"caught": (1, 2), "domestic": (0, 1), "false alarm": (1, 2)}
    rows = [line.split() for line in format_safety({"bot": table}).splitlines()]
    assert ["bot", "nl", "1/2", "0/1", "1/2"] in rows and ["bot", "all", "1/2", "0/1", "1/2"] in rows


def test_safety_sets_have_emergencies_and_near_misses_in_every_language():
    for name, path in safety_sets().items():
        items = load_eval(path)
        for lang in ("en", "nl", "ar", "fa", "fr", "es", "pt", "tr"):
            kinds = [i["kind"] for i in items if i["lang"] == lang]
            assert kinds.count("emergency") >= 15 and kinds.count("near_miss") >= 5, (name, lang)


def test_new_phrases_and_examples_are_checked_against_training_and_evaluation_data(trained_model, capsys):
    import importlib.util

    from bot.paths import ROOT

    spec = importlib.util.spec_from_file_location("vet_new_data", ROOT / "scripts" / "vet_new_data.py")
    vet = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(vet)
    # "gün" (day) is in Turkish questions; English "gun" is looked for in English only.
    assert vet.phrases({"tr": ["gun"]}) == 1
    assert "tr 'gun'" in capsys.readouterr().out
    assert vet.phrases({"en": ["hands round my neck"]}) == 0
    # A held-out message ("tell me a joke pls") must not come back as training data.
    assert vet.examples({"en": ["tell me a joke pls!", "zebra crossings painted purple"]}) == 1
    out = capsys.readouterr().out
    assert "tell me a joke" in out and "zebra" not in out
    # A group whose lists both occur in ordinary questions ("school" and "papers") is reported;
    # the labour group is not.
    assert vet.together({"loose": {"all": [{"en": ["school"]}, {"en": ["papers"]}]}}) == 1
    assert "loose: " in capsys.readouterr().out
    terms = yaml.safe_load((ROOT / "bot" / "data" / "emergency_terms.yml").read_text(encoding="utf-8"))
    assert vet.together({"labour": terms["together"]["labour"]}) == 0
