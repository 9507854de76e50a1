"""Render each language's Markdown and MkDocs config from content and catalogs, then build the site."""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import yaml
from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, select_autoescape

from rightsinfo import catalogs, mdunits, review
from rightsinfo.content import CONTENT, PAGES, TOPICS, Page, load_all
from rightsinfo.languages import LOCALES, SOURCE, Language, all_languages
from rightsinfo.localize import LocalPage, localize
from rightsinfo.problems import ROOT, Problem
from rightsinfo.ui import UI

BUILD = ROOT / "build"
SITE_SOURCES = ROOT / "site"
QUICK_EXIT_URL = "https://www.google.com/"
# Lunr stemmers shipped with mkdocs-material; other languages (fa) search without stemming.
SEARCH_LANGS = {"ar", "nl", "fr", "es", "pt", "tr", "en"}


def site_url() -> str:
    return os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")


def bot_url() -> str:
    return os.environ.get("BOT_URL", f"http://localhost:{os.environ.get('BOT_PORT', '5005')}")


@dataclass
class Build:
    """What a site build produced and what went wrong on the way."""

    out: Path
    languages: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def fallback_marker(label: str) -> Callable[[str], str]:
    """Wrap an English fallback in a visible, labelled span."""
    tag = (f'<span class="fallback" lang="en" dir="ltr" title="{html.escape(label)}">'
           f'<abbr class="fallback__mark">EN</abbr> ')

    def mark(text: str) -> str:
        return f"{tag}{text}</span>"

    return mark


def _anchor_lines(local: LocalPage, page: Page, lang: str, ui: UI) -> str:
    """Insert share links after each question heading and sources after each answer."""
    titles = {s["id"]: s["title"] for s in page.sources}
    sources_of = {q.id: q.sources for q in page.questions}
    headings = {q.id: q.heading for q in local.questions}
    out: list[str] = []
    current: str | None = None

    def close_answer() -> None:
        if current and sources_of.get(current):
            names = "; ".join(titles[s] for s in sources_of[current])
            out.append(f'<p class="answer-sources">{html.escape(ui.text("answer_sources"))} '
                       f'{html.escape(names)}</p>\n')

    for line in local.body.splitlines(keepends=True):
        if line.startswith("## "):
            close_answer()
            current = line.rstrip().rsplit("{#", 1)[1].rstrip("}") if "{#" in line else None
        out.append(line)
        if current and line.startswith("## "):
            url = f"{site_url()}/{lang}/{page.slug}/#{current}"
            share = quote(f"{mdunits.plain(headings.get(current, ''))}\n{url}", safe="")
            out.append(
                f'\n<p class="share" markdown="0"><a class="copy-link" href="#{current}" '
                f'data-url="{html.escape(url)}" data-done="{html.escape(ui.text("link_copied"))}">'
                f'{html.escape(ui.text("copy_link"))}</a> · <a class="wa-share" '
                f'href="https://wa.me/?text={share}" rel="noreferrer noopener" target="_blank">'
                f'{html.escape(ui.text("share_whatsapp"))}</a></p>\n')
    close_answer()
    return "".join(out)


def page_markdown(page: Page, local: LocalPage, lang: Language, ui: UI, reviewed: bool,
                  today: dt.date, top: str = "") -> str:
    """The Markdown of one page in one language, with notices, share links and sources."""
    mark = fallback_marker(ui.text("fallback"))
    meta = {"title": local.title, "description": mdunits.plain(local.summary)}
    parts = ["---\n" + "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in meta.items())
             + "---\n\n", f"# {local.shown(local.title, mark)}\n\n"]
    if lang.code != SOURCE and not reviewed:
        english = f"../../{SOURCE}/{'' if page.slug == 'home' else page.slug + '/'}"
        parts.append(f'/// note | {ui.text("draft_title")}\n    attrs: {{class: draft-notice}}\n'
                     f'{ui.text("draft_text")} [{ui.text("english_page")}]({english}){{hreflang=en}}\n///\n\n')
    parts.append(f"{local.shown(local.summary, mark)}\n{{: .summary }}\n\n")
    date = format_date(page.reviewed, format="long", locale=lang.code)
    review_line = ui.text("reviewed", date=date)
    if not page.review_done:
        review_line += " " + ui.text("review_pending", role=local.shown(local.reviewer_role, mark))
    parts.append(f'<p class="review-meta">{review_line}</p>\n\n')
    if today > page.review_by:
        due = format_date(page.review_by, format="long", locale=lang.code)
        parts.append(f'/// warning | {ui.text("review_due", date=due)}\n'
                     f'    attrs: {{class: review-due}}\n///\n\n')
    parts.append(top)
    body = _anchor_lines(local, page, lang.code, ui) if page.kind == "topic" else local.body
    parts.append(body.rstrip() + "\n\n")
    if page.slug == "about":
        parts.append('--8<-- "docs/translating.md"\n\n')
    parts.append(f'## {ui.text("sources")} {{#sources}}\n\n{ui.text("sources_intro")}\n\n')
    for source in page.sources:
        title = source["title"].replace("[", "(").replace("]", ")")
        item = f"[{title}]({source['url']}){{rel=noreferrer}}" if source.get("url") else title
        parts.append(f"- {item}" + (f" ({source['note']})" if source.get("note") else "") + "\n")
    return "".join(parts)


def home_extra(locals_: dict[str, LocalPage], ui: UI) -> str:
    """The topic list of the home page, right under its summary."""
    lines = [f"## {ui.text('topics')} {{#topics}}\n\n"]
    for slug in TOPICS:
        if slug in locals_:
            lines.append(f"- **[{locals_[slug].title}]({slug}.md)**: {locals_[slug].summary}\n")
    return "".join(lines) + "\n"


def mkdocs_config(lang: Language, languages: list[Language], nav: list, ui: UI, docs: Path,
                  out: Path) -> dict:
    """The MkDocs configuration of one language, inheriting the shared mkdocs.yml."""
    plugins = [{"search": {"lang": [lang.code] if lang.code in SEARCH_LANGS else ["en"]}}]
    return {
        "site_name": "",
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "site_url": f"{site_url()}/{lang.code}/",
        "docs_dir": str(docs),
        "site_dir": str(out),
        "nav": nav,
        "theme": {"language": lang.code, "direction": lang.direction,
                  "custom_dir": str(SITE_SOURCES / "overrides")},
        "plugins": plugins,
        "extra": {
            "lang": lang.code,
            "alternate": [{"name": other.native_name, "lang": other.code, "link": f"/{other.code}/"}
                          for other in languages],
            "ui": ui.all(),
            "quick_exit_url": QUICK_EXIT_URL,
            "bot_url": bot_url(),
            "generator": False,
        },
    }


def render_language(lang: Language, languages: list[Language], pages: dict[str, Page],
                    work: Path, out: Path, today: dt.date, locales: Path = LOCALES) -> list[Problem]:
    """Write one language's Markdown and config under `work`, build it into `out`."""
    problems: list[Problem] = []
    ui_tr, _ = catalogs.load(lang.code, catalogs.UI_DOMAIN, locales)
    problems += ui_tr.problems
    ui = UI(ui_tr if lang.code != SOURCE else None)
    states, review_problems = review.load(lang.code, locales)
    problems += review_problems
    docs = work / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    (docs / "assets").mkdir(parents=True)
    for asset in (SITE_SOURCES / "assets").iterdir():
        shutil.copy(asset, docs / "assets" / asset.name)
    mark = fallback_marker(ui.text("fallback"))
    locals_: dict[str, LocalPage] = {}
    for slug, page in pages.items():
        tr, _ = catalogs.load(lang.code, slug, locales) if lang.code != SOURCE else (None, None)
        if tr is not None:
            problems += tr.problems
        locals_[slug] = localize(page, lang.code, tr, mark)
    for slug, page in pages.items():
        top = home_extra(locals_, ui) if slug == "home" else ""
        text = page_markdown(page, locals_[slug], lang, ui, states.get(slug) == "reviewed", today, top)
        name = "index.md" if slug == "home" else f"{slug}.md"
        (docs / name).write_text(text, encoding="utf-8")
    nav = [{locals_[s].title: ("index.md" if s == "home" else f"{s}.md")}
           for s in (("home",) + TOPICS + PAGES[1:]) if s in locals_]
    config = mkdocs_config(lang, languages, nav, ui, docs, out)
    config["site_name"] = locals_["home"].title if "home" in locals_ else "Rights"
    config_path = work / "mkdocs.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _mkdocs_build(config_path)
    return problems


def _mkdocs_build(config_path: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    config = load_config(str(config_path))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


def write_picker(languages: list[Language], out: Path, locales: Path = LOCALES) -> None:
    """The root page: every language by its native name, plain links, no JavaScript."""
    env = Environment(loader=FileSystemLoader(SITE_SOURCES / "templates"),
                      autoescape=select_autoescape(["html"]))
    uis = {}
    for lang in languages:
        tr, _ = (catalogs.load(lang.code, catalogs.UI_DOMAIN, locales) if lang.code != SOURCE
                 else (None, None))
        uis[lang.code] = UI(tr)
    text = env.get_template("picker.html").render(languages=languages, uis=uis,
                                                  quick_exit_url=QUICK_EXIT_URL)
    (out / "index.html").write_text(text, encoding="utf-8")


def build_site(out: Path | None = None, work: Path | None = None, only: list[str] | None = None,
               today: dt.date | None = None, content: Path = CONTENT, locales: Path = LOCALES) -> Build:
    """Build every language; a failing language or page is reported, the others still build."""
    out = out or BUILD / "site"
    work = work or BUILD / "i18n"
    today = today or dt.date.today()
    pages, problems = load_all(content)
    result = Build(out, problems=list(problems))
    languages = all_languages(locales)
    out.mkdir(parents=True, exist_ok=True)
    for lang in languages:
        if only and lang.code not in only:
            continue
        try:
            result.problems += render_language(lang, languages, pages, work / lang.code,
                                               out / lang.code, today, locales)
            result.languages.append(lang.code)
        except Exception as error:  # one language must never stop the others
            result.problems.append(Problem(f"build/i18n/{lang.code}", 0, f"language {lang.code}",
                                           f"build failed: {type(error).__name__}: {error}",
                                           "run make check for details"))
    write_picker(languages, out, locales)
    return result
