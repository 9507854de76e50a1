"""Keep catalogs in step with content: extract templates, merge, report drift and status."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from babel.messages.pofile import write_po

from rightsinfo import catalogs, review
from rightsinfo.content import Page
from rightsinfo.languages import LOCALES, translation_codes
from rightsinfo.problems import Problem, rel


def templates(pages: dict[str, Page]) -> dict[str, object]:
    """Every translation template by domain: one per content page, plus the site's texts."""
    found = {slug: catalogs.template(page) for slug, page in pages.items()}
    for domain in catalogs.CODE_DOMAINS:
        found[domain] = catalogs.code_template(domain)
    return found


def pot_path(domain: str, locales: Path = LOCALES) -> Path:
    return locales / f"{domain}.pot"


def update(pages: dict[str, Page], langs: list[str] | None = None,
           locales: Path = LOCALES) -> tuple[list[str], list[Problem]]:
    """Write the .pot templates and merge them into every language's PO files."""
    changed, problems = [], []
    domains = templates(pages)
    for domain, template in domains.items():
        if catalogs.write(template, pot_path(domain, locales)):
            changed.append(rel(pot_path(domain, locales)))
    for lang in langs or translation_codes(locales):
        for domain, template in domains.items():
            path = catalogs.po_path(lang, domain, locales)
            wrote, found = catalogs.merge(template, path, lang)
            problems += found
            if wrote:
                changed.append(rel(path))
        review.write_defaults(lang, sorted(domains), locales)
    return changed, problems


def drift(pages: dict[str, Page], locales: Path = LOCALES) -> list[Problem]:
    """Templates that no longer match content/ (someone edited English without extracting)."""
    problems = []
    for domain, template in templates(pages).items():
        path = pot_path(domain, locales)
        buffer = BytesIO()
        write_po(buffer, template, width=catalogs.WIDTH, include_previous=False, ignore_obsolete=False)
        if not path.exists() or path.read_bytes() != buffer.getvalue():
            problems.append(Problem(rel(path), 0, "template", "is out of date with content/",
                                    "run: make translations (then commit locales/)"))
    for lang in translation_codes(locales):
        for domain in templates(pages):
            if not catalogs.po_path(lang, domain, locales).exists():
                problems.append(Problem(rel(catalogs.po_path(lang, domain, locales)), 0, "catalog",
                                        "is missing", "run: make translations"))
    return problems


def status(pages: dict[str, Page], locales: Path = LOCALES) -> list[dict]:
    """One row per language and catalog: counts and review state."""
    rows = []
    for lang in translation_codes(locales):
        states, _ = review.load(lang, locales)
        for domain in templates(pages):
            _, counts = catalogs.load(lang, domain, locales)
            rows.append({"lang": lang, "domain": domain, "counts": counts,
                         "review": states.get(domain, "draft")})
    return rows


def format_status(rows: list[dict]) -> str:
    """The table printed by `make translation-status`."""
    head = f"{'lang':<5} {'catalog':<19} {'translated':>10} {'fuzzy':>6} {'untransl.':>9} {'errors':>6}  review"
    lines = [head, "-" * len(head)]
    by_lang: dict[str, list] = {}
    for row in rows:
        c = row["counts"]
        by_lang.setdefault(row["lang"], []).append(c)
        lines.append(f"{row['lang']:<5} {row['domain']:<19} {c.translated:>10} {c.fuzzy:>6} "
                     f"{c.untranslated:>9} {c.errors:>6}  {row['review']}")
    lines.append("-" * len(head))
    for lang, counts in by_lang.items():
        total = sum(c.total for c in counts) or 1
        done = sum(c.translated for c in counts)
        lines.append(f"{lang:<5} {'all':<19} {done:>10} {sum(c.fuzzy for c in counts):>6} "
                     f"{sum(c.untranslated for c in counts):>9} {sum(c.errors for c in counts):>6}  "
                     f"{100 * done / total:.0f}% translated")
    return "\n".join(lines)
