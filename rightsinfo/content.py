"""Load and validate content/: topic pages, other pages and the contacts allow-list."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from rightsinfo import mdunits, schema
from rightsinfo.problems import ROOT, Problem, rel

CONTENT = ROOT / "content"
# Order of the site's navigation. A content file not named here is reported by `make check`.
TOPICS = ("medical-care", "reporting-crime", "birth-registration", "school", "shelter")
PAGES = ("home", "emergency", "organisations", "privacy", "about")
MAX_OPENING = 600
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)


@dataclass
class Question:
    """A question of a topic page: heading, source line, ways people ask it, sources."""

    id: str
    heading: str
    line: int
    opening: str
    asked: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


@dataclass
class Page:
    """A content file: validated front matter plus its Markdown body."""

    slug: str
    kind: str  # "topic" or "page"
    path: Path
    meta: dict
    body: str
    body_line: int  # file line of the body's first line
    lines: dict[tuple, int]  # front matter key path -> file line
    questions: list[Question] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.meta["title"]

    @property
    def summary(self) -> str:
        return self.meta["summary"].strip()

    @property
    def reviewed(self) -> dt.date:
        return self.meta["reviewed"]["date"]

    @property
    def review_by(self) -> dt.date:
        return self.meta["review_by"]

    @property
    def reviewer_role(self) -> str:
        return self.meta["reviewed"]["role"]

    @property
    def review_done(self) -> bool:
        return self.meta["reviewed"]["done"]

    @property
    def sources(self) -> list[dict]:
        return self.meta["sources"]

    def line_of(self, *path) -> int:
        return self.lines.get(tuple(path), 1)


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Return (front matter, body, file line where the body starts) or None."""
    match = FRONT_MATTER.match(text)
    if not match:
        return None
    return match.group(1), text[match.end():], match.group(0).count("\n") + 1


def load_page(path: Path, kind: str) -> tuple[Page | None, list[Problem]]:
    """Read and validate one content file; the page is None when it cannot be used at all."""
    where = rel(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem(where, 0, "file", f"cannot be read: {error}", "save it as UTF-8")]
    parts = split_front_matter(text)
    if parts is None:
        return None, [Problem(where, 1, "front matter", "missing: the file must start with '---'",
                              "---\ntitle: Medical care\n...\n---")]
    front, body, body_line = parts
    try:
        meta = yaml.safe_load(front)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        return None, [Problem(where, line, "front matter", f"is not valid YAML: {error}",
                              "indent with spaces; quote text that contains ': '")]
    lines = {key: line + 1 for key, line in schema.line_map(front).items()}
    spec = schema.TOPIC if kind == "topic" else schema.PAGE
    found = [Problem(where, lines.get(key, 1), schema.dotted(key) or "front matter", message,
                     f"write it like: {example}")
             for key, message, example in schema.validate(meta, spec)]
    if found:
        return None, found
    page = Page(path.stem, kind, path, meta, body, body_line, lines)
    found += _check_body(page)
    return page, found


def _check_body(page: Page) -> list[Problem]:
    where = rel(page.path)
    problems: list[Problem] = []
    source_ids = [s["id"] for s in page.sources]
    for sid in {s for s in source_ids if source_ids.count(s) > 1}:
        problems.append(Problem(where, page.line_of("sources"), "sources", f"id {sid!r} is used twice",
                                "give every source its own id"))
    if page.kind != "topic":
        return problems
    declared = page.meta["questions"]
    seen: set[str] = set()
    for section in mdunits.sections(page.body):
        line = page.body_line + section.line - 1
        if section.heading_id is None:
            problems.append(Problem(where, line, "question heading", f"{section.heading!r} has no id",
                                    f"## {section.heading} {{#a-short-english-slug}}"))
            continue
        qid = section.heading_id
        if qid in seen:
            problems.append(Problem(where, line, f"question {qid}", "duplicate question id",
                                    "give each question heading its own {#id}"))
            continue
        seen.add(qid)
        if qid not in declared:
            problems.append(Problem(where, line, f"questions.{qid}", "heading has no front matter entry",
                                    f"questions:\n  {qid}:\n    sources: [...]\n    asked: [...]"))
            continue
        opening = mdunits.plain(section.opening)
        if not opening:
            problems.append(Problem(where, line, f"question {qid}", "has no opening paragraph",
                                    "start the answer with a paragraph that answers on its own"))
        elif len(opening) > MAX_OPENING:
            problems.append(Problem(where, line, f"question {qid}",
                                    f"opening paragraph has {len(opening)} characters (max {MAX_OPENING})",
                                    "shorten it: the bot sends exactly this paragraph"))
        entry = declared[qid]
        for sid in entry["sources"]:
            if sid not in source_ids:
                problems.append(Problem(where, page.line_of("questions", qid, "sources"),
                                        f"questions.{qid}.sources", f"unknown source id {sid!r}",
                                        f"use one of: {', '.join(source_ids)}"))
        page.questions.append(Question(qid, section.heading.strip(), line, section.opening,
                                       list(entry["asked"]), list(entry["sources"])))
    for qid in declared:
        if qid not in seen:
            problems.append(Problem(where, page.line_of("questions", qid), f"questions.{qid}",
                                    "has no '## ... {#" + qid + "}' heading in the body",
                                    "add the heading or remove the entry"))
    return problems


def check_links(pages: dict[str, Page]) -> list[Problem]:
    """Internal links must name an existing page (`emergency.md`) and, if any, a question id."""
    problems = []
    anchors = {slug: {q.id for q in page.questions} for slug, page in pages.items()}
    for page in pages.values():
        for target, line in mdunits.links(page.body):
            parts = urlsplit(target)
            if parts.scheme in ("https", "http", "mailto", "tel"):
                continue
            where, fline = rel(page.path), page.body_line + line - 1
            name, _, anchor = target.partition("#")
            slug = Path(name).stem if name else page.slug
            if name and (not name.endswith(".md") or slug not in pages):
                problems.append(Problem(where, fline, f"link {target}", "points at no page",
                                        f"link to one of: {', '.join(sorted(p + '.md' for p in pages))}"))
            elif anchor and anchor not in anchors[slug]:
                problems.append(Problem(where, fline, f"link {target}", f"{slug} has no question {anchor!r}",
                                        f"use one of: {', '.join(sorted(anchors[slug])) or 'no anchor'}"))
    return problems


def load_all(content: Path = CONTENT) -> tuple[dict[str, Page], list[Problem]]:
    """Load every content file; pages that cannot be used are left out and reported."""
    pages: dict[str, Page] = {}
    problems: list[Problem] = []
    files = [(p, "topic") for p in sorted(content.glob("*.md"))]
    files += [(p, "page") for p in sorted((content / "pages").glob("*.md"))]
    order = {slug: i for i, slug in enumerate(TOPICS + PAGES)}
    for path, kind in sorted(files, key=lambda f: order.get(f[0].stem, len(order))):
        known = TOPICS if kind == "topic" else PAGES
        if path.stem not in known:
            problems.append(Problem(rel(path), 0, "file name", f"{path.stem!r} is not a known {kind}",
                                    f"name it one of {', '.join(known)} or add it in rightsinfo/content.py"))
            continue
        page, found = load_page(path, kind)
        problems += found
        if page is not None:
            pages[page.slug] = page
    for slug in TOPICS + PAGES:
        if slug not in pages and not any(p.path.endswith(f"{slug}.md") for p in problems):
            problems.append(Problem(rel(content), 0, slug, "content file is missing",
                                    f"create {slug}.md (see docs/content-format.md)", severity="warning"))
    problems += check_links(pages)
    return pages, problems


def load_contacts(path: Path = CONTENT / "contacts.yml") -> list[dict]:
    """The allow-list of published contact details, each with its source."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))
