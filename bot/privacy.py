"""Pseudonymous sender ids: a keyed hash with a secret that lives only in memory and rotates."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time

DEFAULT_ROTATION_SECONDS = 24 * 3600


class SenderHasher:
    """Replace a sender (phone number, web session id) by an HMAC-SHA256 under a rotating key.

    The key is random, held only in this process's memory, and replaced every
    `rotation_seconds`: after a rotation nobody, including this service, can link a new
    conversation to an old one. The hash of one sender is stable within a rotation period,
    so a conversation keeps its state across messages.
    """

    def __init__(self, rotation_seconds: float | None = None, clock=time.monotonic):
        env = os.environ.get("BOT_KEY_ROTATION_SECONDS")
        self.rotation_seconds = float(rotation_seconds or env or DEFAULT_ROTATION_SECONDS)
        self._clock = clock
        self._lock = threading.Lock()
        self._key = secrets.token_bytes(32)
        self._since = clock()

    def _current_key(self) -> bytes:
        with self._lock:
            if self._clock() - self._since >= self.rotation_seconds:
                self._key = secrets.token_bytes(32)
                self._since = self._clock()
            return self._key

    def hash(self, sender: str, purpose: str = "sender") -> str:
        """A hex pseudonym of `sender`; `purpose` separates uses (sender ids, message ids)."""
        digest = hmac.new(self._current_key(), f"{purpose}\x00{sender}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]


_default: SenderHasher | None = None


def default_hasher() -> SenderHasher:
    """The process-wide hasher shared by every channel."""
    global _default
    if _default is None:
        _default = SenderHasher()
    return _default
