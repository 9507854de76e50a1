"""The site's own texts (not content), marked with _() for Babel's extractor and translated via ui.po."""

from __future__ import annotations


def _(text: str) -> str:
    """Mark a string for extraction; the lookup happens in UI.text()."""
    return text


STRINGS = {
    # Translators: shown under the page title; {date} is a date such as "23 November 2026".
    "reviewed": _("Last reviewed on {date}."),
    # Translators: {role} is who reviews the page, for example "NGO legal adviser".
    "review_pending": _("Not yet checked by: {role}."),
    # Translators: {date} is the date the page should have been reviewed by.
    "review_due": _("Due for review: this page should have been checked again by {date}. "
                    "Some information may be out of date."),
    "draft_title": _("Draft translation"),
    "draft_text": _("This translation has not yet been checked by a native speaker. "
                    "If something is unclear, read the English page."),
    "english_page": _("English page"),
    # Translators: short label next to a text that is shown in English because it is not translated.
    "fallback": _("not yet translated"),
    "sources": _("Sources"),
    "sources_intro": _("This page is based on these public sources:"),
    "answer_sources": _("Sources for this answer:"),
    "copy_link": _("Copy link"),
    "link_copied": _("Link copied"),
    "share_whatsapp": _("Share on WhatsApp"),
    # Translators: a button that leaves this site at once, for readers on a shared phone.
    "quick_exit": _("Quick exit"),
    "quick_exit_hint": _("Leave this site now"),
    "topics": _("Topics"),
    "home": _("Home"),
    "choose_language": _("Choose your language"),
    "not_legal_advice": _("This is general information, not legal advice. An organisation "
                          "can help you with your own situation."),
    "open_chat": _("Ask a question"),
    "chat_title": _("Ask a question"),
    "chat_placeholder": _("Type your question"),
    "chat_send": _("Send"),
    "chat_close": _("Close"),
    "chat_privacy": _("Anonymous: do not type your name, address or phone number."),
    "chat_error": _("The chat is not available right now. Please try again later."),
}


class UI:
    """Site texts in one language, English when a string has no checked translation."""

    def __init__(self, translations=None):
        self.translations = translations

    def text(self, key: str, **values: str) -> str:
        english = STRINGS[key]
        translated = self.translations.get(english) if self.translations else None
        return (translated or english).format(**values)

    def all(self) -> dict[str, str]:
        """The texts without placeholders, for the theme templates (extra.ui)."""
        return {key: self.text(key) for key, english in STRINGS.items() if "{" not in english}
