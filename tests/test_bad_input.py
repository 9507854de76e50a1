"""Bad input is reported with file, line, field and a fix, and never breaks other pages or languages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from rightsinfo import catalogs, translations
from rightsinfo.content import load_all
from rightsinfo.render import build_site

FIXTURE = Path(__file__).parent / "fixtures" / "content"


@pytest.fixture
def content(tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    return target


@pytest.fixture
def locales(tmp_path, content) -> Path:
    """Catalogs for fr and ar, with a correct French translation of one paragraph."""
    target = tmp_path / "locales"
    for lang in ("fr", "ar"):
        (target / lang / "LC_MESSAGES").mkdir(parents=True)
    pages, _ = load_all(content)
    translations.update(pages, locales=target)
    _translate(target / "fr/LC_MESSAGES/medical-care.po", {
        "Call 112. It is free. You can also go to the emergency room of a hospital.":
            "Appelez le 112. C'est gratuit. Vous pouvez aussi aller aux urgences d'un hôpital.",
        "Medical care without papers": "Soins médicaux sans papiers",
    })
    return target


def _translate(path: Path, strings: dict[str, str]) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id in strings:
            message.string = strings[message.id]
    with path.open("wb") as handle:
        write_po(handle, catalog)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_missing_front_matter_field_names_file_field_and_example(content):
    _edit(content / "medical-care.md", "review_by: 2027-05-23\n", "")
    _, problems = load_all(content)
    [problem] = [p for p in problems if p.field == "review_by"]
    assert problem.path.endswith("medical-care.md")
    assert problem.message == "is missing"
    assert "review_by: 2027-05-23" in problem.fix


def test_front_matter_field_of_wrong_type_names_its_line(content):
    _edit(content / "medical-care.md", "  done: false", "  done: perhaps")
    _, problems = load_all(content)
    [problem] = [p for p in problems if p.field == "reviewed.done"]
    assert problem.line == 8 and "true or false" in problem.message


def test_too_few_phrasings_are_reported(content):
    _edit(content / "medical-care.md", "      - where can i find doctor without papers\n", "")
    _, problems = load_all(content)
    [problem] = [p for p in problems if p.field == "questions.see-a-gp.asked"]
    assert "at least 8" in problem.message


def test_duplicate_question_id_is_reported_with_its_line(content):
    _edit(content / "medical-care.md", "{#emergency}", "{#see-a-gp}")
    _, problems = load_all(content)
    duplicate = [p for p in problems if p.message == "duplicate question id"]
    assert duplicate and duplicate[0].line > 1
    assert any(p.field == "questions.emergency" for p in problems)


def test_broken_internal_link_is_reported(content):
    _edit(content / "medical-care.md", "(emergency.md)", "(emergncy.md)")
    _edit(content / "medical-care.md", "(#emergency)", "(#emergencies)")
    _, problems = load_all(content)
    links = sorted(p.field for p in problems if p.field.startswith("link "))
    assert links == ["link #emergencies", "link emergncy.md"]
    assert all(p.path.endswith("medical-care.md") and p.line > 20 for p in problems
               if p.field.startswith("link "))


def test_po_syntax_error_names_line_and_other_catalogs_still_load(locales):
    path = locales / "fr/LC_MESSAGES/medical-care.po"
    lines = path.read_text().splitlines()
    broken = next(i for i, line in enumerate(lines) if line.startswith("msgstr") and i > 20)
    lines[broken] = 'msgstr "unterminated'
    path.write_text("\n".join(lines) + "\n")
    translation, counts = catalogs.load("fr", "medical-care", locales)
    [problem] = translation.problems
    assert problem.field == "PO syntax" and problem.path.endswith("medical-care.po")
    assert problem.line == broken + 1
    assert translation.entries == {} and counts.errors == 1
    other, _ = catalogs.load("fr", "ui", locales)
    assert not other.problems


def test_changed_phone_number_is_not_published(locales):
    path = locales / "fr/LC_MESSAGES/medical-care.po"
    _translate(path, {"Call 112. It is free. You can also go to the emergency room of a hospital.":
                      "Appelez le 113. C'est gratuit."})
    translation, _ = catalogs.load("fr", "medical-care", locales)
    assert translation.get("Call 112. It is free. You can also go to the emergency room of a hospital.") is None
    assert any("number 112 is missing" in p.message for p in translation.problems)


def test_site_with_broken_catalog_still_builds_every_language_with_english_fallback(
        tmp_path, content, locales):
    (locales / "ar/LC_MESSAGES/medical-care.po").write_text('msgid "x\nmsgstr ""\n')
    result = build_site(out=tmp_path / "site", work=tmp_path / "i18n", content=content,
                        locales=locales)
    assert result.languages == ["en", "ar", "fr"]
    assert any(p.field == "PO syntax" for p in result.problems)
    arabic = (tmp_path / "site/ar/medical-care/index.html").read_text()
    assert "Call 112. It is free." in arabic and 'class="fallback"' in arabic
    french = (tmp_path / "site/fr/medical-care/index.html").read_text()
    assert "Appelez le 112. C&rsquo;est gratuit." in french or "Appelez le 112. C'est gratuit." in french
    assert "Soins médicaux sans papiers" in french


def test_changed_english_string_becomes_fuzzy_and_removed_one_obsolete(content, locales):
    _edit(content / "medical-care.md", "Call 112. It is free.", "Call 112 at once. It is free.")
    _edit(content / "medical-care.md", "- Bring nothing that you do not want to show.\n", "")
    pages, _ = load_all(content)
    translations.update(pages, locales=locales)
    with (locales / "fr/LC_MESSAGES/medical-care.po").open("rb") as handle:
        catalog = read_po(handle)
    changed = catalog.get("Call 112 at once. It is free. You can also go to the emergency room of "
                          "a hospital.")
    assert changed is not None and changed.fuzzy and changed.string.startswith("Appelez le 112")
    assert "Bring nothing that you do not want to show." in catalog.obsolete
    translation, counts = catalogs.load("fr", "medical-care", locales)
    assert counts.fuzzy == 1
    assert translation.get(changed.id) is None


def test_drift_between_content_and_templates_is_reported(content, locales):
    pages, _ = load_all(content)
    assert translations.drift(pages, locales) == []
    _edit(content / "medical-care.md", "The doctor decides", "Your doctor decides")
    pages, _ = load_all(content)
    [problem] = translations.drift(pages, locales)
    assert problem.path.endswith("medical-care.pot") and "make translations" in problem.fix


def test_page_past_its_review_date_is_shown_as_due_for_review(tmp_path, content, locales):
    import datetime as dt

    result = build_site(out=tmp_path / "site", work=tmp_path / "i18n", content=content,
                        locales=locales, only=["en", "fr"], today=dt.date(2027, 6, 1))
    assert result.languages == ["en", "fr"]
    assert "review-due" in (tmp_path / "site/en/medical-care/index.html").read_text()
    current = build_site(out=tmp_path / "site2", work=tmp_path / "i18n2", content=content,
                         locales=locales, only=["en"], today=dt.date(2026, 12, 1))
    assert current.languages == ["en"]
    assert "review-due" not in (tmp_path / "site2/en/medical-care/index.html").read_text()


def test_a_ninth_language_needs_one_command_and_gets_its_name_and_direction_from_babel(
        tmp_path, content, locales):
    (locales / "he" / "LC_MESSAGES").mkdir(parents=True)
    pages, _ = load_all(content)
    translations.update(pages, ["he"], locales)
    assert (locales / "he/LC_MESSAGES/medical-care.po").exists()
    assert (locales / "he/review.yml").read_text().count(": draft") == len(pages) + 2
    result = build_site(out=tmp_path / "site", work=tmp_path / "i18n", content=content,
                        locales=locales, only=["he"])
    assert result.languages == ["he"]
    assert 'dir="rtl"' in (tmp_path / "site/he/medical-care/index.html").read_text()
    assert "עברית" in (tmp_path / "site/index.html").read_text()
