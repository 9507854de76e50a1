"""Where the generated Rasa project and trained models live (all under build/)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT_BUILD = Path(os.environ.get("BOT_BUILD", ROOT / "build" / "bot"))
MODELS = BOT_BUILD / "models"
