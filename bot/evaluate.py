"""`make eval`: per-language right-topic share, out-of-scope rejection and emergencies, for the bot,
a BM25 keyword baseline over the content, and Rasa's default `rasa init` pipeline; and, on the
safety set, emergencies caught and false alarms."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

import yaml

from bot.paths import BOT_BUILD, ROOT
from bot.safety_setup import configure_logging, disable_telemetry

EVAL = ROOT / "tests" / "eval" / "questions.yml"
HELD_OUT = ROOT / "tests" / "eval" / "heldout"
SHORT = ROOT / "tests" / "eval" / "short"
MIXED = ROOT / "tests" / "eval" / "mixed"
FRESH = ROOT / "tests" / "eval" / "fresh"
SAFETY = ROOT / "tests" / "eval" / "safety"
BLIND = ROOT / "tests" / "eval" / "blind"
TENTH = ROOT / "tests" / "eval" / "tenth"
ELEVENTH = ROOT / "tests" / "eval" / "eleventh"
TWELFTH = ROOT / "tests" / "eval" / "twelfth"
THIRTEENTH = ROOT / "tests" / "eval" / "thirteenth"
FOURTEENTH = ROOT / "tests" / "eval" / "fourteenth"
FIFTEENTH = ROOT / "tests" / "eval" / "fifteenth"
SIXTEENTH = ROOT / "tests" / "eval" / "sixteenth"
SEVENTEENTH = ROOT / "tests" / "eval" / "seventeenth"
EIGHTEENTH = ROOT / "tests" / "eval" / "eighteenth"
SAFETY_TENTH = ROOT / "tests" / "eval" / "safety2"
SAFETY_THIRTEENTH = ROOT / "tests" / "eval" / "safety3"
SAFETY_FOURTEENTH = ROOT / "tests" / "eval" / "safety4"
OTHER_RIGHTS = ROOT / "tests" / "eval" / "rights"
REJECTED = "rejected"
EMERGENCY = "emergency"


def load_eval(path: Path = EVAL) -> list[dict]:
    """The messages of one evaluation file, or of every .yml file in a folder."""
    files = sorted(path.glob("*.yml")) if path.is_dir() else [path]
    return [item for file in files for item in yaml.safe_load(file.read_text(encoding="utf-8"))]


def eval_sets() -> dict[str, Path]:
    """The development set, looked at while improving the bot; the held-out, short-message,
    mixed-style, fresh, blind, tenth- to fifteenth-session sets, the sixteenth set (written
    in the fifteenth session after its changes), the seventeenth (sixteenth session, scored
    before and after its changes) and the eighteenth (sixteenth session, scored on its final
    model), written separately by other authors without the training data (docs/decisions.md
    says what was changed after their first scores; the blind set's messages were never read
    while changing the bot)."""
    return {"development set": EVAL, "held-out set": HELD_OUT, "short-message set": SHORT,
            "mixed-style set": MIXED, "fresh set": FRESH, "tenth-session set": TENTH,
            "eleventh-session set": ELEVENTH, "twelfth-session set": TWELFTH,
            "thirteenth-session set": THIRTEENTH, "fourteenth-session set": FOURTEENTH,
            "fifteenth-session set": FIFTEENTH, "sixteenth set": SIXTEENTH,
            "seventeenth set": SEVENTEENTH, "eighteenth set": EIGHTEENTH, "blind set": BLIND}


def refusal_sets() -> dict[str, Path]:
    """Sets of out-of-scope messages: questions about life without papers that the content
    does not answer (asylum, permits, a bank account, detention ...), which the bot must
    refuse rather than answer with the nearest question. (The one question per language on
    buying health insurance, which the content does answer, is labelled with its topic.)"""
    return {"other-rights set": OTHER_RIGHTS}


def safety_sets() -> dict[str, Path]:
    """Emergencies told in one's own words, with near misses: the sixth session's set, the
    tenth session's, over twelve more kinds of emergency, the thirteenth session's, most
    told without the obvious words, and the fourteenth session's, half said plainly, half
    described (docs/decisions.md says what was changed after their first scores)."""
    return {"safety set": SAFETY, "tenth-session safety set": SAFETY_TENTH,
            "thirteenth-session safety set": SAFETY_THIRTEENTH,
            "fourteenth-session safety set": SAFETY_FOURTEENTH}


def topic_of(intent: str | None) -> str:
    """What a predicted intent means for the user: a topic, an emergency, or a rejection."""
    if not intent:
        return REJECTED
    if intent.startswith("faq__"):
        return intent.split("__")[1].replace("_", "-")
    if intent in ("emergency", "emergency_domestic"):
        return EMERGENCY
    return REJECTED


def right(item: dict, topic: str, intent: str | None, also: str | None = None) -> tuple[str, bool]:
    """The kind of an evaluation message ("topic", "oos" or "emergency") and whether a
    prediction got it right: a message with danger words gets the emergency numbers and
    then the answer to what else it asked (`also`), which counts."""
    if item["topic"] == "out_of_scope":
        return "oos", topic == REJECTED
    if item["topic"] == EMERGENCY:
        return "emergency", topic == EMERGENCY and (
            not item.get("domestic") or intent == "emergency_domestic")
    return "topic", topic == item["topic"] or also == item["topic"]


def counts(items: list[dict], predictions: list[tuple]) -> dict[str, dict[str, list[int]]]:
    """Per language and kind (`right`, and "language"): [right, all].

    A prediction is (topic, intent[, also answered topic[, language]]). With a language,
    also how many messages' language was recognised (undecided counts as not recognised;
    the conversation would keep its language)."""
    table: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for item, (topic, intent, *rest) in zip(items, predictions):
        row = table[item["lang"]]
        if len(rest) > 1:
            row["language"][0] += rest[1] == item["lang"]
            row["language"][1] += 1
        kind, ok = right(item, topic, intent, rest[0] if rest else None)
        row[kind][0] += ok
        row[kind][1] += 1
    return table


def score(items: list[dict], predictions: list[tuple]) -> dict[str, dict]:
    """Per language: the share of in-scope questions with the right topic, out-of-scope
    messages rejected, emergencies caught (and languages recognised), as `counts`."""
    return {lang: {k: v[0] / v[1] if v[1] else 1.0 for k, v in row.items()}
            for lang, row in counts(items, predictions).items()}


def rasa_predictions(model: Path, items: list[dict], language: bool = False) -> list[tuple]:
    """(topic, intent, also answered topic) per item, plus the detected language if asked."""
    from rasa.core.agent import Agent

    from bot import runner

    runner.install()
    agent = Agent.load(str(model))

    async def run() -> list:
        out = []
        for item in items:
            parsed = await agent.parse_message(item["text"])
            intent = (parsed.get("intent") or {}).get("name")
            entities = {e["entity"]: e["value"] for e in parsed.get("entities", [])}
            also = entities.get("also_asked")
            prediction = (topic_of(intent), intent, topic_of(also) if also else None)
            out.append(prediction + (entities.get("language"),) if language else prediction)
        return out

    return asyncio.run(run())


def bm25_predictions(items: list[dict]) -> list[tuple[str, str | None]]:
    """Keyword baseline: nearest question (heading, phrasings, opening) in any language."""
    import bm25s

    from bot.normalize import normalize

    nlu = yaml.safe_load((BOT_BUILD / "data" / "nlu.yml").read_text(encoding="utf-8"))["nlu"]
    corpus, labels, oos = [], [], []
    for block in nlu:
        for line in block["examples"].splitlines():
            text = normalize(line.removeprefix("- "))
            if block["intent"].startswith("faq__"):
                corpus.append(text)
                labels.append(block["intent"])
            elif block["intent"] == "out_of_scope":
                oos.append(text)
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(corpus, stopwords=None, show_progress=False), show_progress=False)

    def best(texts: list[str]):
        docs, scores = retriever.retrieve(bm25s.tokenize([normalize(t) for t in texts], stopwords=None,
                                                         show_progress=False), k=1, show_progress=False)
        return docs[:, 0], scores[:, 0]

    # Rejection threshold from training data only: the score that rejects 90% of the
    # out-of-scope training examples.
    _, oos_scores = best(oos)
    threshold = sorted(oos_scores)[int(len(oos_scores) * 0.9)]
    docs, scores = best([item["text"] for item in items])
    return [(topic_of(labels[d]) if s > threshold else REJECTED, labels[d]) for d, s in zip(docs, scores)]


def default_pipeline_model(epochs: int | None = None) -> Path:
    """Rasa's `rasa init` configuration trained on the same NLU data (cached by content).

    `epochs` (EVAL_DEFAULT_EPOCHS) shortens DIET's 100 epochs, which take hours on 2 cores;
    the table then names the number of epochs it used.
    """
    import hashlib
    import time

    import rasa
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.model_training import train_nlu
    from rasa.shared.data import TrainingType

    data = BOT_BUILD / "data" / "nlu.yml"
    out = BOT_BUILD / "baseline"
    out.mkdir(parents=True, exist_ok=True)
    name = "default-" + hashlib.sha256(data.read_bytes()).hexdigest()[:12] + (f"-e{epochs}" if epochs else "")
    model = out / f"{name}.tar.gz"
    if not model.exists():
        # `rasa init`'s config leaves the pipeline empty; Rasa fills in its default one.
        template = Path(rasa.__file__).parent / "cli" / "initial_project" / "config.yml"
        path = out / f"{name}.yml"
        path.write_text(template.read_text(encoding="utf-8"), encoding="utf-8")
        config = DefaultV1Recipe.auto_configure(
            str(path), yaml.safe_load(template.read_text(encoding="utf-8")), TrainingType.NLU)[0]
        if epochs:
            for component in config["pipeline"]:
                if "epochs" in component:
                    component["epochs"] = epochs
        path.write_text(yaml.safe_dump(config), encoding="utf-8")
        started = time.perf_counter()
        train_nlu(config=str(path), nlu_data=str(data), output=str(out), fixed_model_name=name,
                  domain=str(BOT_BUILD / "domain.yml"))
        print(f"rasa init pipeline trained in {time.perf_counter() - started:.0f} s", flush=True)
    return model


def score_safety(items: list[dict], predictions: list[tuple]) -> dict[str, dict[str, tuple]]:
    """Per language, (hits, total) of: emergencies answered with 112, violence at home answered
    with Veilig Thuis too, and near misses (questions that mention illness, pain, a past
    assault or an accident) wrongly answered as an emergency."""
    table: dict[str, dict] = defaultdict(lambda: {"caught": [0, 0], "domestic": [0, 0], "false alarm": [0, 0]})
    for item, (topic, intent, *_) in zip(items, predictions):
        row = table[item["lang"]]
        if item["kind"] == EMERGENCY:
            row["caught"][0] += topic == EMERGENCY
            row["caught"][1] += 1
            if item.get("domestic"):
                row["domestic"][0] += intent == "emergency_domestic"
                row["domestic"][1] += 1
        else:
            row["false alarm"][0] += topic == EMERGENCY
            row["false alarm"][1] += 1
    return {lang: {k: tuple(v) for k, v in row.items()} for lang, row in table.items()}


def format_safety(results: dict[str, dict[str, dict[str, tuple]]]) -> str:
    lines = [f"{'system':<18} {'lang':<5} {'112 given':>10} {'Veilig Thuis':>13} {'false alarms':>13}"]
    for system, table in results.items():
        for lang in sorted(table) + ["all"]:
            rows = list(table.values()) if lang == "all" else [table[lang]]
            cells = [f"{sum(r[k][0] for r in rows)}/{sum(r[k][1] for r in rows)}"
                     for k in ("caught", "domestic", "false alarm")]
            lines.append(f"{system:<18} {lang:<5} {cells[0]:>10} {cells[1]:>13} {cells[2]:>13}")
        lines.append("")
    return "\n".join(lines)


def format_table(results: dict[str, dict[str, dict]]) -> str:
    langs = sorted({lang for r in results.values() for lang in r})
    kinds = ("topic", "oos", "emergency", "language")
    lines = [f"{'system':<18} {'lang':<5} {'right topic':>11} {'oos rejected':>13} {'emergency':>10} "
             f"{'language':>9}"]
    for system, table in results.items():
        for lang in langs + ["all"]:
            rows = [table[x] for x in langs] if lang == "all" else [table[lang]]
            cells = []
            for kind in kinds:
                values = [row[kind] for row in rows if kind in row]
                cells.append(f"{sum(values) / len(values):.0%}" if values else "-")
            lines.append(f"{system:<18} {lang:<5} {cells[0]:>11} {cells[1]:>13} {cells[2]:>10} "
                         f"{cells[3]:>9}")
        lines.append("")
    return "\n".join(lines)


def evaluate(items: list[dict], model: Path, default_model: Path | None,
             default_label: str) -> dict[str, dict]:
    results = {"bot": score(items, rasa_predictions(model, items, language=True)),
               "bm25 baseline": score(items, bm25_predictions(items))}
    if default_model is not None:
        results[default_label] = score(items, rasa_predictions(default_model, items))
    return results


def main() -> int:
    disable_telemetry()
    configure_logging()
    from bot.train import train

    model, _ = train()
    default_model, label = None, ""
    if os.environ.get("EVAL_SKIP_DEFAULT") != "1":
        epochs = int(os.environ.get("EVAL_DEFAULT_EPOCHS") or 0) or None
        label = f"rasa init ({epochs} ep)" if epochs else "rasa init"
        default_model = default_pipeline_model(epochs)
    everything = {}
    for name, path in {**eval_sets(), **refusal_sets()}.items():
        items = load_eval(path)
        results = everything[name] = evaluate(items, model, default_model, label)
        print(f"{name}: {path.relative_to(ROOT)}, {len(items)} messages")
        print(format_table(results))
        failed = [lang for lang, row in results["bot"].items()
                  if row.get("topic", 1) < 0.9 or row.get("oos", 1) < 0.9 or row.get("emergency", 1) < 1.0]
        if failed:
            print(f"below target (90% topic, 90% out of scope, 100% emergency): {', '.join(failed)}\n")
    for name, path in safety_sets().items():
        items = load_eval(path)
        safety = {"bot": score_safety(items, rasa_predictions(model, items))}
        if default_model is not None:
            safety[label] = score_safety(items, rasa_predictions(default_model, items))
        print(f"{name} (emergencies described in one's own words, and near misses): "
              f"{path.relative_to(ROOT)}, {len(items)} messages")
        print(format_safety(safety))
        everything[name] = safety
    (BOT_BUILD / "eval.json").write_text(json.dumps(everything, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
