"""Responses with the site's address filled in when they are sent, so one model serves any SITE_URL."""

from __future__ import annotations

import os
from typing import Any

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker


def site_url() -> str:
    return os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")


class SiteUrlNLG(TemplatedNaturalLanguageGenerator):
    """Rasa's response generator, with `{site_url}` in responses replaced by $SITE_URL."""

    def __init__(self, endpoint_config: Any = None, domain: Domain | None = None) -> None:
        super().__init__((domain or Domain.empty()).responses)
        self.site_url = site_url()

    async def generate(self, utter_action: str, tracker: DialogueStateTracker, output_channel: str,
                       **kwargs: Any) -> dict[str, Any] | None:
        kwargs.setdefault("site_url", self.site_url)
        return await super().generate(utter_action, tracker, output_channel, **kwargs)
