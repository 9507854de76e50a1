"""The site's languages: derived from the folders in locales/ and described by Babel."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel import Locale

from rightsinfo.problems import ROOT

SOURCE = "en"
LOCALES = ROOT / "locales"


@dataclass(frozen=True)
class Language:
    """A language of the site, with what Babel's locale data says about it."""

    code: str
    native_name: str
    direction: str

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"


def describe(code: str) -> Language:
    """Describe a language code with its native name and text direction from Babel."""
    locale = Locale.parse(code)
    name = locale.get_display_name(code) or code
    return Language(code, name[:1].upper() + name[1:], locale.text_direction)


def translation_codes(locales: Path = LOCALES) -> list[str]:
    """Codes of the languages that have catalogs: `locales/<code>/LC_MESSAGES/`."""
    return sorted(p.parent.name for p in locales.glob("*/LC_MESSAGES") if p.is_dir())


def all_languages(locales: Path = LOCALES) -> list[Language]:
    """English (the source) first, then every translated language in code order."""
    return [describe(code) for code in [SOURCE, *translation_codes(locales)]]
