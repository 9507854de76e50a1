"""Generate the Rasa project (domain, NLU data, rules, config) from content/ and locales/."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from rightsinfo import catalogs, mdunits
from rightsinfo.content import CONTENT, TOPICS, load_all
from rightsinfo.languages import LOCALES, SOURCE, all_languages
from rightsinfo.localize import LocalPage, localize
from rightsinfo.problems import ROOT

BOT = ROOT / "bot"
OUT = ROOT / "build" / "bot"
OWN_INTENTS = ("greet", "goodbye", "thanks", "human", "privacy", "out_of_scope", "emergency",
               "emergency_domestic", "choose_language")
PAYLOAD_INTENTS = ("language_menu", "non_text_message")
# Filled in when a reply is sent (bot/nlg.py), so the model does not depend on SITE_URL.
SITE = "{site_url}"


def topic_intent(topic: str) -> str:
    return f"topic__{topic}".replace("-", "_")


def language_intent(code: str) -> str:
    return f"language__{code}"


def intent_of(topic: str, question_id: str) -> str:
    """Rasa intent of a question: faq__<topic>__<id>, with underscores for hyphens."""
    return f"faq__{topic}__{question_id}".replace("-", "_")


@dataclass
class BotTexts:
    """The bot's own replies in one language, English where a translation is missing."""

    translations: catalogs.Translations | None

    def __call__(self, key: str, **values: str) -> str:
        from bot.texts import TEXTS

        english = TEXTS[key]
        found = self.translations.get(english) if self.translations else None
        return (found or english).format(**values)


def sentences(text: str) -> list[str]:
    """The sentences of an opening paragraph: extra examples with the answer's vocabulary."""
    return [s for s in re.split(r"(?<=[.!?؟])\s+", text) if len(s) > 15]


def _variation(text: str, lang: str, buttons: list | None = None, **conditions: str) -> dict:
    entry: dict = {"text": text}
    if buttons:
        entry["buttons"] = buttons
    if lang != SOURCE or conditions:
        entry["condition"] = [{"type": "slot", "name": "language", "value": lang}] + [
            {"type": "slot", "name": k, "value": v} for k, v in conditions.items()]
    return entry


def _answer(local_opening: str, url: str, texts: BotTexts) -> str:
    # One "\n", not a blank line: Rasa's REST channel splits replies at blank lines, and the
    # answer and its link belong in one message.
    return f"{mdunits.plain(local_opening)}\n{texts('read_more')} {url}"


def generate(out: Path = OUT, content: Path = CONTENT, locales: Path = LOCALES) -> dict:
    """Write domain.yml, data/nlu.yml, data/rules.yml and config.yml; return a summary."""
    (out / "data").mkdir(parents=True, exist_ok=True)
    pages, _ = load_all(content)
    languages = all_languages(locales)
    codes = [lang.code for lang in languages]
    base = SITE
    own = yaml.safe_load((BOT / "data" / "intents.yml").read_text(encoding="utf-8"))
    terms = yaml.safe_load((BOT / "data" / "emergency_terms.yml").read_text(encoding="utf-8"))
    responses: dict[str, list] = {}
    examples: dict[str, list[dict]] = {}
    answered: list[str] = []  # question intents, each with its own rule

    def add_examples(intent: str, lang: str, texts: list[str]) -> None:
        bucket = examples.setdefault(intent, [])
        seen = {e["text"] for e in bucket}
        for text in texts:
            # Brackets would read as Rasa entity annotations; line breaks end an example.
            text = " ".join(text.replace("[", " ").replace("]", " ").split())
            if text and text not in seen and not text.startswith("/"):
                seen.add(text)
                bucket.append({"text": text, "lang": lang})

    for lang in languages:
        code = lang.code
        texts = BotTexts(catalogs.load(code, catalogs.BOT_DOMAIN, locales)[0] if code != SOURCE else None)
        locals_: dict[str, LocalPage] = {}
        for slug, page in pages.items():
            tr = catalogs.load(code, slug, locales)[0] if code != SOURCE else None
            locals_[slug] = localize(page, code, tr)
        topic_buttons = [{"title": mdunits.plain(locals_[t].title), "payload": f"/{topic_intent(t)}"}
                         for t in TOPICS if t in locals_]
        menu = topic_buttons + [{"title": texts("language_button"), "payload": "/language_menu"}]
        for slug in TOPICS:
            if slug not in locals_:
                continue
            local = locals_[slug]
            buttons = []
            for question in local.questions:
                intent = intent_of(slug, question.id)
                url = f"{base}/{code}/{slug}/#{question.id}"
                responses.setdefault(f"utter_{intent}", []).append(
                    _variation(_answer(question.opening, url, texts), code))
                add_examples(intent, code, [mdunits.plain(question.heading), *question.asked,
                                            *sentences(mdunits.plain(question.opening))])
                if intent not in answered:
                    answered.append(intent)
                buttons.append({"title": mdunits.plain(question.heading), "payload": f"/{intent}"})
            responses.setdefault(f"utter_{topic_intent(slug)}", []).append(
                _variation(texts("choose_question", topic=mdunits.plain(local.title)), code, buttons))
        def page_url(page: str) -> str:
            return f"{base}/{code}/{page}/"

        summary = {p: mdunits.plain(locals_[p].summary) for p in ("privacy", "organisations") if p in locals_}
        replies = {
            "utter_greet": (f"{texts('welcome')}\n\n{texts('privacy_line')}", menu),
            "utter_not_sure": (texts("not_sure", url=page_url("organisations")), menu),
            "utter_text_only": (texts("text_only"), menu),
            "utter_emergency": (f"{texts('emergency')}\n\n{texts('emergency_more', url=page_url('emergency'))}", None),
            "utter_emergency_domestic": (f"{texts('emergency')}\n{texts('emergency_domestic')}\n\n"
                                         f"{texts('emergency_more', url=page_url('emergency'))}", None),
            "utter_human": (f"{texts('human', url=page_url('organisations'))}\n\n{summary.get('organisations', '')}".strip(), None),
            "utter_privacy": (f"{summary.get('privacy', '')}\n\n{texts('privacy', url=page_url('privacy'))}".strip(), None),
            "utter_goodbye": (texts("goodbye"), None),
            "utter_thanks": (texts("thanks"), None),
            "utter_language_menu": (texts("choose_language"),
                                    [{"title": other.native_name, "payload": f"/{language_intent(other.code)}"}
                                     for other in languages]),
            "utter_language_set": (texts("language_set"), menu),
        }
        for name, (text, buttons) in replies.items():
            responses.setdefault(name, []).append(_variation(text, code, buttons))
        for intent in OWN_INTENTS:
            add_examples(intent, code, (own.get(intent) or {}).get(code, []))
    # English variations carry no condition: they are the default for every language.
    domain = {
        "version": "3.1",
        "intents": sorted(examples) + list(PAYLOAD_INTENTS) + [topic_intent(t) for t in TOPICS]
        + [language_intent(c) for c in codes],
        "entities": ["language", "also_asked"],
        "slots": {
            "language": {"type": "categorical", "values": codes, "influence_conversation": False,
                         "initial_value": SOURCE,
                         "mappings": [{"type": "from_entity", "entity": "language"}]
                         + [{"type": "from_intent", "intent": language_intent(c), "value": c}
                            for c in codes]},
        },
        "responses": responses,
        "session_config": {"session_expiration_time": 30, "carry_over_slots_to_new_session": True},
    }
    rules = [{"rule": f"answer {intent}", "steps": [{"intent": intent}, {"action": f"utter_{intent}"}]}
             for intent in answered]
    direct = {"greet": ["utter_greet"], "goodbye": ["utter_goodbye"], "thanks": ["utter_thanks"],
              "human": ["utter_human"], "privacy": ["utter_privacy"], "out_of_scope": ["utter_not_sure"],
              "nlu_fallback": ["utter_not_sure"], "emergency": ["utter_emergency"],
              "emergency_domestic": ["utter_emergency_domestic"],
              "language_menu": ["utter_language_menu"], "choose_language": ["utter_language_set"],
              "non_text_message": ["utter_text_only"]}
    direct.update({topic_intent(t): [f"utter_{topic_intent(t)}"] for t in TOPICS})
    direct.update({language_intent(c): ["utter_language_set"] for c in codes})
    for intent, actions in direct.items():
        rules.append({"rule": f"reply to {intent}",
                      "steps": [{"intent": intent}] + [{"action": a} for a in actions]})
    config = yaml.safe_load((BOT / "config.yml").read_text(encoding="utf-8"))
    by_language: dict[str, list[str]] = {code: [] for code in codes}
    for items in examples.values():
        for item in items:
            by_language[item["lang"]].append(item["text"])
    (out / "language_examples.json").write_text(json.dumps(by_language, ensure_ascii=False),
                                                encoding="utf-8")
    for component in config["pipeline"]:
        if component["name"].endswith("LanguageDetector"):
            component["languages"] = codes
            component["examples_file"] = str(out / "language_examples.json")
        if component["name"].endswith("SafetyOverrides"):
            question = component.get("domestic_question")
            if question and question not in examples:
                raise ValueError(f"bot/config.yml: SafetyOverrides domestic_question {question!r} "
                                 "is not a question in content/ (faq__<topic>__<question id>)")
            for kind in ("danger", "domestic", "family", "threat"):
                component[kind] = {lang: sorted(ts) for lang, ts in terms[kind].items()}
    _dump(out / "domain.yml", domain)
    (out / "data" / "nlu.yml").write_text(_nlu_yaml(examples), encoding="utf-8")
    _dump(out / "data" / "rules.yml", {"version": "3.1", "rules": rules})
    _dump(out / "config.yml", config)
    return {"intents": len(examples), "examples": sum(len(v) for v in examples.values()),
            "languages": codes}


def _nlu_yaml(examples: dict[str, list[dict]]) -> str:
    """Rasa's compact NLU format (a block of '- text' lines per intent), which it reads fast."""
    lines = ['version: "3.1"', "nlu:"]
    for intent, items in sorted(examples.items()):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {item['text']}" for item in items]
    return "\n".join(lines) + "\n"


def _dump(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6),
                    encoding="utf-8")
