"""Problems found in content or catalogs, reported with file, line, field and a fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    Attributes:
        path: the file, relative to the project root when possible.
        line: 1-based line in that file, or 0 when the whole file is concerned.
        field: the front matter field, PO entry or link concerned.
        message: what is wrong.
        fix: how to fix it, with a valid example where one helps.
        severity: "error" stops `make check`; both kinds are always printed.
    """

    path: str
    line: int
    field: str
    message: str
    fix: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.field}: {self.message}"
        if self.fix:
            text += f"\n    fix: {self.fix}"
        return text


def rel(path: Path | str) -> str:
    """Return `path` relative to the project root when it lies inside it."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)
