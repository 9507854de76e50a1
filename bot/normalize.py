"""Text normalisation shared by training and chat: Unicode, Arabic/Persian letters, diacritics, case."""

from __future__ import annotations

import re
import unicodedata

# Arabic and Persian keyboards produce different code points for the same letters; people
# also drop hamza forms and the zero-width non-joiner. Map everything to one form.
LETTERS = str.maketrans({
    "ي": "ی", "ى": "ی", "ئ": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه",
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ؤ": "و",
    "ـ": None,  # tatweel
    "\u200c": "", "\u200d": "", "\u200e": "", "\u200f": "",  # ZWNJ, ZWJ, direction marks
    # Turkish dotless i and other letters without a decomposition
    "ı": "i", "ø": "o", "ß": "ss", "ł": "l",
})
SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Normalise a message for matching.

    Unicode NFKC; Arabic and Persian letter variants unified (ي/ی, ك/ک, hamza forms, tatweel,
    zero-width non-joiners); all diacritics removed (Arabic harakat and Latin accents, so
    "médico" = "medico" and Turkish "kayıt" = "kayit"); Turkish-aware lowercasing (İ -> i,
    I -> i after folding ı); Eastern Arabic and Persian digits to ASCII; spaces collapsed.
    """
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("İ", "i").lower().translate(LETTERS)
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c))
    text = "".join(str(unicodedata.digit(c)) if c.isdigit() and not c.isascii() else c for c in text)
    return SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
