"""Generate the Rasa project (domain, NLU data, rules, config) from content/ and locales/."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from rightsinfo import catalogs, mdunits
from rightsinfo.content import CONTENT, TOPICS, load_all
from rightsinfo.languages import LOCALES, SOURCE, Language, all_languages
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


@dataclass
class _Project:
    """What generate() collects over all languages: responses, NLU examples per intent, and
    the question intents, each answered by its own rule."""

    responses: dict[str, list] = field(default_factory=dict)
    examples: dict[str, list[dict]] = field(default_factory=dict)
    answered: list[str] = field(default_factory=list)

    def add_examples(self, intent: str, lang: str, texts: list[str]) -> None:
        bucket = self.examples.setdefault(intent, [])
        seen = {e["text"] for e in bucket}
        for text in texts:
            # Brackets would read as Rasa entity annotations; line breaks end an example.
            text = " ".join(text.replace("[", " ").replace("]", " ").split())
            if text and text not in seen and not text.startswith("/"):
                seen.add(text)
                bucket.append({"text": text, "lang": lang})

    def add_response(self, name: str, variation: dict) -> None:
        self.responses.setdefault(name, []).append(variation)

    def add_questions(self, code: str, locals_: dict[str, LocalPage], texts: BotTexts) -> None:
        """Per topic page: an answer, examples and a rule per question, and the topic's menu."""
        for slug in TOPICS:
            if slug not in locals_:
                continue
            local = locals_[slug]
            buttons = []
            for question in local.questions:
                intent = intent_of(slug, question.id)
                url = f"{SITE}/{code}/{slug}/#{question.id}"
                answer = _answer(question.opening, url, texts)
                self.add_response(f"utter_{intent}", _variation(answer, code))
                self.add_examples(intent, code, [mdunits.plain(question.heading), *question.asked,
                                                 *sentences(mdunits.plain(question.opening))])
                if intent not in self.answered:
                    self.answered.append(intent)
                buttons.append({"title": mdunits.plain(question.heading), "payload": f"/{intent}"})
            self.add_response(f"utter_{topic_intent(slug)}", _variation(
                texts("choose_question", topic=mdunits.plain(local.title)), code, buttons))

    def add_replies(self, code: str, locals_: dict[str, LocalPage], texts: BotTexts,
                    languages: list[Language]) -> None:
        """The bot's own replies in one language: welcome, not sure, emergency, people, ..."""
        def page_url(page: str) -> str:
            return f"{SITE}/{code}/{page}/"

        menu = [{"title": mdunits.plain(locals_[t].title), "payload": f"/{topic_intent(t)}"}
                for t in TOPICS if t in locals_]
        menu.append({"title": texts("language_button"), "payload": "/language_menu"})
        summary = {p: mdunits.plain(locals_[p].summary)
                   for p in ("privacy", "organisations") if p in locals_}
        people = texts("human", url=page_url("organisations"))
        people = f"{people}\n\n{summary.get('organisations', '')}"
        privacy = f"{summary.get('privacy', '')}\n\n{texts('privacy', url=page_url('privacy'))}"
        language_buttons = [{"title": other.native_name,
                             "payload": f"/{language_intent(other.code)}"} for other in languages]
        emergency_more = texts("emergency_more", url=page_url("emergency"))
        replies = {
            "utter_greet": (f"{texts('welcome')}\n\n{texts('privacy_line')}", menu),
            "utter_not_sure": (texts("not_sure", url=page_url("organisations")), menu),
            "utter_text_only": (texts("text_only"), menu),
            "utter_emergency": (f"{texts('emergency')}\n\n{emergency_more}", None),
            "utter_emergency_domestic": (f"{texts('emergency')}\n{texts('emergency_domestic')}\n\n"
                                         f"{emergency_more}", None),
            "utter_human": (people.strip(), None),
            "utter_privacy": (privacy.strip(), None),
            "utter_goodbye": (texts("goodbye"), None),
            "utter_thanks": (texts("thanks"), None),
            "utter_language_menu": (texts("choose_language"), language_buttons),
            "utter_language_set": (texts("language_set"), menu),
        }
        for name, (text, buttons) in replies.items():
            self.add_response(name, _variation(text, code, buttons))


# More training examples per question (question intent -> language -> messages): stories
# that say who someone is and what happened before they ask (content phrasings are short),
# and Arabic and Farsi typed in Latin letters.
EXAMPLE_FILES = ("stories.yml", "latin_script.yml")


def _extra_examples(path: Path, questions: list[str],
                    codes: list[str]) -> list[tuple[str, str, list[str]]]:
    """The training examples of one of `EXAMPLE_FILES` (bot/data/<file>: question intent ->
    language -> messages). An intent or language the content does not have is an error, not a
    silently unused list."""
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    name = path.relative_to(BOT.parent)
    out = []
    for intent, by_language in data.items():
        if intent not in questions:
            raise ValueError(f"{name}: {intent}: no such question in content/ "
                             f"(expected faq__<topic>__<question id>)")
        for code, texts in (by_language or {}).items():
            if code not in codes:
                raise ValueError(f"{name}: {intent}.{code}: not one of the "
                                 f"languages {', '.join(codes)}")
            if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                raise ValueError(f"{name}: {intent}.{code}: must be a list of messages "
                                 f"(- \"...\" on each line)")
            out.append((intent, code, texts))
    return out


def _translations(code: str, domain: str, locales: Path) -> catalogs.Translations | None:
    return catalogs.load(code, domain, locales)[0] if code != SOURCE else None


def generate(out: Path = OUT, content: Path = CONTENT, locales: Path = LOCALES) -> dict:
    """Write domain.yml, data/nlu.yml, data/rules.yml and config.yml; return a summary."""
    (out / "data").mkdir(parents=True, exist_ok=True)
    pages, _ = load_all(content)
    languages = all_languages(locales)
    codes = [lang.code for lang in languages]
    own = yaml.safe_load((BOT / "data" / "intents.yml").read_text(encoding="utf-8"))
    project = _Project()
    for lang in languages:
        code = lang.code
        texts = BotTexts(_translations(code, catalogs.BOT_DOMAIN, locales))
        locals_ = {slug: localize(page, code, _translations(code, slug, locales))
                   for slug, page in pages.items()}
        project.add_questions(code, locals_, texts)
        project.add_replies(code, locals_, texts, languages)
        for intent in OWN_INTENTS:
            project.add_examples(intent, code, (own.get(intent) or {}).get(code, []))
    for file in EXAMPLE_FILES:
        for intent, code, texts in _extra_examples(BOT / "data" / file, project.answered, codes):
            project.add_examples(intent, code, texts)
    _dump(out / "domain.yml", _domain(project, codes))
    (out / "data" / "nlu.yml").write_text(_nlu_yaml(project.examples), encoding="utf-8")
    _dump(out / "data" / "rules.yml", {"version": "3.1", "rules": _rules(project.answered, codes)})
    _dump(out / "config.yml", _config(project.examples, codes, out))
    return {"intents": len(project.examples),
            "examples": sum(len(v) for v in project.examples.values()), "languages": codes}


def _domain(project: _Project, codes: list[str]) -> dict:
    # English variations carry no condition: they are the default for every language.
    return {
        "version": "3.1",
        "intents": sorted(project.examples) + list(PAYLOAD_INTENTS)
        + [topic_intent(t) for t in TOPICS] + [language_intent(c) for c in codes],
        "entities": ["language", "also_asked"],
        "slots": {
            "language": {"type": "categorical", "values": codes, "influence_conversation": False,
                         "initial_value": SOURCE,
                         "mappings": [{"type": "from_entity", "entity": "language"}]
                         + [{"type": "from_intent", "intent": language_intent(c), "value": c}
                            for c in codes]},
        },
        "responses": project.responses,
        "session_config": {"session_expiration_time": 30, "carry_over_slots_to_new_session": True},
    }


def _rules(answered: list[str], codes: list[str]) -> list[dict]:
    """One-step rules: each question its answer, every other intent its reply."""
    rules = [{"rule": f"answer {intent}",
              "steps": [{"intent": intent}, {"action": f"utter_{intent}"}]} for intent in answered]
    direct = {"greet": ["utter_greet"], "goodbye": ["utter_goodbye"], "thanks": ["utter_thanks"],
              "human": ["utter_human"], "privacy": ["utter_privacy"],
              "out_of_scope": ["utter_not_sure"],
              "nlu_fallback": ["utter_not_sure"], "emergency": ["utter_emergency"],
              "emergency_domestic": ["utter_emergency_domestic"],
              "language_menu": ["utter_language_menu"], "choose_language": ["utter_language_set"],
              "non_text_message": ["utter_text_only"]}
    direct.update({topic_intent(t): [f"utter_{topic_intent(t)}"] for t in TOPICS})
    direct.update({language_intent(c): ["utter_language_set"] for c in codes})
    for intent, actions in direct.items():
        rules.append({"rule": f"reply to {intent}",
                      "steps": [{"intent": intent}] + [{"action": a} for a in actions]})
    return rules


def _config(examples: dict[str, list[dict]], codes: list[str], out: Path) -> dict:
    """bot/config.yml with the language list, the language examples (written next to it) and
    the emergency phrases filled in; refuses a domestic question that is not in the content."""
    config = yaml.safe_load((BOT / "config.yml").read_text(encoding="utf-8"))
    terms = yaml.safe_load((BOT / "data" / "emergency_terms.yml").read_text(encoding="utf-8"))
    by_language: dict[str, list[str]] = {code: [] for code in codes}
    for items in examples.values():
        for item in items:
            by_language[item["lang"]].append(item["text"])
    (out / "language_examples.json").write_text(json.dumps(by_language, ensure_ascii=False),
                                                encoding="utf-8")
    fallback = next((c for c in config["pipeline"] if c["name"] == "FallbackClassifier"), {})
    for component in config["pipeline"]:
        if component["name"].endswith("LanguageDetector"):
            component["languages"] = codes
            component["examples_file"] = str(out / "language_examples.json")
        if component["name"].endswith("SafetyOverrides"):
            for key in ("domestic_question", "self_harm_question"):
                question = component.get(key)
                if question and question not in examples:
                    raise ValueError(f"bot/config.yml: SafetyOverrides {key} {question!r} is not "
                                     "a question in content/ (faq__<topic>__<question id>)")
            if "threshold" in fallback:  # for the long messages it answers as questions
                component["fallback_threshold"] = fallback["threshold"]
            for kind in ("danger", "domestic", "self_harm", "family", "threat", "device", "broken",
                         "harm", "calm"):
                component[kind] = {lang: sorted(ts) for lang, ts in terms[kind].items()}
            component["together"] = _together(terms.get("together") or {}, codes)
    return config


def _together(groups: dict, codes: list[str]) -> dict:
    """The `together` groups of emergency_terms.yml, checked: each needs at least two lists
    (`all`), each list phrases only for the site's languages."""
    where = "bot/data/emergency_terms.yml: together"
    checked = {}
    for name, group in groups.items():
        lists = group.get("all") if isinstance(group, dict) else None
        if not isinstance(lists, list) or len(lists) < 2:
            raise ValueError(f"{where}.{name}: needs `all:` with at least two lists of phrases "
                             "(one alone is a danger phrase: put it under `danger:`)")
        for i, terms in enumerate(lists, 1):
            unknown = sorted(set(terms or {}) - set(codes)) if isinstance(terms, dict) else None
            if unknown is None or unknown:
                raise ValueError(f"{where}.{name}, list {i}: expected language code -> phrases "
                                 f"for {', '.join(codes)}; got {unknown or terms!r}")
        checked[name] = {"all": [{lang: sorted(ts) for lang, ts in terms.items()} for terms in lists],
                         "self_harm": bool(group.get("self_harm"))}
    return checked


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
