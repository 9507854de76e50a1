"""A content page in one language: translated strings, English fallbacks, per-question answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rightsinfo import catalogs, mdunits
from rightsinfo.content import Page
from rightsinfo.languages import SOURCE


@dataclass
class LocalQuestion:
    """A question in one language: heading, opening paragraph (Markdown) and phrasings."""

    id: str
    heading: str
    opening: str
    asked: list[str]
    translated: bool


@dataclass
class LocalPage:
    """A page in one language; `fallbacks` counts strings shown in English."""

    slug: str
    lang: str
    title: str
    summary: str
    reviewer_role: str
    body: str
    questions: list[LocalQuestion] = field(default_factory=list)
    fallbacks: int = 0
    missing: set[str] = field(default_factory=set)

    def shown(self, text: str, mark: Callable[[str], str]) -> str:
        """`text` as displayed: marked when it is an English fallback."""
        return mark(text) if text in self.missing else text


def localize(page: Page, lang: str, translations: catalogs.Translations | None,
             mark: Callable[[str], str] | None = None) -> LocalPage:
    """Translate a page; strings without a checked translation stay English, wrapped by `mark`
    in the page's body (not in its questions) when given."""
    missing: set[str] = set()

    def lookup(text: str, context: str | None = None) -> str:
        found = translations.get(text, context) if translations and lang != SOURCE else None
        if found is not None:
            return found
        if lang != SOURCE:
            missing.add(text)
            return mark(text) if mark else text
        return text

    def field_(text: str, context: str) -> str:
        found = translations.get(text, context) if translations and lang != SOURCE else None
        if found is None and lang != SOURCE:
            missing.add(text)
        return found or text

    body = mdunits.translate(page.body, lookup)
    local = LocalPage(page.slug, lang, field_(page.title, "title"), field_(page.summary, "summary"),
                      field_(page.reviewer_role, "reviewer role"), body)
    # Questions for the bot and share links: English fallbacks without the site's marker.
    unmarked = (body if lang == SOURCE or mark is None
                else mdunits.translate(page.body, lambda t: field_(t, None)))
    by_id = {s.heading_id: s for s in mdunits.sections(unmarked)}
    for question in page.questions:
        section = by_id[question.id]
        asked = (list(question.asked) if lang == SOURCE or translations is None
                 else translations.asked(question.id, question.asked))
        translated = lang == SOURCE or question.heading not in missing
        local.questions.append(LocalQuestion(question.id, section.heading.strip(), section.opening,
                                             asked, translated))
    local.fallbacks = len(missing)
    local.missing = missing
    return local
