"""The front matter schema of content files, declared once, with examples for errors."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_ASKED = 8


@dataclass(frozen=True)
class Field:
    """One front matter field: its type, whether it is required, and a valid example."""

    kind: type
    example: str
    required: bool = True
    fields: dict[str, Field] = field(default_factory=dict)  # for dicts with fixed keys
    items: Field | None = None  # for lists, and for the values of free-keyed dicts
    min_items: int = 0
    pattern: re.Pattern | None = None


SOURCE = Field(dict, "- {id: dvdw-help, title: 'Dokters van de Wereld: FAQ', url: https://...}",
               fields={
                   "id": Field(str, "id: dvdw-help", pattern=SLUG),
                   "title": Field(str, "title: 'Dokters van de Wereld: FAQ, hulp nodig'"),
                   "url": Field(str, "url: https://www.doktersvandewereld.org/faq/hulp-nodig/",
                                required=False, pattern=re.compile(r"^https://\S+$")),
                   "note": Field(str, "note: checked March 2026", required=False),
               })

QUESTION = Field(dict, "see-a-gp: {sources: [dvdw-help], asked: [can i see doctor no papers, ...]}",
                 fields={
                     "sources": Field(list, "sources: [dvdw-help]", min_items=1,
                                      items=Field(str, "dvdw-help", pattern=SLUG)),
                     "asked": Field(list, "asked: [can i see doctor no papers, huisarts without insurance?]",
                                    min_items=MIN_ASKED, items=Field(str, "can i see a doctor no papers")),
                 })

PAGE = {
    "title": Field(str, "title: Medical care without papers"),
    "summary": Field(str, "summary: You have the right to medically necessary care."),
    "reviewed": Field(dict, "reviewed: {date: 2026-11-23, role: NGO legal adviser, done: false}",
                      fields={
                          "date": Field(dt.date, "date: 2026-11-23"),
                          "role": Field(str, "role: NGO legal adviser"),
                          "done": Field(bool, "done: false"),
                      }),
    "review_by": Field(dt.date, "review_by: 2027-05-23"),
    "sources": Field(list, "sources: [{id: dvdw-help, title: 'Dokters van de Wereld: FAQ'}]",
                     min_items=1, items=SOURCE),
}
TOPIC = {**PAGE, "questions": Field(dict, "questions: {see-a-gp: {sources: [...], asked: [...]}}",
                                    items=QUESTION)}

TYPE_NAMES = {str: "text", dict: "a mapping", list: "a list", dt.date: "a date (YYYY-MM-DD)",
              bool: "true or false"}


def line_map(text: str) -> dict[tuple, int]:
    """Map each key path of a YAML document to its 1-based line, for error messages."""
    lines: dict[tuple, int] = {}

    def walk(node: Any, path: tuple) -> None:
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, (*path, key.value))
                lines[(*path, key.value)] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*path, index))

    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return lines
    if root is not None:
        walk(root, ())
    return lines


def dotted(path: tuple) -> str:
    """Render a key path as `questions.see-a-gp.asked[2]`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validate(data: Any, schema: dict[str, Field]) -> list[tuple[tuple, str, str]]:
    """Check front matter against a schema.

    Returns:
        (key path, message, example) for every problem, in document order.
    """
    problems: list[tuple[tuple, str, str]] = []

    def check(value: Any, spec: Field, path: tuple) -> None:
        kind_ok = isinstance(value, spec.kind) and not (spec.kind is dt.date and isinstance(value, dt.datetime))
        if spec.kind is str and isinstance(value, str) and not value.strip():
            problems.append((path, "is empty", spec.example))
            return
        if not kind_ok:
            got = type(value).__name__ if value is not None else "nothing"
            problems.append((path, f"must be {TYPE_NAMES[spec.kind]}, got {got}", spec.example))
            return
        if spec.pattern and not spec.pattern.match(value):
            problems.append((path, f"{value!r} has the wrong form", spec.example))
        if spec.kind is list:
            if len(value) < spec.min_items:
                problems.append((path, f"needs at least {spec.min_items} items, has {len(value)}",
                                 spec.example))
            for index, item in enumerate(value):
                check(item, spec.items, (*path, index))
        elif spec.kind is dict and spec.fields:
            check_mapping(value, spec.fields, path)
        elif spec.kind is dict and spec.items:
            for key, item in value.items():
                if not isinstance(key, str) or not SLUG.match(key):
                    problems.append(((*path, key), "is not a lowercase slug id", "see-a-gp"))
                check(item, spec.items, (*path, key))

    def check_mapping(value: dict, fields: dict[str, Field], path: tuple) -> None:
        for name, spec in fields.items():
            if name not in value:
                if spec.required:
                    problems.append(((*path, name), "is missing", spec.example))
            else:
                check(value[name], spec, (*path, name))
        for name in value:
            if name not in fields:
                allowed = ", ".join(fields)
                problems.append(((*path, name), f"is not a known field (known: {allowed})",
                                 next(iter(fields.values())).example))

    if not isinstance(data, dict):
        problems.append(((), "front matter must be a YAML mapping", PAGE["title"].example))
    else:
        check_mapping(data, schema, ())
    return problems
