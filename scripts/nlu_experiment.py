"""Fast NLU experiments: the bot's normaliser, tokeniser and n-gram classifier trained on the
generated data (build/bot/data/nlu.yml, `make bot-data`) without Rasa's training graph, then
scored on every evaluation set with the FallbackClassifier's threshold. No danger phrases,
no policies: a proxy for `make eval`'s right-topic and out-of-scope figures, in about two
and a half minutes per variant instead of fifteen.

    .venv/bin/python scripts/nlu_experiment.py [key=value ...]

key=value: a classifier setting, threshold=, dump=<file> for the probabilities, misses=1 to
print what each set but the blind one got wrong.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from unittest import mock

import yaml
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from bot.components.classifier import NgramIntentClassifier
from bot.evaluate import REJECTED, counts, eval_sets, load_eval, refusal_sets, right, topic_of
from bot.normalize import normalize
from bot.paths import BOT_BUILD


def messages(texts: list[str], tokenizer: WhitespaceTokenizer) -> list[Message]:
    out = [Message(data={TEXT: normalize(t)}) for t in texts]
    tokenizer.process(out)
    return out


def main(argv: list[str]) -> int:
    config = yaml.safe_load((BOT_BUILD / "config.yml").read_text(encoding="utf-8"))
    pipeline = {c["name"]: c for c in config["pipeline"]}
    own = {k: v for k, v in pipeline["bot.components.classifier.NgramIntentClassifier"].items() if k != "name"}
    threshold = pipeline["FallbackClassifier"]["threshold"]
    for arg in argv:
        key, value = arg.split("=", 1)
        own[key] = yaml.safe_load(value)
    threshold = float(own.pop("threshold", threshold))
    out = own.pop("dump", None)  # a file for the probabilities of every evaluation message
    show = own.pop("misses", False)  # print the misses of every set but the blind one
    tokenizer = WhitespaceTokenizer({**WhitespaceTokenizer.get_default_config()})
    data = load_data(str(BOT_BUILD / "data" / "nlu.yml"))
    for example in data.training_examples:
        example.set(TEXT, normalize(example.get(TEXT)))
    tokenizer.process_training_data(data)
    classifier = NgramIntentClassifier(own, mock.Mock(), mock.Mock())
    classifier.store = lambda model: None  # nothing written
    started = time.perf_counter()
    classifier.train(data)
    print(f"config {own} threshold {threshold}: trained in {time.perf_counter() - started:.0f} s")
    totals = defaultdict(lambda: [0, 0])
    dump = {"classes": list(map(str, classifier.pipeline.classes_)), "sets": {}}
    for name, path in {**eval_sets(), **refusal_sets()}.items():
        items = load_eval(path)
        parsed = classifier.process(messages([i["text"] for i in items], tokenizer))
        if out:
            texts = [classifier._text(m) for m in messages([i["text"] for i in items], tokenizer)]
            dump["sets"][name] = (items, *classifier.probabilities(texts))
        predictions = []
        for item, message in zip(items, parsed):
            intent = message.get("intent")
            got = topic_of(intent["name"]) if intent["confidence"] >= threshold else REJECTED
            predictions.append((got, intent["name"]))
            if show and name != "blind set" and not right(item, got, intent["name"])[1]:
                print(f"    miss {name} {item['lang']} want {item['topic']} got {got} ({intent['name']}): {item['text']}")
        table = counts(items, predictions)
        cells = []
        for kind in ("topic", "oos", "emergency"):
            hit = sum(t[kind][0] for t in table.values())
            total = sum(t[kind][1] for t in table.values())
            worst = sorted((t[kind][0] / t[kind][1], lang) for lang, t in table.items() if t[kind][1])[:2]
            cells.append(f"{kind} {hit}/{total} (" + ", ".join(f"{lang} {share:.0%}" for share, lang in worst) + ")")
            totals[(name == "blind set", kind)][0] += hit
            totals[(name == "blind set", kind)][1] += total
        print(f"  {name:<18} " + "  ".join(cells))
    print("  visible: " + "  ".join(f"{k} {v[0]}/{v[1]}" for (b, k), v in totals.items() if not b))
    print("  blind:   " + "  ".join(f"{k} {v[0]}/{v[1]}" for (b, k), v in totals.items() if b))
    if out:
        import joblib
        joblib.dump(dump, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
