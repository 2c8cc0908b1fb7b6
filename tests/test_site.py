"""The built site, edition by edition (`make build` runs before these in `make test`).

_build/html/zh/, en/ and both/ are three editions of the same book; see also
tests/test_editions.py (hreflang, sitemap, one language per edition).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import CHAPTERS, HAN

from bilingual import EDITIONS

PAGES = ["intro.html", "glossary.html", "errata.html"] + [f"chapters/{p.stem}.html" for p in CHAPTERS]


def _read(site: Path, edition: str, page: str) -> str:
    return (site / edition / page).read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES)
def test_the_side_by_side_edition_pairs_every_block_with_lang_attributes(site, page):
    html = _read(site, "both", page)
    zh = html.count('<div class="lang-block lang-zh" lang="zh-Hans">')
    en = html.count('<div class="lang-block lang-en" lang="en">')
    assert zh >= 1 and zh == en == html.count('<div class="lang-pair">')


@pytest.mark.parametrize("page", PAGES)
def test_single_editions_keep_the_blocks_of_their_language(site, page):
    both = _read(site, "both", page).count('<div class="lang-pair">')
    assert _read(site, "zh", page).count('<div class="lang-block lang-zh" lang="zh-Hans">') == both
    assert _read(site, "en", page).count('<div class="lang-block lang-en" lang="en">') == both


@pytest.mark.parametrize("edition", EDITIONS)
def test_each_editions_index_redirects_to_the_preface(site, edition):
    assert "url=intro.html" in _read(site, edition, "index.html")


@pytest.mark.parametrize("edition", EDITIONS)
def test_pages_load_the_language_switch(site, edition):
    for page in PAGES:
        html = _read(site, edition, page)
        assert len(re.findall(r'<script src="(?:\.\./)?_static/bilingual\.js', html)) == 1
        assert re.search(r'<link[^>]+_static/bilingual\.css', html)
    # what the script does (the switch, its memory, ?lang=) is tested in Chromium (test_browser.py)


def _search_index(site: Path, edition: str) -> dict:
    text = (site / edition / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


@pytest.mark.parametrize(
    "edition, terms",
    [
        ("zh", ["交叉熵", "反向传播", "二次代价", "学习率"]),
        ("en", ["softmax", "backpropag", "sigmoid", "quadrat"]),  # stemmed: backpropagation → backpropag
        ("both", ["交叉熵", "反向传播", "softmax", "backpropag"]),
    ],
)
def test_each_edition_has_its_own_search_index(site, edition, terms):
    index = _search_index(site, edition)
    found = index["terms"] | index["titleterms"]
    for term in terms:
        assert term in found, (edition, term)
    titles = " ".join(index["titles"])
    if edition == "en":
        assert not HAN.search(titles), titles
    if edition == "zh":
        assert "Glossary" not in titles and "术语表" in titles


def test_chinese_search_finds_the_chapter(site):
    index = _search_index(site, "zh")
    pages = index["terms"]["学习率"]
    pages = pages if isinstance(pages, list) else [pages]
    assert any(index["docnames"][i].startswith("chapters/01") for i in pages)


@pytest.mark.parametrize("edition", EDITIONS)
def test_chapter_one_shows_nielsens_numbers_and_figures(site, edition):
    html = _read(site, edition, "chapters/01_single_neuron.html")
    for number in ("0.0940", "0.0044", "0.2028", "0.0206"):
        assert number in html
    images = re.findall(r'<img[^>]+src="([^"]+\.png)"', html)
    assert len(images) >= 3
    for src in images:
        assert (site / edition / "chapters" / src).resolve().exists(), src


@pytest.mark.parametrize("edition", EDITIONS)
def test_explorers_are_saved_figures_with_live_links_not_widget_state(site, edition):
    html = _read(site, edition, "chapters/01_single_neuron.html")
    assert "application/vnd.jupyter.widget-state+json" not in html
    assert "tag_explorer-static" in html
    assert re.search(r"mybinder\.org/v2/gh/[^\"']+urlpath=lab", html)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_downloaded_notebook_is_the_clean_bilingual_source(site, path):
    # The extension changes cells only in memory; every edition offers the file on disk.
    for edition in EDITIONS:
        assert (site / edition / "_sources" / "chapters" / path.name).read_bytes() == path.read_bytes()


@pytest.mark.parametrize("edition", EDITIONS)
def test_pages_load_nothing_from_a_cdn(site, edition):
    # The maths is typeset when the book is built (_ext/mathssr.py): no MathJax script,
    # one stylesheet, and its fonts from _static (tools/vendor_assets.py).
    for page in PAGES:
        html = _read(site, edition, page)
        external = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', html)
        # canonical and hreflang links name the published address; they load nothing
        assert [u for u in external if not re.search(rf'rel="(?:canonical|alternate)"[^>]+href="{re.escape(u)}"', html)] == []
        assert not re.search(r'<script[^>]+src="[^"]*mathjax', html) and "window.MathJax" not in html
        assert "<mjx-container" in html and re.search(r'<link[^>]+_static/mathjax-chtml\.css', html)
        for local in re.findall(r'<(?:script|link)[^>]+(?:src|href)="((?:\.\./)?_static/[^"?]+)', html):
            assert (site / edition / Path(page).parent / local).resolve().exists(), local


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_icon_subset_draws_every_icon_the_pages_name(site, edition):
    """_ext/static/scripts/fontawesome.js replaces the theme's script of every icon: it must
    hold each icon a built page or one of the theme's scripts (the theme switch, the sidebar
    toggles) names, and the site must serve it rather than the theme's 1.5 MB file."""
    root = site / edition
    served = (root / "_static" / "scripts" / "fontawesome.js").read_text(encoding="utf-8")
    assert served == (Path(__file__).parent.parent / "_ext" / "static" / "scripts" / "fontawesome.js").read_text(encoding="utf-8")
    icons = json.loads(re.search(r"var ICONS = (\{.*?\n  \});", served, re.S).group(1))
    drawn = set().union(*icons.values())
    named = set()
    for path in [*root.rglob("*.html"), *(root / "_static" / "scripts").glob("*.js")]:
        if path.name != "fontawesome.js":
            named.update(re.findall(r"\bfa-([a-z0-9-]+)", path.read_text(encoding="utf-8", errors="ignore")))
    # classes that size or place an icon, not icons
    named -= {"lg", "fw", "solid", "regular", "brands", "xs", "sm", "xl", "2x", "3x", "spin", "pulse", "border",
              "pull-left", "pull-right", "stack", "inverse", "rotate-90", "flip-horizontal"}
    assert named - drawn == set(), f"icons the pages name that the subset does not draw: {sorted(named - drawn)}"
