"""The real content: five topics, enough questions and phrasings in every language, only sourced numbers."""

from __future__ import annotations

import html
import re

import pytest
import yaml

from rightsinfo import catalogs, mdunits
from rightsinfo.checks import ascii_digits
from rightsinfo.content import TOPICS, load_all
from rightsinfo.languages import translation_codes
from rightsinfo.localize import localize
from tests.conftest import ROOT
from tests.test_site_build import LANGS, parse

# A Dutch phone number: 112; a 0800/0900 service number (4 to 7 more digits); 0 and a
# non-zero digit and 8 more; or +31 and 9 digits; with spaces or dashes anywhere.
# 000000000 (the "no BSN" number) is not one.
PHONE = re.compile(r"(?<![\d+])(?:112|\+31(?:[\s-]?\d){9}|0[89]00(?:[\s-]?\d){4,7}"
                   r"|0[1-9](?:[\s-]?\d){8})(?![\d])")


@pytest.fixture(scope="module")
def pages():
    pages, problems = load_all()
    assert [p for p in problems if p.severity == "error"] == []
    return pages


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number).removeprefix("31").lstrip("0")


def test_allow_list_cites_a_source_for_every_contact():
    contacts = yaml.safe_load((ROOT / "content" / "contacts.yml").read_text())
    assert all(c.get("source") for c in contacts)
    assert {c["phone"] for c in contacts if "phone" in c} >= {"112", "0800-2000", "0900-8844"}


def test_every_phone_number_on_the_built_site_is_in_the_allow_list(built_site):
    contacts = yaml.safe_load((ROOT / "content" / "contacts.yml").read_text())
    allowed = {_digits(c[k]) for c in contacts for k in ("phone", "phone_abroad") if k in c}
    seen = set()
    for page in built_site.rglob("*.html"):
        text = html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))
        for number in PHONE.findall(ascii_digits(text)):
            seen.add(_digits(number))
            assert _digits(number) in allowed, f"{page}: {number}"
    assert seen >= {_digits("112"), _digits("0800-2000")}


def test_every_topic_has_eight_questions_with_eight_phrasings_in_every_language(pages):
    for slug in TOPICS:
        page = pages[slug]
        assert len(page.questions) >= 8, slug
        for lang in ["en", *translation_codes()]:
            tr = catalogs.load(lang, slug)[0] if lang != "en" else None
            local = localize(page, lang, tr)
            for question in local.questions:
                assert len(set(question.asked)) >= 8, (lang, slug, question.id)


def test_every_page_has_sources_a_review_date_and_a_reviewer(pages):
    for page in pages.values():
        assert page.sources and page.reviewed and page.review_by > page.reviewed, page.slug
        assert page.reviewer_role


def test_every_opening_paragraph_answers_within_600_characters_in_english(pages):
    for slug in TOPICS:
        for question in pages[slug].questions:
            assert 0 < len(mdunits.plain(question.opening)) <= 600, question.id


def test_question_ids_are_the_same_in_every_language_and_headings_are_translated(built_site, pages):
    for slug in TOPICS:
        english = [q.id for q in pages[slug].questions]
        for lang in LANGS:
            refs = parse(built_site / lang / slug / "index.html")
            assert [i for i in refs.h2_ids if i != "sources"] == english, (lang, slug)
            text = (built_site / lang / slug / "index.html").read_text(encoding="utf-8")
            if lang != "en":
                tr = catalogs.load(lang, slug)[0]
                for question in pages[slug].questions:
                    heading = tr.get(question.heading)
                    assert heading, (lang, slug, question.id)
                    assert html.escape(mdunits.plain(heading), quote=False)[:30] in text.replace("&rsquo;", "’"), (lang, question.id)


def test_all_seven_translations_are_complete_and_marked_as_drafts():
    from rightsinfo import review, translations

    pages, _ = load_all()
    rows = translations.status(pages)
    assert {r["lang"] for r in rows} == {"nl", "ar", "fa", "fr", "es", "pt", "tr"}
    for row in rows:
        assert row["counts"].untranslated == 0 and row["counts"].fuzzy == 0, row
        assert row["review"] == "draft"
    assert not review.is_reviewed("ar", "medical-care")
