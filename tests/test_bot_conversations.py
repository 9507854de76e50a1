"""Conversations with the real bot (model trained from content/ and locales/), by user goal and language."""

from __future__ import annotations

import re
import uuid

import pytest

pytestmark = pytest.mark.bot
DEEP_LINK = re.compile(r"/(en|nl|ar|fa|fr|es|pt|tr)/([a-z-]+)/#([a-z0-9-]+)")


def _new_sender() -> str:
    return uuid.uuid4().hex


def _text(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def _link(replies: list[dict]) -> tuple[str, str, str] | None:
    match = DEEP_LINK.search(_text(replies))
    return match.groups() if match else None


@pytest.mark.parametrize("lang,question,topic", [
    ("en", "i have no papers and no insurance, can i still see a doctor?", "medical-care"),
    ("nl", "mag mijn zoontje naar school als we geen verblijfsvergunning hebben", "school"),
    ("ar", "ليس لدي أوراق إقامة، هل يمكنني الذهاب إلى طبيب؟", "medical-care"),
    ("fa", "بچه‌ام دیروز به دنیا اومد، چطوری باید ثبتش کنم؟ مدارک ندارم", "birth-registration"),
    ("fr", "je dors dehors ce soir, il y a un foyer pour les sans papiers ?", "shelter"),
    ("es", "mi jefe no me paga hace 3 meses, puedo ir a la policia sin papeles?", "reporting-crime"),
    ("tr", "kagitsiz cocugum okula gidebilir mi", "school"),
    # Farsi and Arabic typed in Latin letters ("Finglish", "Arabizi")
    ("fa", "bedune kaghaz mishe beram doktor? bime ham nadaram", "medical-care"),
    ("ar", "ana ma 3andi awra2, momken rou7 3al doctor?", "medical-care"),
])
def test_first_question_is_answered_in_its_language_with_a_deep_link(bot, lang, question, topic):
    replies = bot.ask(question, sender=_new_sender())
    link = _link(replies)
    assert link is not None, replies
    assert link[0] == lang and link[1] == topic, replies
    assert f"{bot.site_url}/{lang}/{topic}/#{link[2]}" in _text(replies)


def test_english_greeting_gets_welcome_privacy_line_and_topic_buttons(bot):
    replies = bot.ask("hi", sender=_new_sender())
    assert "anonymous" in _text(replies).lower()
    buttons = [b["payload"] for r in replies for b in r.get("buttons", [])]
    assert sum(p.startswith("/topic__") for p in buttons) == 5
    assert _link(replies) is None


def test_question_later_in_a_conversation_is_answered_in_the_language_it_is_asked_in(bot):
    sender = _new_sender()
    bot.ask("hello", sender=sender)
    replies = bot.ask("¿mi bebé nació aquí, cuántos días tengo para registrarlo en la gemeente?",
                      sender=sender)
    assert _link(replies)[:2] == ("es", "birth-registration")


def test_short_greeting_keeps_the_farsi_conversation_in_farsi(bot):
    sender = _new_sender()
    first = bot.ask("من مدارک اقامت ندارم، می‌تونم پیش دکتر برم؟", sender=sender)
    assert _link(first)[0] == "fa"
    replies = bot.ask("salam", sender=sender)
    assert re.search(r"[\u0600-\u06ff]", _text(replies)), replies  # still Persian script


def test_saying_english_switches_an_arabic_conversation_to_english(bot):
    sender = _new_sender()
    bot.ask("مرحبا، عندي سؤال عن المدرسة لأولادي", sender=sender)
    bot.ask("English", sender=sender)
    replies = bot.ask("can my children go to school without papers", sender=sender)
    assert _link(replies)[:2] == ("en", "school")


def test_web_chat_page_language_is_used_for_an_ambiguous_message(bot):
    replies = bot.ask("huisarts?", sender=_new_sender(), lang="tr")
    assert "/tr/" in _text(replies)


@pytest.mark.parametrize("lang,message", [
    ("en", "what's the weather in amsterdam tomorrow"),
    ("nl", "wie heeft gisteren gewonnen, ajax of psv?"),
    ("fr", "donne moi une recette de couscous"),
    ("ar", "كم سعر الايفون الجديد"),
    # the topics' words, asking about something else
    ("pt", "qual é o melhor bolo para o aniversário de uma criança de 5 anos?"),
    ("es", "¿qué película de médicos me recomiendas para ver el sábado?"),
    ("nl", "hoe laat gaat de trein naar het ziekenhuis in Leiden?"),
])
def test_unrelated_question_gets_not_sure_reply_without_deep_link(bot, lang, message):
    replies = bot.ask(message, sender=_new_sender())
    assert _link(replies) is None, replies
    assert f"/{lang}/organisations/" in _text(replies) or "/organisations/" in _text(replies)
    assert any(r.get("buttons") for r in replies)


@pytest.mark.parametrize("message,domestic", [
    ("he is hitting me right now please help", True),
    ("mijn man slaat me nu, ik ben bang", True),
    ("زوجي يضربني الآن", True),
    ("someone has a knife outside my door", False),
    ("je n'arrive plus à respirer", False),
    ("bıçaklı biri kapımda, çok korkuyorum", False),
    ("my brother has a gun and is threatening my mother", True),
    ("mi amigo se tomó muchas pastillas y no despierta", False),
    ("ik ruik gas in de hele keuken en mijn moeder valt flauw", False),
    ("oğlum çamaşır suyu içti", False),
    ("my flatmate swallowed rat poison", False),
    ("mijn zoontje heeft een knoopcel ingeslikt", False),
    ("mi abuelo se cayó del balcón y no se mueve", False),
    ("babam birden yere yığıldı, nefes almıyor", False),
    ("بوی گاز کل خونه رو گرفته، مادرم بیهوش شده", False),
    ("there was a car crash outside, a man is stuck in the car", False),
    # described without the word for the danger (tenth session)
    ("he grabbed me by the throat, i cant get air", False),
    ("hay un hombre en casa, oigo pasos abajo y estoy escondida en el armario", False),
    ("ik ben mijn zoon kwijt in het winkelcentrum, al 10 minuten", False),
    ("kaynar su döküldü kızımın üstüne, derisi soyuluyor", False),
    ("un chien attaque mon voisin, il ne lâche pas", False),
])
def test_emergency_reply_starts_with_112_in_any_language(bot, message, domestic):
    replies = bot.ask(message, sender=_new_sender())
    assert "112" in replies[0]["text"].split("\n")[0], replies
    assert ("0800-2000" in _text(replies)) == domestic
    # Nothing was asked besides the emergency: no answer to another question follows. Violence
    # at home is followed by the page about it (help and reporting without papers).
    link = _link(replies)
    if domestic:
        assert link is not None and link[1:] == ("reporting-crime", "domestic-violence"), replies
        assert _text(replies).index("112") < _text(replies).index("/reporting-crime/")
    else:
        assert link is None, replies


@pytest.mark.parametrize("message,lang", [
    ("je veux mourir ce soir, j'ai tout préparé", "fr"),
    ("i dont want to live anymore", "en"),
    ("میخوام بمیرم دیگه نمیتونم", "fa"),
    ("ce soir j'en finis, pardonnez-moi tous", "fr"),  # a farewell without the word
    ("tonight i end it, tell my mom i love her", "en"),
])
def test_someone_who_wants_to_die_gets_112_then_mental_health_care(bot, message, lang):
    replies = bot.ask(message, sender=_new_sender())
    assert "112" in replies[0]["text"].split("\n")[0], replies
    assert _link(replies) == (lang, "medical-care", "mental-health"), replies


def test_spanish_emergency_with_a_question_gets_112_first_then_the_answer(bot):
    replies = bot.ask("alguien tiene un cuchillo, tengo miedo. ¿puedo ir al médico sin papeles?",
                      sender=_new_sender())
    assert "112" in replies[0]["text"].split("\n")[0]
    assert _link(replies)[:2] == ("es", "medical-care")


def test_talk_to_a_person_lists_organisations(bot):
    replies = bot.ask("can i talk to a real person please", sender=_new_sender())
    assert "/en/organisations/" in _text(replies)


def test_what_do_you_store_gives_privacy_summary_and_link(bot):
    replies = bot.ask("do you save my messages? is this chat anonymous?", sender=_new_sender())
    assert "/en/privacy/" in _text(replies)


@pytest.mark.parametrize("name", ["farsi", "فارسی", "Persian"])
def test_naming_farsi_switches_the_conversation_to_farsi(bot, name):
    replies = bot.ask(name, sender=_new_sender())
    assert re.search(r"[\u0600-\u06ff]", replies[0]["text"]), replies
    assert "فارسی" in replies[0]["text"]
