"""Meta's WhatsApp message limits and the helpers that keep text, buttons and lists inside them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

# Limits of the WhatsApp Cloud API messages endpoint (checked against Meta's reference).
TEXT_MAX = 4096  # text.body
INTERACTIVE_BODY_MAX = 1024  # interactive.body.text
MAX_REPLY_BUTTONS = 3  # interactive type "button"
BUTTON_TITLE_MAX = 20  # reply.title
BUTTON_ID_MAX = 256  # reply.id
MAX_LIST_ROWS = 10  # rows over all sections
ROW_TITLE_MAX = 24  # rows[].title
ROW_DESCRIPTION_MAX = 72  # rows[].description
ROW_ID_MAX = 200  # rows[].id
LIST_BUTTON_MAX = 20  # action.button
TWILIO_BODY_MAX = 1600  # Twilio <Message> body
ELLIPSIS = "…"
DEFAULT_LIST_BUTTON = "☰"

_URL = re.compile(r"https?://[^\s<>\"]+")
_PARAGRAPH = re.compile(r"\n[ \t\r\f\v]*\n\s*")
# Sentence ends in Latin, Arabic (؟ ۔), Devanagari (।) and CJK (。！？) scripts.
_SENTENCE = re.compile(r"(?<=[.!?;؟۔।。！？…])\s+")
_WORD = re.compile(r"\s+")
_TRAILING = ",;:-–—،؛ \t"  # punctuation that looks wrong before an ellipsis
_JOINERS = {"\u200d", "\u200c", "\ufe0e", "\ufe0f"}


def measure(text: str) -> int:
    """Length as Meta may count it: UTF-16 code units.

    Equal to the number of characters for Latin, Arabic, Farsi and every other BMP script;
    an emoji outside the BMP counts two, which keeps us under the limit whichever way
    Meta counts. Never bytes.

    Args:
        text: Any string.

    Returns:
        The conservative length of `text`.
    """
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _is_attached(char: str) -> bool:
    """True if `char` belongs to the character before it (combining mark, joiner, modifier)."""
    return (
        unicodedata.combining(char) != 0
        or unicodedata.category(char) in ("Mn", "Mc", "Me")
        or char in _JOINERS
        or 0x1F3FB <= ord(char) <= 0x1F3FF  # skin tones
        or 0xE0020 <= ord(char) <= 0xE007F  # tag characters of flag sequences
    )


def _prefix(text: str, limit: int) -> str:
    """The longest prefix of `text` within `limit` that does not split a character cluster."""
    used = end = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            break
        end = index + 1
    while 0 < end < len(text) and _is_attached(text[end]):
        end -= 1
    return text[:end]


def shorten(text: str, limit: int) -> str:
    """Fit `text` into `limit` characters, cutting at a word boundary and adding "…".

    Whitespace (including newlines) collapses to single spaces. A word is only cut in
    two when the first word alone is longer than the limit.

    Args:
        text: A title or label in any script.
        limit: The maximum length (see `measure`).

    Returns:
        `text` itself when it fits, otherwise a shortened form ending in "…".
    """
    text = " ".join(text.split())
    if measure(text) <= limit:
        return text
    budget = limit - len(ELLIPSIS)
    head = _prefix(text, budget)
    if not text[len(head):].startswith(" "):  # the cut falls inside a word
        space = head.rfind(" ")
        if space > 0:
            head = head[:space]
    head = head.rstrip(_TRAILING) or _prefix(text, budget)
    return head + ELLIPSIS


def _hard_split(text: str, limit: int) -> list[str]:
    pieces = []
    while text:
        piece = _prefix(text, limit) or text[:1]
        pieces.append(piece)
        text = text[len(piece):]
    return pieces


_LEVELS = ((_PARAGRAPH, "\n\n"), (_SENTENCE, " "), (_WORD, " "))


def _split(text: str, limit: int, level: int) -> list[str]:
    if measure(text) <= limit:
        return [text]
    if level == len(_LEVELS):
        return _hard_split(text, limit)
    pattern, joiner = _LEVELS[level]
    parts = [part.strip() for part in pattern.split(text) if part.strip()]
    if len(parts) <= 1:
        return _split(text, limit, level + 1)
    chunks: list[str] = []
    current, size = "", 0
    for part in parts:
        for piece in _split(part, limit, level + 1):
            piece_size = measure(piece)
            if current and size + len(joiner) + piece_size <= limit:
                current, size = f"{current}{joiner}{piece}", size + len(joiner) + piece_size
            else:
                if current:
                    chunks.append(current)
                current, size = piece, piece_size
    if current:
        chunks.append(current)
    return chunks


def last_url(text: str) -> str | None:
    """The last http(s) URL in `text` (the link to the full answer), if any."""
    urls = _URL.findall(text)
    return urls[-1] if urls else None


def split_text(text: str, limit: int = TEXT_MAX) -> list[str]:
    """Split `text` into messages of at most `limit` characters.

    Splits at paragraph boundaries first, then at sentence ends, then between words;
    only a single word longer than `limit` is cut. URLs contain no spaces, so every URL
    shorter than `limit`, including the last one (the link to the full answer), survives
    intact in one part.

    Args:
        text: The message text.
        limit: Maximum length of one part (see `measure`).

    Returns:
        The parts in order; empty when `text` is blank.
    """
    text = text.strip() if isinstance(text, str) else ""
    if not text:
        return []
    return [chunk for chunk in _split(text, limit, 0) if chunk]


def split_for_interactive(text: str) -> tuple[list[str], str]:
    """Split text that precedes buttons into plain messages and an interactive body.

    Args:
        text: The text of a message with buttons.

    Returns:
        (texts to send first, body of the interactive message of at most 1024 characters).
    """
    parts = split_text(text, INTERACTIVE_BODY_MAX)
    if not parts:
        return [], ELLIPSIS
    head = "\n\n".join(parts[:-1])
    return split_text(head), parts[-1]


def _buttons(buttons: Iterable[Any], id_max: int) -> list[tuple[str, str]]:
    """(id, title) of usable Rasa buttons: the id is the payload; repeats and long ids dropped."""
    seen: set[str] = set()
    usable = []
    for button in buttons if isinstance(buttons, (list, tuple)) else []:
        if not isinstance(button, dict):
            continue
        title = button.get("title")
        title = " ".join(title.split()) if isinstance(title, str) else ""
        payload = button.get("payload")
        payload = payload.strip() if isinstance(payload, str) and payload.strip() else title
        if not payload or measure(payload) > id_max or payload in seen:
            continue
        seen.add(payload)
        usable.append((payload, title or payload))
    return usable


def _unique(titles: list[str], limit: int) -> list[str]:
    """Shortened titles, numbered where shortening made two of them equal."""
    result: list[str] = []
    for title in titles:
        short = shorten(title, limit)
        number = 2
        while short in result:
            suffix = f" {number}"
            short = shorten(title, limit - len(suffix)) + suffix
            number += 1
        result.append(short)
    return result


def _titled(buttons: Iterable[Any], id_max: int, most: int,
            title_max: int) -> list[tuple[str, str, str]]:
    """(id, full title, shortened unique title) of the first `most` usable buttons."""
    usable = _buttons(buttons, id_max)[:most]
    titles = _unique([title for _, title in usable], title_max)
    return [(payload, full, title) for (payload, full), title in zip(usable, titles, strict=True)]


def reply_buttons(body: str, buttons: list[Any]) -> dict[str, Any] | None:
    """The `interactive` object of a reply-button message (at most 3 buttons).

    Args:
        body: Body text of at most 1024 characters.
        buttons: Rasa buttons ({"title", "payload"}).

    Returns:
        The interactive object, or None when no button is usable.
    """
    usable = _titled(buttons, BUTTON_ID_MAX, MAX_REPLY_BUTTONS, BUTTON_TITLE_MAX)
    if not usable:
        return None
    return {
        "type": "button",
        "body": {"text": body},
        "action": {
            "buttons": [
                {"type": "reply", "reply": {"id": payload, "title": title}}
                for payload, _, title in usable
            ]
        },
    }


def list_message(body: str, buttons: list[Any], label: str | None = None) -> dict[str, Any] | None:
    """The `interactive` object of a list message (first 10 buttons become rows).

    A row whose title had to be shortened carries the full title (up to 72 characters)
    as its description, so nothing is lost.

    Args:
        body: Body text of at most 1024 characters.
        buttons: Rasa buttons ({"title", "payload"}).
        label: Text of the button that opens the list; "☰" when not given.

    Returns:
        The interactive object, or None when no button is usable.
    """
    usable = _titled(buttons, ROW_ID_MAX, MAX_LIST_ROWS, ROW_TITLE_MAX)
    if not usable:
        return None
    rows = []
    for payload, full, title in usable:
        row = {"id": payload, "title": title}
        if title != full:
            row["description"] = shorten(full, ROW_DESCRIPTION_MAX)
        rows.append(row)
    label = shorten(label, LIST_BUTTON_MAX) if isinstance(label, str) and label.strip() else ""
    return {
        "type": "list",
        "body": {"text": body},
        "action": {"button": label or DEFAULT_LIST_BUTTON, "sections": [{"rows": rows}]},
    }
