"""Checks on one translated string: placeholders, numbers and Markdown markup must survive."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

PLACEHOLDER = re.compile(r"\{[0-9A-Za-z_]*\}")
# A run of digits, possibly with spaces, dashes or a leading + inside: 112, 0800-2000, +31 70 333 44 44.
NUMBER = re.compile(r"\+?\d(?:[\d\- ]*\d)?")
MARKUP = ("**", "`", "[", "]")


def ascii_digits(text: str) -> str:
    """Replace Arabic-Indic, Persian and other Unicode digits by ASCII digits."""
    return "".join(str(unicodedata.digit(c)) if c.isdigit() and not c.isascii() else c for c in text)


def numbers(text: str) -> Counter:
    """The numbers in a text, spaces and dashes removed, whatever digits they were written in."""
    return Counter(re.sub(r"[\s\-]", "", n) for n in NUMBER.findall(ascii_digits(text)))


def problems(source: str, translation: str, *, markdown: bool = True) -> list[str]:
    """What a translation lost or changed compared with its English source.

    Args:
        source: the English string (msgid).
        translation: the translated string (msgstr).
        markdown: also check numbers and Markdown markup (not for chat phrasings).

    Returns:
        One sentence per problem; an empty list when the translation may be published.
    """
    found = []
    want, got = Counter(PLACEHOLDER.findall(source)), Counter(PLACEHOLDER.findall(translation))
    for name in sorted(want - got):
        found.append(f"placeholder {name} is missing: copy it unchanged into the translation")
    for name in sorted(got - want):
        found.append(f"unknown placeholder {name}: the English text has only "
                     f"{', '.join(sorted(want)) or 'no placeholders'}")
    if not markdown:
        return found
    want_n = numbers(PLACEHOLDER.sub(" ", source))
    got_n = numbers(PLACEHOLDER.sub(" ", translation))
    for number in sorted(want_n - got_n):
        found.append(f"number {number} is missing or changed: keep every number and phone number exactly")
    for number in sorted(got_n - want_n):
        found.append(f"number {number} is not in the English text: numbers must not be added or changed")
    for mark in MARKUP:
        if source.count(mark) != translation.count(mark):
            found.append(f"markup {mark!r} appears {source.count(mark)} times in English but "
                         f"{translation.count(mark)} times here: keep bold, code and [link] brackets")
    if "{#" in translation or ("<" in translation and "<" not in source):
        found.append("contains an id or HTML tag: translate the text only")
    return found
