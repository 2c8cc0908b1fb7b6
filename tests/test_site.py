"""The built site (`make build` runs before these in `make test`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import CHAPTERS, ROOT

HTML = ROOT / "_build" / "html"
PAGES = ["index.html", "intro.html", "glossary.html", "errata.html"] + [
    f"chapters/{p.stem}.html" for p in CHAPTERS
]


@pytest.fixture(scope="module")
def site() -> Path:
    if not (HTML / "index.html").exists():
        pytest.fail("the site is not built: run `make build` (make test does it first)")
    return HTML


def _read(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES[1:])
def test_pages_have_both_languages_with_lang_attributes(site, page):
    html = _read(site, page)
    zh = html.count('<div class="lang-block lang-zh" lang="zh-Hans">')
    en = html.count('<div class="lang-block lang-en" lang="en">')
    assert zh >= 1 and zh == en == html.count('<div class="lang-pair">')


def test_index_redirects_to_the_preface(site):
    assert 'url=intro.html' in _read(site, "index.html")


@pytest.mark.parametrize("page", PAGES[1:])
def test_pages_load_the_language_switch(site, page):
    html = _read(site, page)
    assert len(re.findall(r'<script src="(?:\.\./)?_static/bilingual\.js', html)) == 1
    assert re.search(r'<link[^>]+_static/bilingual\.css', html)
    js = (site / "_static" / "bilingual.js").read_text(encoding="utf-8")
    for needle in ('"zh"', '"en"', '"both"', "中文", "English", "中英", "localStorage", 'get("lang")'):
        assert needle in js


def _search_terms(site: Path) -> dict:
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    return index["terms"] | index["titleterms"]


@pytest.mark.parametrize("term", ["交叉熵", "反向传播", "二次代价", "softmax", "backpropag", "sigmoid"])
def test_search_index_holds_chinese_and_english_terms(site, term):
    # English words are stemmed (backpropagation → backpropag); Chinese is segmented by jieba.
    assert term in _search_terms(site)


def test_chinese_search_finds_the_chapter(site):
    terms = _search_terms(site)
    docnames = json.loads(
        (site / "searchindex.js").read_text(encoding="utf-8").split("(", 1)[1].rsplit(")", 1)[0]
    )["docnames"]
    pages = terms["学习率"]
    pages = pages if isinstance(pages, list) else [pages]
    assert any(docnames[i].startswith("chapters/01") for i in pages)


def test_chapter_one_shows_nielsens_numbers_and_figures(site):
    html = _read(site, "chapters/01_single_neuron.html")
    for number in ("0.0940", "0.0044", "0.2028", "0.0206"):
        assert number in html
    images = re.findall(r'<img[^>]+src="([^"]+\.png)"', html)
    assert len(images) >= 3
    for src in images:
        assert (site / "chapters" / src).resolve().exists(), src


def test_chapter_one_has_saved_widget_state_and_binder_link(site):
    html = _read(site, "chapters/01_single_neuron.html")
    assert "application/vnd.jupyter.widget-state+json" in html
    assert "application/vnd.jupyter.widget-view+json" in html
    assert re.search(r"mybinder\.org/v2/gh/[^\"']+urlpath=lab", html)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_downloaded_notebook_is_the_clean_source(site, path):
    # The extension wraps tagged cells only in memory; the download is the file on disk.
    download = site / "_sources" / "chapters" / path.name
    assert download.read_bytes() == path.read_bytes()


@pytest.mark.parametrize("page", PAGES[1:])
def test_pages_load_nothing_from_a_cdn(site, page):
    # MathJax, RequireJS and the widget manager come from _static (tools/vendor_assets.py).
    html = _read(site, page)
    external = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', html)
    assert external == []
    assert re.search(r'<script[^>]+src="(?:\.\./)?_static/mathjax/tex-mml-chtml\.js', html)
    for local in re.findall(r'<(?:script|link)[^>]+(?:src|href)="((?:\.\./)?_static/[^"?]+)', html):
        assert (site / Path(page).parent / local).resolve().exists(), local
