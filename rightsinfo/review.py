"""Native-speaker review status per language and catalog, kept in locales/<lang>/review.yml."""

from __future__ import annotations

from pathlib import Path

import yaml

from rightsinfo.languages import LOCALES, SOURCE
from rightsinfo.problems import Problem, rel

HEADER = """\
# Native-speaker review of this language. Each catalog is "draft" until a native speaker
# has checked the whole catalog; then change its word to "reviewed". Readers see a
# "draft translation" notice on every page whose catalog is still a draft.
"""
STATES = ("draft", "reviewed")


def path_for(lang: str, locales: Path = LOCALES) -> Path:
    return locales / lang / "review.yml"


def load(lang: str, locales: Path = LOCALES) -> tuple[dict[str, str], list[Problem]]:
    """Review state per catalog; a missing file or entry means draft."""
    if lang == SOURCE:
        return {}, []
    path = path_for(lang, locales)
    if not path.exists():
        return {}, []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        return {}, [Problem(rel(path), 0, "review.yml", f"is not valid YAML: {error}",
                            "write one line per catalog, like: medical-care: draft")]
    problems = [Problem(rel(path), 0, str(domain), f"{state!r} is not a review state",
                        "write draft or reviewed, like: medical-care: reviewed")
                for domain, state in data.items() if state not in STATES]
    return {str(k): v for k, v in data.items() if v in STATES}, problems


def is_reviewed(lang: str, domain: str, locales: Path = LOCALES) -> bool:
    return lang == SOURCE or load(lang, locales)[0].get(domain) == "reviewed"


def write_defaults(lang: str, domains: list[str], locales: Path = LOCALES) -> None:
    """Add every catalog as draft to a language's review.yml, keeping existing states."""
    states, _ = load(lang, locales)
    lines = [HEADER] + [f"{d}: {states.get(d, 'draft')}\n" for d in domains]
    path = path_for(lang, locales)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(lines), encoding="utf-8")
