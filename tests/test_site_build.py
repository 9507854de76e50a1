"""The real site, built into a temporary folder: pages per language, direction, privacy, links."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.dates import format_date

from rightsinfo.content import load_all

LANGS = ["ar", "en", "es", "fa", "fr", "nl", "pt", "tr"]
PAGES = sorted([
    "404.html", "index.html",
    "medical-care/index.html", "reporting-crime/index.html", "birth-registration/index.html",
    "school/index.html", "shelter/index.html",
    "emergency/index.html", "organisations/index.html", "privacy/index.html", "about/index.html",
])
LOADING = {"script": "src", "img": "src", "iframe": "src", "source": "src", "audio": "src",
           "video": "src", "embed": "src", "object": "data"}


class Refs(HTMLParser):
    """Collect what a page would load, and its question headings."""

    def __init__(self):
        super().__init__()
        self.loads: list[str] = []
        self.body_dir = None
        self.h2_ids: list[str] = []
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in LOADING and attrs.get(LOADING[tag]):
            self.loads.append(attrs[LOADING[tag]])
        if tag == "link" and attrs.get("rel") in ("stylesheet", "preload", "icon", "manifest",
                                                  "modulepreload", "prefetch", "dns-prefetch"):
            self.loads.append(attrs["href"])
        if tag == "body":
            self.body_dir = attrs.get("dir")
        if tag == "h2" and attrs.get("id"):
            self.h2_ids.append(attrs["id"])
        if tag == "a":
            self.links.append((attrs.get("class") or "", attrs.get("href") or ""))


def parse(path: Path) -> Refs:
    refs = Refs()
    refs.feed(path.read_text(encoding="utf-8"))
    return refs


def test_every_language_has_exactly_the_expected_pages(built_site):
    assert sorted(p.name for p in built_site.iterdir() if p.is_dir()) == LANGS
    for lang in LANGS:
        pages = sorted(str(p.relative_to(built_site / lang)) for p in (built_site / lang).rglob("*.html"))
        assert pages == PAGES, lang


def test_root_page_lists_every_language_by_native_name_without_javascript(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert "<script" not in html
    for lang, name in [("ar", "العربية"), ("fa", "فارسی"), ("tr", "Türkçe"), ("nl", "Nederlands"),
                       ("en", "English"), ("fr", "Français"), ("es", "Español"), ("pt", "Português")]:
        assert f'href="{lang}/"' in html and name in html, lang


@pytest.mark.parametrize("lang,direction", [("ar", "rtl"), ("fa", "rtl"), ("fr", "ltr"), ("tr", "ltr")])
def test_text_direction_follows_the_language(built_site, lang, direction):
    assert parse(built_site / lang / "school/index.html").body_dir == direction


def test_no_page_loads_anything_from_another_host(built_site):
    for page in built_site.rglob("*.html"):
        for url in parse(page).loads:
            host = urlsplit(url).hostname
            assert host in (None, "localhost", "127.0.0.1"), f"{page}: {url}"
    for asset in list(built_site.rglob("*.css")) + list(built_site.rglob("*.js")):
        text = asset.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"@import\s+url\(\s*['\"]?https?:|url\(\s*['\"]?https?://", text), asset
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, asset


def test_every_question_has_copy_link_and_whatsapp_share(built_site):
    pages, _ = load_all()
    for lang in ("en", "fa"):
        for slug in ("medical-care", "shelter"):
            refs = parse(built_site / lang / slug / "index.html")
            ids = [q.id for q in pages[slug].questions]
            assert [i for i in refs.h2_ids if i != "sources"] == ids
            copies = [href for cls, href in refs.links if "copy-link" in cls]
            shares = [href for cls, href in refs.links if "wa-share" in cls]
            assert copies == [f"#{i}" for i in ids]
            assert len(shares) == len(ids)
            assert all(s.startswith("https://wa.me/?text=") and f"%2F{lang}%2F{slug}%2F%23" in s
                       for s in shares)


def test_review_date_is_in_the_page_language_and_sources_are_listed(built_site):
    pages, _ = load_all()
    page = pages["school"]
    for lang in ("nl", "ar", "tr"):
        html = (built_site / lang / "school/index.html").read_text(encoding="utf-8")
        assert format_date(page.reviewed, format="long", locale=lang) in html
        assert 'id="sources"' in html
        assert all(s["title"].replace("&", "&amp;")[:20] in html for s in page.sources)


def test_draft_translations_say_so_and_english_does_not(built_site):
    assert "draft-notice" in (built_site / "fr/shelter/index.html").read_text(encoding="utf-8")
    assert "draft-notice" not in (built_site / "en/shelter/index.html").read_text(encoding="utf-8")


def test_search_index_holds_only_the_pages_language(built_site):
    for lang in ("fr", "ar"):
        index = json.loads((built_site / lang / "search/search_index.json").read_text())
        assert index["config"]["lang"] == [lang]
        titles = {doc["title"] for doc in index["docs"] if "#" not in doc["location"]}
        other = "en" if lang != "en" else "fr"
        other_titles = {doc["title"] for doc in json.loads(
            (built_site / other / "search/search_index.json").read_text())["docs"]
            if "#" not in doc["location"]}
        assert titles and not titles & other_titles - {""}


def test_language_switcher_links_to_the_same_page(built_site):
    refs = parse(built_site / "ar/reporting-crime/index.html")
    switch = [href for cls, href in refs.links if "lang-switch" in cls]
    assert sorted(switch) == sorted(f"../../{lang}/reporting-crime/" for lang in LANGS)
