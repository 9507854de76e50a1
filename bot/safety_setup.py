"""Process-wide privacy settings for the bot: telemetry off in code, logs without personal data."""

from __future__ import annotations

import logging
import os
import re

PHONE = re.compile(r"\+?\d[\d\s\-()]{6,}\d")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
NOISY = ("rasa", "sanic", "sanic.root", "sanic.error", "sanic.access", "engineio", "socketio",
         "apscheduler", "tensorflow", "absl", "aiohttp", "urllib3", "asyncio", "matplotlib")


def disable_telemetry() -> None:
    """Switch Rasa telemetry off in code, so no environment or ~/.config file can turn it on.

    Rasa would otherwise write ~/.config/rasa/global.yml with telemetry enabled on first use.
    """
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    import rasa.telemetry as telemetry

    telemetry.is_telemetry_enabled = lambda: False
    telemetry.initialize_telemetry = lambda: False
    telemetry._is_telemetry_enabled_in_configuration = lambda: False


class RedactingFilter(logging.Filter):
    """Last line of defence: blank out phone numbers and e-mail addresses in any log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = EMAIL.sub("[email]", PHONE.sub("[number]", message))
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def configure_logging(level: str | None = None) -> None:
    """WARNING for Rasa and the web server (their DEBUG and INFO lines contain message text)."""
    import warnings

    # Import-time deprecation noise from Rasa's dependencies, and a notice about a Rasa 2
    # feature this project does not use, would hide the lines that matter.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message="Slot auto-fill has been removed")
    level = (level or os.environ.get("BOT_LOG_LEVEL") or "WARNING").upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in NOISY:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())
    os.environ["LOG_LEVEL"] = logging.getLevelName(max(logging.WARNING, logging.getLevelName(level)))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # Rasa's structured logs print every message text at DEBUG; unconfigured, structlog
    # prints at every level (Rasa's own CLI configures it, our launcher must do it too).
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(max(logging.WARNING, logging.getLevelName(level)))
