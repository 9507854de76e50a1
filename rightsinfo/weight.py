"""Page weight: a page's HTML plus every CSS, JS and font file it references, gzip-compressed."""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("rel") in ("stylesheet", "preload", "modulepreload"):
            self.urls.append(attrs["href"])


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def first_load(site: Path, page: Path) -> dict[str, int]:
    """Gzip size of each file a first visit to `page` downloads (HTML, CSS, JS, fonts)."""
    sizes = {str(page.relative_to(site)): gz(page.read_bytes())}
    parser = _Assets()
    parser.feed(page.read_text(encoding="utf-8"))
    base = "/" + str(page.relative_to(site))
    queue = [urljoin(base, u) for u in parser.urls if not urlsplit(u).scheme]
    while queue:
        url = urlsplit(queue.pop()).path
        path = site / url.lstrip("/")
        if url in sizes or not path.is_file():
            continue
        data = path.read_bytes()
        sizes[url] = gz(data)
        if path.suffix == ".css":
            for ref in CSS_URL.findall(data.decode("utf-8", "replace")):
                if not urlsplit(ref).scheme and re.search(r"\.(woff2?|ttf|otf|css)$", ref):
                    queue.append(urljoin(url, ref))
    return sizes


def heaviest(site: Path, slugs: tuple[str, ...]) -> tuple[str, int, dict[str, int]]:
    """The heaviest first load among the topic pages of every language."""
    best = ("", -1, {})
    for lang_dir in sorted(p for p in site.iterdir() if p.is_dir()):
        for slug in slugs:
            page = lang_dir / slug / "index.html"
            if page.exists():
                sizes = first_load(site, page)
                total = sum(sizes.values())
                if total > best[1]:
                    best = (f"/{lang_dir.name}/{slug}/", total, sizes)
    return best
