"""Markdown as translation units: extraction and translation via translate-toolkit, structure via mistletoe."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from mistletoe import block_token, span_token
from mistletoe.markdown_renderer import MarkdownRenderer
from translate.storage.markdown import MarkdownFile

HEADING_ID = re.compile(r"\s*\{#([^}\s]*)\}\s*$")


@dataclass(frozen=True)
class Unit:
    """A translatable string of a Markdown body and the body line it starts on (1-based)."""

    text: str
    line: int
    heading_id: str | None = None


@dataclass(frozen=True)
class Section:
    """A `##` heading of a body and its first paragraph, as Markdown."""

    heading: str
    heading_id: str | None
    line: int
    opening: str


def split_heading_id(text: str) -> tuple[str, str | None]:
    """Split `Question? {#id}` into (`Question?`, `id`); the id never reaches translators."""
    match = HEADING_ID.search(text)
    if not match:
        return text, None
    return text[: match.start()], match.group(1)


def _units_of(body: str) -> list:
    store = MarkdownFile(inputfile=io.BytesIO(body.encode("utf-8")))
    return [u for u in store.units if not u.isheader()]


def translatable(text: str) -> bool:
    """Text without letters (a number, a phone number) is the same in every language."""
    return any(c.isalpha() for c in text)


def extract(body: str) -> list[Unit]:
    """Translation units of a Markdown body: paragraphs, list items, headings, table cells."""
    units = []
    for unit in _units_of(body):
        text, heading_id = split_heading_id(unit.source)
        if not translatable(text):
            continue
        line = int(unit.getlocations()[0].rsplit(":", 1)[1]) if unit.getlocations() else 0
        units.append(Unit(text, line, heading_id))
    return units


def translate(body: str, lookup: Callable[[str], str]) -> str:
    """Rebuild a Markdown body with every unit replaced by `lookup(unit text)`.

    Heading ids and link targets are kept from the source whatever `lookup` returns.
    """

    def callback(source: str) -> str:
        if not source:
            return source
        text, heading_id = split_heading_id(source)
        result = lookup(text) if translatable(text) else text
        return f"{result} {{#{heading_id}}}" if heading_id is not None else result

    store = MarkdownFile(inputfile=io.BytesIO(body.encode("utf-8")), callback=callback)
    return store.filesrc


def _document(body: str) -> block_token.Document:
    with MarkdownRenderer():
        return block_token.Document(body)


def _render(token) -> str:
    with MarkdownRenderer(max_line_length=None) as renderer:
        return renderer.render(token).strip()


def sections(body: str) -> list[Section]:
    """The `##` sections of a body, each with its opening paragraph as Markdown."""
    found: list[Section] = []
    current: dict | None = None
    for token in _document(body).children:
        if isinstance(token, block_token.Heading) and token.level == 2:
            if current:
                found.append(Section(**current))
            heading, heading_id = split_heading_id(plain(token))
            current = {"heading": heading, "heading_id": heading_id, "line": token.line_number,
                       "opening": ""}
        elif current and not current["opening"] and isinstance(token, block_token.Paragraph):
            paragraph = block_token.Document("")
            paragraph.children = [token]
            current["opening"] = _render(paragraph)
    if current:
        found.append(Section(**current))
    return found


def _walk(token) -> Iterator:
    yield token
    for child in getattr(token, "children", None) or []:
        yield from _walk(child)


def links(body: str) -> list[tuple[str, int]]:
    """Every link target in a body with the line of the block that holds it."""
    found = []
    for block in _document(body).children:
        line = getattr(block, "line_number", 0)
        for token in _walk(block):
            if isinstance(token, span_token.Link | span_token.AutoLink):
                found.append((token.target, line))
    return found


def plain(token_or_markdown) -> str:
    """Plain text of a token or a Markdown string: link texts kept, targets and markup dropped."""
    token = _document(token_or_markdown) if isinstance(token_or_markdown, str) else token_or_markdown
    parts: list[str] = []

    def visit(node) -> None:
        if isinstance(node, span_token.RawText | span_token.InlineCode):
            parts.append(node.content if isinstance(node, span_token.RawText) else node.children[0].content)
        elif isinstance(node, span_token.LineBreak):
            parts.append(" ")
        elif isinstance(node, span_token.HtmlSpan):
            return
        elif isinstance(node, block_token.BlockToken) and parts and not isinstance(node, block_token.Document):
            parts.append("\n\n")
            for child in node.children or []:
                visit(child)
            return
        else:
            for child in getattr(node, "children", None) or []:
                visit(child)

    visit(token)
    return re.sub(r"[ \t]+", " ", "".join(parts)).strip()
