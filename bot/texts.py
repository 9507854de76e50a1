"""The bot's own replies (not content), marked with _() for Babel and translated via bot.po."""

from __future__ import annotations


def _(text: str) -> str:
    """Mark a string for extraction; the build looks up translations per language."""
    return text


TEXTS = {
    # Translators: first reply to a greeting. Keep it short: it is read on a phone.
    "welcome": _("Hello. I answer questions about your rights in the Netherlands without papers: "
                 "health care, reporting a crime, registering a birth, school and shelter. "
                 "Choose a topic or type your question."),
    "privacy_line": _("You stay anonymous: I do not ask your name and I do not save this chat."),
    # Translators: {url} is a link to the organisations page.
    "not_sure": _("Sorry, I am not sure I understood, and I do not want to guess. Choose a topic "
                  "below, or ask an organisation that helps people without papers: {url}"),
    # Translators: reply to a photo, voice note, location or other non-text message.
    "text_only": _("I can only read text messages. Please type your question, or choose a topic."),
    # Translators: the start of every emergency reply. Keep the number 112.
    "emergency": _("If you are in danger now, call 112 (free, also without papers). "
                   "Say where you are."),
    # Translators: added for violence at home. Keep 0800-2000.
    "emergency_domestic": _("Violence at home: Veilig Thuis, 0800-2000 (free, day and night, you "
                            "can stay anonymous)."),
    # Translators: {url} is a link to the emergency numbers page.
    "emergency_more": _("More emergency numbers: {url}"),
    # Translators: {url} is a link to the organisations page.
    "human": _("I am an automatic assistant. These organisations help people without papers "
               "in person: {url}"),
    # Translators: {url} is a link to the privacy page.
    "privacy": _("I do not save your name, number or messages. The conversation is forgotten after "
                 "30 minutes. More: {url}"),
    "goodbye": _("Take care. You can come back any time."),
    "thanks": _("You are welcome. Do you have another question?"),
    "choose_topic": _("Choose a topic:"),
    # Translators: {topic} is a topic name such as "Medical care".
    "choose_question": _("{topic}: choose a question."),
    "choose_language": _("Choose your language:"),
    # Translators: confirms that the user chose YOUR language: name your language, not English.
    "language_set": _("OK, from now on I will answer in English."),
    # Translators: button that opens the language menu.
    "language_button": _("Language"),
    # Translators: shown before the link to the full answer.
    "read_more": _("Read more:"),
}
