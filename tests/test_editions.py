"""How the extension makes the zh and en editions from the bilingual source.

Unit tests on document trees parsed by docutils (no build), then the root
page, the sitemap and the hreflang alternates of the built site.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from docutils import nodes
from docutils.core import publish_doctree

from conftest import CHAPTERS, HAN

from bilingual import (
    EDITIONS, keep_language, lang_block, make_edition, resolve_words, resolve_words_in_maths, split_node,
    split_references_in_blocks, split_text,
)

PAGES = ["intro.html", "glossary.html", "errata.html"] + [f"chapters/{p.stem}.html" for p in CHAPTERS]


@pytest.mark.parametrize(
    "text, zh, en",
    [
        ("术语表 · Glossary", "术语表", "Glossary"),
        ("1.2 sigmoid函数的导数 · The derivative of the sigmoid", "1.2 sigmoid函数的导数", "1.2 The derivative of the sigmoid"),
        ("3. 偏置梯度 · Bias gradients", "3. 偏置梯度", "3. Bias gradients"),
        ("4 三层网络 · A network · with a dot", "4 三层网络", "4 A network · with a dot"),  # the first " · " only
        ("3.6 梯度：δ = a − y · The gradient: δ = a − y", "3.6 梯度：δ = a − y", "3.6 The gradient: δ = a − y"),
        ("No separator", "No separator", "No separator"),
        ("A.1 中心差分有多准 · How accurate is a centred difference?", "A.1 中心差分有多准", "A.1 How accurate is a centred difference?"),
    ],
)
def test_split_text_keeps_one_language_and_the_number(text, zh, en):
    assert split_text(text, "zh") == zh
    assert split_text(text, "en") == en
    assert split_text(text, "both") == text


@pytest.mark.parametrize(
    "text, zh, en",
    [
        # chapter 6's operations table: the " · " inside （…） or (…) is not the separator
        ("a ± b（广播 · broadcast）· a ± b (broadcast)", "a ± b（广播 · broadcast）", "a ± b (broadcast)"),
        ("反向规则（VJP）· backward rule (VJP)", "反向规则（VJP）", "backward rule (VJP)"),
        ("g 沿该轴复制（÷n）· copied along it (÷n)", "g 沿该轴复制（÷n）", "copied along it (÷n)"),
        ("分类（classification · 类）· classification", "分类（classification · 类）", "classification"),
        ("(a · b) 点积 · (a · b) dot product", "(a · b) 点积", "(a · b) dot product"),
        ("x·y", "x·y", "x·y"),
    ],
)
def test_the_separator_is_never_inside_brackets(text, zh, en):
    assert (split_text(text, "zh"), split_text(text, "en")) == (zh, en)


def test_a_split_cell_keeps_its_brackets_across_inline_markup():
    cell = nodes.paragraph("", "", nodes.Text("a ± b（"), nodes.emphasis("", "广播 · broadcast"), nodes.Text("）· a ± b (broadcast)"))
    zh, en = cell.deepcopy(), cell.deepcopy()
    assert split_node(zh, "zh") and split_node(en, "en")
    assert (zh.astext(), en.astext()) == ("a ± b（广播 · broadcast）", "a ± b (broadcast)")


@pytest.mark.parametrize(
    "edition, expected",
    [
        ("zh", r"O(h^2)_{\text{截断误差}} \quad \text{作为因子的$x$}"),
        ("en", r"O(h^2)_{\text{truncation}} \quad \text{$x$ as the factor}"),
        ("both", r"O(h^2)_{\text{截断误差 / truncation}} \quad \text{作为因子的$x$ / $x$ as the factor}"),
    ],
)
def test_words_in_a_shared_equation_speak_the_editions_language(edition, expected):
    tex = r"O(h^2)_{\zhen{截断误差}{truncation}} \quad \zhen {作为因子的$x$} {$x$ as the factor}"
    assert resolve_words(tex, edition) == (expected, [])


def test_a_malformed_zhen_is_reported_and_left_alone():
    for tex in (r"a \zhen{只有一个}", r"\zhen{外{\zhen{a}{b}}}{out}"):
        resolved, problems = resolve_words(tex, "en")
        assert len(problems) == 1 and r"\zhen" in resolved
    assert resolve_words(r"\zhenx + \text{prev}", "zh") == (r"\zhenx + \text{prev}", [])


def test_words_are_resolved_in_display_and_inline_maths():
    doc = nodes.section(
        "", nodes.math_block("", r"a \quad \zhen{当}{whenever}\ b"),
        nodes.paragraph("", "", nodes.math("", r"x\ \zhen{即}{that is}\ y")),
    )
    resolve_words_in_maths(doc, "zh")
    assert [n.astext() for n in doc.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block)))] == [
        r"a \quad \text{当}\ b", r"x\ \text{即}\ y",
    ]


def _title(*children) -> nodes.title:
    return nodes.title("", "", *children)


def test_split_node_cuts_across_inline_markup_and_skips_maths():
    title = _title(
        nodes.Text("1.2 "), nodes.math("", r"\sigma · x"), nodes.Text(" 的导数 · The derivative of "),
        nodes.emphasis("", "the sigmoid"),
    )
    zh, en = title.deepcopy(), title.deepcopy()
    assert split_node(zh, "zh") and split_node(en, "en")
    assert zh.astext() == r"1.2 \sigma · x 的导数"  # the " · " inside maths is not the separator
    assert en.astext() == "1.2 The derivative of the sigmoid"
    assert isinstance(en.children[-1], nodes.emphasis)
    assert not split_node(_title(nodes.Text("Plain")), "zh")


def test_side_by_side_references_speak_their_blocks_language():
    """In the both edition a {ref} to "1.7 中文 · English" shows one half in each block."""
    def block(lang):
        ref = nodes.reference("", "", nodes.inline("", "1.7 梯度检验的规则 · The rule of the gradient check"))
        return lang_block("", nodes.paragraph("", "", nodes.Text("see "), ref), lang=lang)

    class App:
        class config:
            course_edition = "both"

    doc = nodes.section("", block("zh"), block("en"))
    split_references_in_blocks(App, doc, "chapters/04")
    zh, en = [b.next_node(nodes.reference).astext() for b in doc.findall(lang_block)]
    assert (zh, en) == ("1.7 梯度检验的规则", "1.7 The rule of the gradient check")
    App.config.course_edition = "en"  # single-language editions are cut earlier, not here
    doc = nodes.section("", block("en"))
    split_references_in_blocks(App, doc, "chapters/04")
    assert " · " in doc.next_node(nodes.reference).astext()


def _doctree(rst: str) -> nodes.document:
    return publish_doctree(rst, settings_overrides={"report_level": 5, "halt_level": 5})


TABLE = """
Title
=====

.. list-table::
   :header-rows: 1

   * - English
     - 中文
     - 定义
     - Definition
     - 首次出现 · First used
     - \\#
   * - neuron
     - 神经元
     - 基本计算单元
     - The basic unit
     - 第1章 · Ch. 1
     - 1
"""


def _table_text(doctree) -> list[list[str]]:
    return [[entry.astext() for entry in row.children] for row in doctree.findall(nodes.row)]


def test_a_table_bilingual_by_columns_keeps_one_language():
    zh, en = _doctree(TABLE), _doctree(TABLE)
    make_edition(zh, "zh")
    make_edition(en, "en")
    assert _table_text(zh) == [["中文", "定义", "首次出现", "#"], ["神经元", "基本计算单元", "第1章", "1"]]
    assert _table_text(en) == [["English", "Definition", "First used", "#"], ["neuron", "The basic unit", "Ch. 1", "1"]]
    tgroup = next(iter(en.findall(nodes.tgroup)))
    assert tgroup["cols"] == 4 and len([c for c in tgroup.children if isinstance(c, nodes.colspec)]) == 4


def test_an_unbalanced_table_keeps_its_columns_and_splits_only_split_columns():
    rst = TABLE.replace("     - 定义\n", "     - 定义 · Meaning\n").replace("     - 基本计算单元\n", "     - 基本计算单元 · a unit\n")
    # now one Chinese-only column (中文) and two English-only ones: nothing is dropped
    zh = _doctree(rst)
    make_edition(zh, "zh")
    assert _table_text(zh)[0] == ["English", "中文", "定义", "Definition", "首次出现", "#"]
    assert _table_text(zh)[1] == ["neuron", "神经元", "基本计算单元", "The basic unit", "第1章", "1"]


def test_a_table_of_numbers_is_left_alone():
    rst = ".. list-table::\n   :header-rows: 1\n\n   * - 批量\n     - float32\n     - float64\n   * - 16\n     - 1.0\n     - 2.0\n"
    for lang in ("zh", "en"):
        doctree = _doctree(rst)
        make_edition(doctree, lang)
        assert _table_text(doctree)[0] == ["批量", "float32", "float64"]


def test_make_edition_drops_the_other_language_everywhere():
    doctree = _doctree("text\n")
    section = nodes.section("", _title(nodes.Text("标题 · Heading")), ids=["heading"])
    doctree += section
    section += lang_block("", nodes.paragraph("", "中文段落"), lang="zh", classes=["lang-block", "lang-zh"])
    section += lang_block("", nodes.paragraph("", "English paragraph"), lang="en", classes=["lang-block", "lang-en"])
    section += nodes.container("", nodes.paragraph("", "aside"), classes=["lang-en"])
    section += nodes.raw("", '<p><span class="lang-zh">中</span><span class="lang-en">en</span></p>', format="html")
    ids = list(section["ids"])
    make_edition(doctree, "zh")
    text = doctree.astext()
    assert "中文段落" in text and "English paragraph" not in text and "aside" not in text
    assert next(iter(doctree.findall(nodes.title))).astext() == "标题"
    assert next(iter(doctree.findall(nodes.raw))).astext() == '<p><span class="lang-zh">中</span></p>'
    assert section["ids"] == ids  # section ids are the source's, in every edition


def test_keep_language_filters_raw_html():
    fragment = (
        '<h1>找不到页面 · Page not found</h1><div class="a lang-zh" lang="zh-Hans"><p>中文<br>段落</p></div>'
        '<div class="lang-en"><p>English &amp; <img src="x.png" alt="x"> more</p></div>'
    )
    assert keep_language(fragment, "zh") == '<h1>找不到页面</h1><div class="a lang-zh" lang="zh-Hans"><p>中文<br>段落</p></div>'
    assert keep_language(fragment, "en") == '<h1>Page not found</h1><div class="lang-en"><p>English &amp; <img src="x.png" alt="x"> more</p></div>'
    assert keep_language(fragment, "both") == fragment


# --- the built site -----------------------------------------------------------------------


def test_the_root_page_picks_an_edition(site):
    # with JavaScript: the browser's language, the remembered choice and ?lang= (test_browser.py);
    # without it, English, and a link to each edition
    html = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<noscript><meta http-equiv="refresh" content="0; url=en/intro\.html"></noscript>', html)
    for edition in EDITIONS:
        assert f'href="{edition}/intro.html"' in html


@pytest.mark.parametrize("page", PAGES)
def test_every_page_links_its_other_editions(site, page):
    for edition in EDITIONS:
        html = (site / edition / page).read_text(encoding="utf-8")
        alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', html))
        assert set(alternates) == {"zh-Hans", "en", "x-default"}, (edition, page)
        assert alternates["zh-Hans"].endswith(f"/zh/{page}") and alternates["en"].endswith(f"/en/{page}")
        assert alternates["zh-Hans"].startswith("https://")  # search engines want absolute addresses
        assert re.search(rf'<link rel="canonical" href="https://[^"]+/{edition}/{re.escape(page)}"', html)


def test_the_sitemap_lists_every_page_of_every_edition(site):
    tree = ET.parse(site / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = {u.findtext("s:loc", namespaces=ns): u for u in tree.getroot().findall("s:url", ns)}
    for edition in EDITIONS:
        for page in PAGES:
            matches = [loc for loc in urls if loc.endswith(f"/{edition}/{page}")]
            assert len(matches) == 1, (edition, page)
            links = urls[matches[0]].findall("x:link", ns)
            assert {link.get("hreflang") for link in links} == {"zh-Hans", "en"}
    assert not any(loc.endswith(("search.html", "genindex.html", "404.html")) for loc in urls)
    assert "Sitemap: https://" in (site / "robots.txt").read_text(encoding="utf-8")


def test_one_jupyterlite_serves_every_edition(site):
    assert (site / "lite" / "lab" / "index.html").exists()
    assert not any((site / edition / "lite").exists() for edition in EDITIONS)


@pytest.mark.parametrize("edition, lang", [("zh", "zh-CN"), ("en", "en"), ("both", "zh-CN")])
def test_each_edition_declares_its_language(site, edition, lang):
    for page in PAGES:
        html = (site / edition / page).read_text(encoding="utf-8")
        assert re.search(rf'<html lang="{lang}"', html), (edition, page)
        assert f'document.documentElement.dataset.edition = "{edition}"' in html


def _text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("page", PAGES)
def test_single_language_editions_hold_one_language(site, page):
    zh = (site / "zh" / page).read_text(encoding="utf-8")
    en = (site / "en" / page).read_text(encoding="utf-8")
    assert 'class="lang-block lang-zh"' in zh and 'class="lang-block lang-en"' not in zh
    assert 'class="lang-block lang-en"' in en and 'class="lang-block lang-zh"' not in en
    for html, lang in ((zh, "zh"), (en, "en")):
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        headings = [_text(h) for h in re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", html, re.S)]
        sidebar = _text(re.search(r'<nav class="[^"]*bd-docs-nav.*?</nav>', html, re.S).group(0))
        for text in [title, sidebar, *headings]:
            assert " · " not in text, (lang, page, text)
            if lang == "en":
                assert not HAN.search(text), (page, text)
        if lang == "zh":
            assert HAN.search(title) and all(HAN.search(h) for h in headings if h.strip()), (page, headings)
        # a table header never keeps both languages of a split column
        for header in re.findall(r"<th[^>]*>(.*?)</th>", html, re.S):
            assert " · " not in _text(header), (lang, page, header)


@pytest.mark.parametrize("page", PAGES)
def test_section_ids_are_the_same_in_every_edition(site, page):
    ids = {e: re.findall(r'<section id="([^"]+)"', (site / e / page).read_text(encoding="utf-8")) for e in EDITIONS}
    assert ids["zh"] == ids["en"] == ids["both"] and ids["zh"], page


@pytest.mark.parametrize(
    "edition, strings, absent",
    [
        ("zh", ["搜索本书", "上一页", "下一页", "链接到本节"], ["Search this book", "Link to this heading", "列印"]),
        ("en", ["Search this book", "previous", "next", "Link to this heading"], ["搜索本书", "上一页"]),
    ],
)
def test_the_theme_speaks_the_editions_language(site, edition, strings, absent):
    html = (site / edition / "chapters" / f"{CHAPTERS[1].stem}.html").read_text(encoding="utf-8")
    for text in strings:
        assert text in html, (edition, text)
    for text in absent:
        assert text not in html, (edition, text)
