"""Check proposed training data before it goes into bot/data/ (needs `make bot-data` first).

    .venv/bin/python scripts/vet_new_data.py phrases <file.yml>
    .venv/bin/python scripts/vet_new_data.py examples <file.yml>
    .venv/bin/python scripts/vet_new_data.py together <file.yml>

<file.yml> maps a language code to a list of texts (for `together`: group name -> `all:`,
two or more such mappings, as under `together:` in bot/data/emergency_terms.yml).

phrases: for each proposed danger phrase, the training examples of other intents and the
non-emergency evaluation messages it would match, as SafetyOverrides matches it (calm phrases
taken out first; a one-word Latin-script phrase only in messages of its own language). A
phrase that matches any of them reads an ordinary question as an emergency.
examples: for each proposed training message, the evaluation message most like it (TF-IDF
cosine over character 2-4-grams); above 0.45 it is too close to keep, or the evaluation
set would measure a copy of its training data.
together: for each proposed group, the training examples and non-emergency evaluation
messages that every one of its lists matches.

Blind-set messages are counted, never printed: nobody changing the bot reads them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from bot.components.safety import Lexicon, calm_pattern, without_calm
from bot.evaluate import EMERGENCY, eval_sets, load_eval, refusal_sets, safety_sets
from bot.normalize import normalize
from bot.paths import BOT_BUILD

TOO_CLOSE = 0.45


def evaluation_messages() -> list[tuple[str, dict]]:
    """(set name, item) for every evaluation message of every set."""
    return [(name, item) for name, path in {**eval_sets(), **safety_sets(), **refusal_sets()}.items()
            for item in load_eval(path)]


def _shown(name: str, text: str) -> str:
    return "[a blind-set message]" if name == "blind set" else f"{name}: {text}"


def ordinary_messages() -> tuple[list[tuple[str, str]], list[tuple[str, dict, str]]]:
    """(language, text) of every training example but the emergency intents' own, and (set
    name, item, text) of every non-emergency evaluation message; texts normalised and less
    their calm phrases, as SafetyOverrides searches them."""
    # Every training example by language (as `make bot-data` wrote them for the language
    # detector), less the emergency intents' own (nlu.yml).
    nlu = yaml.safe_load((BOT_BUILD / "data" / "nlu.yml").read_text(encoding="utf-8"))
    emergencies = {normalize(line[2:]) for block in nlu["nlu"] if block["intent"].startswith(EMERGENCY)
                   for line in block["examples"].splitlines() if line.startswith("- ")}
    by_language = json.loads((BOT_BUILD / "language_examples.json").read_text(encoding="utf-8"))
    config = yaml.safe_load((BOT_BUILD / "config.yml").read_text(encoding="utf-8"))
    safety = next(c for c in config["pipeline"] if c["name"].endswith("SafetyOverrides"))
    calm_phrases = calm_pattern(safety.get("calm") or {})
    training = [(lang, without_calm(calm_phrases, text)) for lang, texts in by_language.items()
                for text in map(normalize, texts) if text not in emergencies]
    ordinary = [(name, item, without_calm(calm_phrases, normalize(item["text"])))
                for name, item in evaluation_messages()
                if EMERGENCY not in (item.get("topic"), item.get("kind"))]
    return training, ordinary


def phrases(proposed: dict[str, list[str]]) -> int:
    training, ordinary = ordinary_messages()
    codes = sorted({lang for lang, _ in training})
    flagged = 0
    for lang, terms in proposed.items():
        for term in terms:
            # every language known, so a one-word term is looked for in its own language only
            lexicon = Lexicon({**{code: [] for code in codes}, lang: [term]})
            found = [text for text_lang, text in training if lexicon.search(text, text_lang)]
            found += [_shown(name, item["text"]) for name, item, text in ordinary
                      if lexicon.search(text, item["lang"])]
            if found:
                flagged += 1
                print(f"{lang} {term!r}: {len(found)} match(es), e.g. {found[0][:120]}")
    print(f"{flagged} phrase(s) match a training question or a non-emergency evaluation message")
    return 1 if flagged else 0


def together(proposed: dict[str, dict]) -> int:
    training, ordinary = ordinary_messages()
    flagged = 0
    for name, group in proposed.items():
        lexicons = [Lexicon(terms) for terms in group["all"]]
        found = [text for lang, text in training if all(x.search(text, lang) for x in lexicons)]
        found += [_shown(set_name, item["text"]) for set_name, item, text in ordinary
                  if all(x.search(text, item["lang"]) for x in lexicons)]
        flagged += len(found)
        for text in found:
            print(f"{name}: {text[:140]}")
    print(f"{flagged} training question(s) or non-emergency evaluation message(s) matched")
    return 1 if flagged else 0


def examples(proposed: dict[str, list[str]]) -> int:
    messages = evaluation_messages()
    texts = [normalize(item["text"]) for _, item in messages]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit(texts)
    known = vectorizer.transform(texts)
    close = 0
    for lang, items in proposed.items():
        similarity = cosine_similarity(vectorizer.transform([normalize(t) for t in items]), known)
        for text, row in zip(items, similarity):
            best = int(row.argmax())
            if row[best] > TOO_CLOSE:
                close += 1
                name, item = messages[best]
                print(f"{lang} {row[best]:.2f} {text[:80]!r} ~ {_shown(name, item['text'])[:100]}")
    print(f"{close} message(s) too close (cosine > {TOO_CLOSE}) to an evaluation message")
    return 1 if close else 0


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("phrases", "examples", "together"):
        print(__doc__)
        return 2
    proposed = yaml.safe_load(Path(argv[1]).read_text(encoding="utf-8"))
    if not isinstance(proposed, dict):
        raise SystemExit(f"{argv[1]}: expected a mapping of language code to a list of texts")
    return {"phrases": phrases, "examples": examples, "together": together}[argv[0]](proposed)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
