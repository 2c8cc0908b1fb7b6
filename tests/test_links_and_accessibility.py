"""Internal links and anchors of the built site (all three editions) resolve; images
have alt text in the edition's languages; headings are in order; there are 404 pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import CHAPTERS, HAN, HTML

from bilingual import EDITIONS



class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.images: list[dict] = []
        self.headings: list[int] = []
        self._in_article = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag in ("link", "script", "img") and (a.get("href") or a.get("src")):
            self.links.append(a.get("href") or a.get("src"))
        if tag == "img":
            self.images.append(a)
        if tag == "article":
            self._in_article += 1
        if self._in_article and re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))

    def handle_endtag(self, tag):
        if tag == "article":
            self._in_article -= 1


def _pages() -> dict[Path, _Page]:
    parsed = {}
    for path in HTML.rglob("*.html"):
        if "_static" in path.parts or "lite" in path.relative_to(HTML).parts[:1]:
            continue
        page = _Page()
        page.feed(path.read_text(encoding="utf-8"))
        parsed[path] = page
    return parsed


@pytest.fixture(scope="module")
def pages(site):
    return _pages()


def test_no_broken_internal_link_or_anchor(pages):
    broken = []
    for path, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("//", "mailto:", "javascript:", "data:")):
                continue
            if not parts.path:
                target = path
            elif parts.path.startswith("/"):  # the 404 page's absolute links (notfound_urls_prefix "/")
                target = (HTML / unquote(parts.path).lstrip("/")).resolve()
            else:
                target = (path.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.relative_to(HTML)} → {link}")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else set()
                if target in pages and unquote(parts.fragment) not in ids:
                    broken.append(f"{path.relative_to(HTML)} → {link} (no such anchor)")
    assert not broken, "\n".join(broken[:30])


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_figure_has_alt_text_in_the_editions_languages(pages, edition):
    for chapter in CHAPTERS:
        page = pages[HTML / edition / "chapters" / f"{chapter.stem}.html"]
        # An explorer's saved figure is described by its settings, not by a figure number.
        figures = [img for img in page.images if "_images/" in img.get("src", "")
                   and not img.get("alt", "").startswith(("交互式探索器的图", "The interactive explorer's figure"))]
        assert figures, chapter.name
        # Each figure is drawn once per language, and its alt text is in the language it was drawn in:
        # the Chinese edition's in Chinese, the English edition's with no Chinese, the side-by-side edition both.
        seen = set()
        for img in figures:
            alt = img.get("alt", "").strip()
            assert alt, (edition, chapter.name, img.get("src"))
            lang = "zh" if HAN.search(alt) else "en"
            seen.add(lang)
            if edition != "both":
                assert lang == edition, (edition, chapter.name, img.get("src"), alt[:80])
        assert seen == {edition} if edition != "both" else seen, (edition, chapter.name, seen)


def test_headings_are_in_order(pages):
    for path, page in pages.items():
        levels = page.headings
        if not levels:
            continue
        assert levels[0] == 1, f"{path.relative_to(HTML)} starts at h{levels[0]}"
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, f"{path.relative_to(HTML)} jumps from h{before} to h{after}"


def test_there_is_a_page_not_found_page_for_the_site_and_each_edition(site):
    html = (HTML / "404.html").read_text(encoding="utf-8")  # the side-by-side one
    assert 'lang="zh-Hans"' in html and 'lang="en"' in html
    assert "bilingual.js" in html and 'src="/both/_static/' in html
    zh = (HTML / "zh" / "404.html").read_text(encoding="utf-8")
    en = (HTML / "en" / "404.html").read_text(encoding="utf-8")
    assert "找不到页面" in zh and "Page not found" not in zh and 'src="/zh/_static/' in zh
    assert "Page not found" in en and not HAN.search(re.sub(r"<script.*?</script>", "", en.split("<body", 1)[1], flags=re.S))
