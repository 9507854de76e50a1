"""Golden-file tests of the Markdown <-> PO round trip (tests/golden/x.md, x.po, x.md.expect.md)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from rightsinfo import catalogs, mdunits
from rightsinfo.localize import localize
from rightsinfo.content import Page

GOLDEN = Path(__file__).parent / "golden"


def _load_golden_translations(tmp_path: Path) -> catalogs.Translations:
    target = tmp_path / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "topic.po").write_bytes((GOLDEN / "topic.po").read_bytes())
    translations, _ = catalogs.load("fr", "topic", tmp_path)
    return translations


def test_extracted_units_are_paragraphs_items_headings_and_cells_without_ids_or_urls():
    units = [u.text for u in mdunits.extract((GOLDEN / "topic.md").read_text())]
    assert units == [
        "Can I see a doctor without papers?",
        "Yes. You can see a **huisarts** (GP). Read the [emergency numbers]{1} or call 112.",
        "The GP enters 000000000 as your BSN.",
        "Pharmacies need a [CAK contract]{1}.",
        "Number", "When", "Life in danger",
        "What if they say no?",
        "The doctor decides, not the desk.",
    ]


def test_translated_markdown_matches_golden_file(tmp_path):
    translations = _load_golden_translations(tmp_path)
    body = (GOLDEN / "topic.md").read_text()
    page = Page("topic", "page", GOLDEN / "topic.md",
                {"title": "T", "summary": "S", "reviewed": {"role": "R"}}, body, 1, {})
    local = localize(page, "fr", translations, mark=lambda text: f"[EN] {text}")
    expected = (GOLDEN / "topic.md.expect.md").read_text()
    assert local.body == expected


def test_broken_placeholder_and_fuzzy_and_empty_strings_fall_back_to_english(tmp_path):
    translations = _load_golden_translations(tmp_path)
    assert translations.get("Pharmacies need a [CAK contract]{1}.") is None
    assert translations.get("What if they say no?") is None  # fuzzy: never published
    assert translations.get("The doctor decides, not the desk.") is None  # empty
    found = [p for p in translations.problems if "placeholder" in p.message]
    assert [p.message.split(":")[0] for p in found] == [
        "placeholder {1} is missing", "unknown placeholder {2}"]
    assert all(p.path.endswith("topic.po") and p.line == 20 for p in found)


def test_link_targets_and_heading_ids_survive_translation(tmp_path):
    translations = _load_golden_translations(tmp_path)
    body = (GOLDEN / "topic.md").read_text()
    out = mdunits.translate(body, lambda text: translations.get(text) or text)
    assert "{#see-a-gp}" in out and "{#refused}" in out
    assert "(emergency.md)" in out and "(https://www.hetcak.nl/)" in out


def test_golden_catalog_is_valid_po():
    with (GOLDEN / "topic.po").open("rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    assert len(list(catalog)) > 5
