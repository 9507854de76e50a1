"""PO catalogs: extract templates from content, merge them into each language, load translations."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import PoFileError, read_po, write_po
from translate.storage import pypo
from translate.storage.poparser import PoParseError

from rightsinfo import checks, mdunits
from rightsinfo.content import Page
from rightsinfo.languages import LOCALES
from rightsinfo.problems import ROOT, Problem, rel

PROJECT = "rights-info"
UI_DOMAIN = "ui"
BOT_DOMAIN = "bot"
# Catalogs of texts written in code rather than content: domain -> Python file with _() calls.
CODE_DOMAINS = {UI_DOMAIN: ROOT / "rightsinfo" / "ui.py", BOT_DOMAIN: ROOT / "bot" / "texts.py"}
# A fixed creation date: re-extraction must not change files whose strings did not change.
CREATED = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
WIDTH = 79

ASKED_COMMENT = ("A way people ask this question on WhatsApp. Write how people in your language "
                 "would really type it, not word for word. You may add more ways, one per line.")


def asked_context(question_id: str) -> str:
    return f"asked:{question_id}"


def template(page: Page) -> Catalog:
    """The translation template of one content page."""
    catalog = Catalog(project=PROJECT, creation_date=CREATED, fuzzy=False)
    where = rel(page.path)
    catalog.add(page.title, locations=[(where, page.line_of("title"))], context="title",
                auto_comments=["Page title"])
    catalog.add(page.summary, locations=[(where, page.line_of("summary"))], context="summary",
                auto_comments=["One-paragraph summary under the title"])
    catalog.add(page.reviewer_role, locations=[(where, page.line_of("reviewed", "role"))],
                context="reviewer role", auto_comments=["Who reviews this page (a role)"])
    for unit in mdunits.extract(page.body):
        comments = [f"Question heading (id {unit.heading_id})"] if unit.heading_id else []
        location = (where, page.body_line + unit.line - 1)
        existing = catalog.get(unit.text)
        if existing is not None:
            existing.locations.append(location)
        else:
            catalog.add(unit.text, locations=[location], auto_comments=comments)
    for question in page.questions:
        for index, asked in enumerate(question.asked):
            catalog.add(asked.strip(), context=asked_context(question.id),
                        locations=[(where, page.line_of("questions", question.id, "asked", index))],
                        auto_comments=[ASKED_COMMENT] if index == 0 else [])
    _no_printf_flags(catalog)
    return catalog


def _no_printf_flags(catalog: Catalog) -> None:
    """Content is not C/Python code: "80% of" is not a format string (Babel guesses it is,
    and msgfmt -c and Weblate would then reject every correct translation)."""
    for message in catalog:
        message.flags.discard("python-format")


def code_template(domain: str) -> Catalog:
    """The template of texts written in code (site texts, bot replies), extracted by Babel."""
    source = CODE_DOMAINS[domain]
    catalog = Catalog(project=PROJECT, creation_date=CREATED, fuzzy=False)
    for lineno, message, comments, context in extract_from_file(
            "python", str(source), keywords={"_": None}, comment_tags=("Translators:",)):
        catalog.add(message, locations=[(rel(source), lineno)], auto_comments=comments,
                    context=context)
    return catalog


def write(catalog: Catalog, path: Path) -> bool:
    """Write a catalog wrapped at 79 columns; return True when the file changed."""
    buffer = BytesIO()
    write_po(buffer, catalog, width=WIDTH, include_previous=False, ignore_obsolete=False)
    data = buffer.getvalue()
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def po_path(lang: str, domain: str, locales: Path = LOCALES) -> Path:
    return locales / lang / "LC_MESSAGES" / f"{domain}.po"


def merge(template_catalog: Catalog, path: Path, lang: str) -> tuple[bool, list[Problem]]:
    """Merge a template into a language's catalog: changed strings become fuzzy, removed ones obsolete."""
    if path.exists():
        try:
            catalog = read(path, lang)
        except (PoFileError, ValueError) as error:
            return False, [Problem(rel(path), _line_of(error), "PO syntax", str(error),
                                   "fix the file by hand (the line is given), then run make translations")]
    else:
        catalog = Catalog(locale=lang, project=PROJECT, creation_date=CREATED, fuzzy=False)
    catalog.update(template_catalog, no_fuzzy_matching=False, update_creation_date=True)
    if path.stem not in CODE_DOMAINS:
        _no_printf_flags(catalog)
    return write(catalog, path), []


def _line_of(error: Exception) -> int:
    match = re.search(r"line (\d+)", str(error))
    return int(match.group(1)) if match else getattr(error, "lineno", 0) or 0


def read(path: Path, lang: str) -> Catalog:
    """Read a PO file strictly: translate-toolkit's parser rejects what Babel's lenient one accepts.

    Raises:
        PoFileError: with the line of the first syntax error.
    """
    data = path.read_bytes()
    try:
        pypo.pofile(BytesIO(data))
    except PoParseError as error:
        raise PoFileError(str(error), None, "", _line_of(error)) from error
    return read_po(BytesIO(data), locale=lang, abort_invalid=True)


@dataclass
class Translations:
    """The publishable translations of one catalog: checked, neither fuzzy nor empty."""

    lang: str
    domain: str
    entries: dict[tuple[str | None, str], str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def get(self, msgid: str, context: str | None = None) -> str | None:
        """The translation, or None when the English text must be shown instead."""
        return self.entries.get((context, msgid))

    def asked(self, question_id: str, english: list[str]) -> list[str]:
        """Translated phrasings of a question; a translator may put several on separate lines."""
        out: list[str] = []
        for phrase in english:
            text = self.get(phrase.strip(), asked_context(question_id))
            if text:
                out += [line.strip() for line in text.splitlines() if line.strip()]
        return out


@dataclass
class Counts:
    """Per catalog: translated, fuzzy and untranslated entries, and entries with errors."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    errors: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated


def load(lang: str, domain: str, locales: Path = LOCALES) -> tuple[Translations, Counts]:
    """Load one catalog. A broken file or string is reported and falls back to English."""
    path = po_path(lang, domain, locales)
    result, counts = Translations(lang, domain), Counts()
    if not path.exists():
        return result, counts
    try:
        catalog = read(path, lang)
    except (PoFileError, ValueError) as error:
        result.problems.append(Problem(rel(path), _line_of(error), "PO syntax", f"{error}",
                                       "fix the line in Poedit or a text editor; until then this "
                                       "catalog is shown in English"))
        counts.errors = 1
        return result, counts
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            counts.fuzzy += 1
            continue
        if not message.string:
            counts.untranslated += 1
            continue
        context = message.context
        is_asked = bool(context and context.startswith("asked:"))
        found = checks.problems(message.id, message.string, markdown=not is_asked)
        if found:
            counts.errors += 1
            counts.untranslated += 1
            label = f"msgctxt {context!r} " if context else ""
            for text in found:
                result.problems.append(Problem(
                    rel(path), message.lineno or 0, f"{label}msgid {_short(message.id)!r}", text,
                    "until it is fixed the English text is shown", severity="warning"))
            continue
        counts.translated += 1
        result.entries[(context, message.id)] = message.string
    return result, counts


def _short(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
