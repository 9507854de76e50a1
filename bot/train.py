"""Generate the Rasa project from content and locales, and train a model only when it changed."""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path

from bot.paths import BOT_BUILD, MODELS
from bot.safety_setup import configure_logging, disable_telemetry


def fingerprint(project: Path) -> str:
    """Hash of everything that determines the model: generated data, config, component code."""
    digest = hashlib.sha256()
    files = [project / "domain.yml", project / "config.yml", project / "language_examples.json",
             *sorted((project / "data").glob("*.yml"))]
    files += sorted((Path(__file__).parent / "components").glob("*.py"))
    files.append(Path(__file__).parent / "normalize.py")
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def model_for(project: Path = BOT_BUILD) -> Path:
    return MODELS / f"rights-{fingerprint(project)}.tar.gz"


def train(project: Path = BOT_BUILD, force: bool = False) -> tuple[Path, float | None]:
    """Return (model path, seconds spent training or None when the model was up to date)."""
    from rightsinfo.botdata import generate

    generate(project)
    target = model_for(project)
    if target.exists() and not force:
        return target, None
    disable_telemetry()
    os.environ.setdefault("RASA_CACHE_DIRECTORY", str(project / "cache"))
    from rasa.model_training import train as rasa_train

    started = time.perf_counter()
    result = rasa_train(domain=str(project / "domain.yml"), config=str(project / "config.yml"),
                        training_files=[str(project / "data")], output=str(MODELS),
                        fixed_model_name=target.name[: -len(".tar.gz")], force_training=True)
    seconds = time.perf_counter() - started
    if result.code != 0 or not target.exists():
        raise SystemExit(f"training failed (code {result.code})")
    for old in MODELS.glob("rights-*.tar.gz"):
        if old != target:
            old.unlink()
    return target, seconds


def main() -> int:
    configure_logging()
    model, seconds = train(force="--force" in sys.argv)
    print(f"bot: model {model.name} " + (f"trained in {seconds:.0f} s" if seconds else "up to date"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
