"""Every chapter page fits a phone (390 px) and a desktop (1280 px), and nothing on it pretends.

Headless Chromium (Debian's), driven by Playwright, offline, like test_browser.py
(the browser, the server and the offline contexts are tests/conftest.py's).
For every chapter page of every edition that was built (``_build/html/{zh,en,both}/``,
or the single site in ``_build/html``), one fresh browser context per page:

* at 1280 px: no sideways scrolling of the page; no clipped display equation,
  table or code output; exercise solutions hide their output until opened; no
  enabled widget control that does nothing (an explorer runs in the page, which
  test_explorers_live.py checks, or is its saved figure plus links to run it
  live); no line starts with Chinese closing punctuation; inline maths at the
  text's size; no literal ``**``; one search box; and everything the page loads
  weighs at most 2.5 MB;
* at 390 px: no sideways scrolling of the page, and no line starting with
  Chinese closing punctuation.

Screenshots at both widths go to _build/screenshots/ for a person to look at.
The tests wait for conditions (the page loaded, maths typeset, the network
idle), never for a fixed time.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import layout
import pytest
from docutils import nodes

from conftest import CHAPTERS, HTML, ROOT, SHOTS, evaluate_within, offline_context

#: Decoded bytes of a chapter page and everything it loads, in a fresh context.
PAGE_BUDGET = 2_500_000
DESKTOP, PHONE = 1280, 390
#: Tick labels at least 11 px on a desktop, as on a phone: a figure is shown at no less
#: than 11 px / (10 pt at FIGURE_DPI) of its natural size.
MIN_TICK_PX, TICK_PT = 11, 10


def editions() -> list[str]:
    """The language editions that were built ("zh", "en", "both"), or [""] for one site."""
    built = [e for e in ("zh", "en", "both") if (HTML / e / "index.html").exists()]
    return built or [""]


CASES = [(edition, f"chapters/{p.stem}.html") for edition in editions() for p in CHAPTERS]
#: The pages with the widest tables, in one edition (their layout is the same in each).
CASES += [(editions()[0], page) for page in ("glossary.html", "errata.html")]


@pytest.fixture
def page(browser):
    """A fresh context (empty cache and storage) that stays offline."""
    context = offline_context(browser, viewport={"width": DESKTOP, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    yield page
    context.close()


def _open(page, url: str) -> None:
    """Load a page and wait until its maths is typeset, its fonts are in and the network is idle."""
    page.goto(url, wait_until="load")
    page.wait_for_function("() => !window.MathJax || (window.MathJax.startup && window.MathJax.startup.promise)")
    evaluate_within(page, "() => window.MathJax && window.MathJax.startup ? window.MathJax.startup.promise : null")
    evaluate_within(page, "() => document.fonts.ready.then(() => true)")
    page.wait_for_load_state("networkidle")


def _shot(page, edition: str, path: str, width: int) -> None:
    """The top of the page, and the first explorer and the first long equation where there are."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = "-".join(p for p in ("layout", edition, Path(path).stem, str(width)) if p)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    for part, selector in (("explorer", ".tag_explorer-static"), ("aside", "details.aside")):
        found = page.locator(selector)
        if found.count():
            found.first.screenshot(path=str(SHOTS / f"{name}-{part}.png"))


PAGE_SCROLL = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

CLIPPED = """() => {
  const shown = e => e.offsetParent !== null && e.getClientRects().length > 0;
  // a box that scrolls with the cue (a code listing, which keeps its lines) hides nothing unsaid
  const cued = e => { const f = e.closest(".scroll-frame"); return !!f && (f.getAttribute("data-overflow") || "").includes("right"); };
  const clipped = (sel, listings) => [...document.querySelectorAll(sel)]
    .filter(e => shown(e) && e.scrollWidth > e.clientWidth + 1
      && !(listings && e.closest('div[class*="highlight-python"]') && cued(e)))
    .map(e => `${(e.innerText || e.textContent).trim().slice(0, 50)}… (${e.scrollWidth} px in ${e.clientWidth} px)`);
  // A box wider than the article column is clipped by it even if it does not scroll itself.
  const column = document.querySelector(".bd-article").getBoundingClientRect();
  const sticking = sel => [...document.querySelectorAll(sel)]
    .filter(e => shown(e) && e.getBoundingClientRect().right > column.right + 1)
    .map(e => `${(e.innerText || e.textContent).trim().slice(0, 50)}… (right edge ${Math.round(e.getBoundingClientRect().right)} px > ${Math.round(column.right)} px)`);
  return {
    equations: clipped('.bd-article mjx-container[display="true"]').concat(sticking('.bd-article mjx-container[display="true"]')),
    tables: clipped(".bd-article table, .bd-article .table-wrapper").concat(sticking(".bd-article table")),
    outputs: clipped(".bd-article .cell_output pre, .bd-article .cell_output .output", true).concat(sticking(".bd-article .cell_output pre")),
  };
}"""

EXERCISE_OUTPUTS_SHOWN = """() => {
  // Hidden: folded in a closed <details> (outside its summary), or not rendered at all.
  const folded = e => { for (let d = e.closest("details:not([open])"); d; d = d.parentElement && d.parentElement.closest("details:not([open])")) { if (!d.querySelector(":scope > summary") || !d.querySelector(":scope > summary").contains(e)) return true; } return false; };
  const shown = e => e && !folded(e) && e.offsetParent !== null && e.getBoundingClientRect().height > 0;
  const headings = [...document.querySelectorAll(".bd-article section > h2")].filter(h => /Exercises/.test(h.textContent));
  const found = [];
  for (const h of headings) {
    for (const cell of h.parentElement.querySelectorAll(".cell")) {
      const input = cell.querySelector(".cell_input"), output = cell.querySelector(".cell_output");
      if (output && !shown(input) && shown(output)) found.push((output.innerText || "").trim().slice(0, 60));
    }
  }
  return {headings: headings.length, shown: found};
}"""

LIVE_CONTROLS = """() => [...document.querySelectorAll(
    ".jupyter-widgets input, .jupyter-widgets select, .jupyter-widgets button, .widget-slider, .widget-hslider, .cell_output input, .cell_output select, .cell_output button")]
  .filter(e => e.offsetParent !== null && !e.disabled && !e.classList.contains("copybtn") && !e.closest(".ce-live-explorer"))
  .map(e => e.className || e.tagName)"""

#: Chinese closing punctuation that starts a line: its box is below the text just before it.
PUNCTUATION_AT_LINE_START = r"""() => {
  const marks = "，。；：）、";
  const article = document.querySelector(".bd-article");
  const skip = n => n.parentElement.closest("pre, code, mjx-container, script, style, .headerlink");
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  const found = [];
  const rectOf = (node, start, end) => { const r = document.createRange(); r.setStart(node, start); r.setEnd(node, end); const rs = r.getClientRects(); return rs.length ? rs[rs.length - 1] : null; };
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.data;
    if (skip(node) || !/[，。；：）、]/.test(text)) continue;
    if (node.parentElement.offsetParent === null) continue;
    for (let i = 0; i < text.length; i++) {
      if (!marks.includes(text[i])) continue;
      const here = rectOf(node, i, i + 1);
      let before = null;
      if (i > 0) before = rectOf(node, i - 1, i);
      else {
        let prev = node.previousSibling;
        while (prev && prev.nodeType === 3 && !prev.data.trim()) prev = prev.previousSibling;
        if (prev && prev.nodeType === 1) { const rs = prev.getClientRects(); before = rs.length ? rs[rs.length - 1] : null; }
      }
      if (here && before && here.width > 0 && here.top >= before.bottom - 2) {
        found.push(text.slice(Math.max(0, i - 12), i + 6).replace(/\s+/g, " "));
      }
    }
  }
  return found;
}"""

INLINE_MATH_SCALE = """() => [...document.querySelectorAll('.bd-article mjx-container:not([display="true"])')]
  .filter(e => e.offsetParent !== null)
  .map(e => parseFloat(getComputedStyle(e).fontSize) / parseFloat(getComputedStyle(e.parentElement).fontSize))"""

LITERAL_STARS = """() => {
  const article = document.querySelector(".bd-article").cloneNode(true);
  article.querySelectorAll("pre, code, script, .highlight, mjx-container").forEach(e => e.remove());
  return (article.textContent.match(/.{0,30}\\*\\*.{0,30}/g) || []);
}"""

SEARCH_BOXES = """() => [...document.querySelectorAll('input[type="search"], .search-button-field, form.bd-search')]
  .filter(e => e.offsetParent !== null && e.getBoundingClientRect().width > 0).length"""

FIGURES = """() => [...document.querySelectorAll(".bd-article .cell_output img")]
  .filter(e => e.offsetParent !== null && e.naturalWidth > 0)
  .map(e => ({src: e.getAttribute("src").slice(-20), natural: e.naturalWidth, shown: e.getBoundingClientRect().width}))"""

PAGE_BYTES = """() => performance.getEntries()
  .filter(e => "decodedBodySize" in e)
  .map(e => [e.name, e.decodedBodySize])"""


# --- The extension's parts, without a build --------------------------------------


def _app(edition=None):
    config = SimpleNamespace(html_theme_options={
        "repository_url": "https://github.com/owner/repo", "repository_branch": "main", "path_to_docs": "",
        "launch_buttons": {"binderhub_url": "https://mybinder.org"},
    })
    if edition:
        config.course_edition = edition
    return SimpleNamespace(config=config)


def _explorer_notebook():
    png = "iVBORw0KGgo="
    state = {
        "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_controls", "IPY_MODEL_out"]}},
        "controls": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_eta"]}},
        "eta": {"model_name": "FloatLogSliderModel", "state": {"description": "η 学习率", "value": 0.15}},
        "out": {"model_name": "OutputModel", "state": {"outputs": [
            {"output_type": "display_data", "data": {"image/png": png, "text/plain": "<Figure>"}, "metadata": {}}]}},
    }
    view = {"application/vnd.jupyter.widget-view+json": {"model_id": "box", "version_major": 2, "version_minor": 0},
            "text/plain": "VBox(...)"}
    return {
        "metadata": {"widgets": {"application/vnd.jupyter.widget-state+json": {"state": state}}},
        "cells": [{"cell_type": "code", "metadata": {}, "source": "cb.x_explorer()",
                   "outputs": [{"output_type": "display_data", "data": view, "metadata": {}}]}],
    }, png


@pytest.mark.parametrize("edition", [None, "zh", "en"])
def test_an_explorer_becomes_its_saved_figure_with_live_links(edition):
    nb, png = _explorer_notebook()
    assert layout.make_explorers_static(_app(edition), "chapters/05_deep", nb) == 1
    assert "widgets" not in nb["metadata"]  # no widget state: no widget manager on the page
    cell = nb["cells"][0]
    assert "explorer-static" in cell["metadata"]["tags"]
    note, figure = cell["outputs"]
    assert figure["data"] == {"image/png": png}
    html = note["data"]["text/html"]
    # the page is <edition>/chapters/05_deep.html; the one JupyterLite is <site>/lite/
    folder = f"{edition}/" if edition else ""  # zh and en open their edition's own notebook
    assert f'href="../../lite/lab/index.html?path={folder}05_deep.ipynb" target="_blank"' in html
    assert "https://mybinder.org/v2/gh/owner/repo/main?urlpath=lab/tree/chapters/05_deep.ipynb" in html
    assert "η 学习率 = <b>0.15</b>" in html  # one setting a line, its value in bold
    assert ('lang="zh-Hans"' in html) == (edition != "en")
    assert ('lang="en"' in html) == (edition != "zh")


def test_aside_cells_get_markers_around_each_run():
    tagged = {"cell_type": "markdown", "metadata": {"tags": ["source-aside"]}, "source": "x"}
    plain = {"cell_type": "markdown", "metadata": {}, "source": "y"}
    nb = {"cells": [plain, tagged, dict(tagged), plain, tagged]}
    assert layout.mark_asides(nb) == 2
    kinds = [c["source"].split()[1] if "aside-marker" in c["source"] else c["source"] for c in nb["cells"]]
    assert kinds == ["y", "start", "x", "x", "end", "y", "start", "x", "end"]


def test_two_asides_in_a_row_are_two_asides():
    """A title cell inside a run of aside cells starts the next aside (ch3, ch4 had theirs
    folded into the aside before them, their titles a bold line in both languages)."""
    def aside(source, cell_type="markdown"):
        return {"cell_type": cell_type, "metadata": {"tags": ["source-aside"]}, "source": source}
    first = aside("(aside-ch3-distance)=\n**关于原文：距离 · About the source: distance**")
    second = aside("(aside-ch3-missing-log)=\n**关于原文：$\\ln$丢了 · About the source: the missing $\\ln$**")
    body, code = aside("Body **with bold** text."), aside("print(1)", "code")
    bold_body = aside("**A bold line inside the aside**\n\nand more.")
    nb = {"cells": [first, body, code, second, body, bold_body]}
    assert layout.mark_asides(nb) == 2
    kinds = [c["source"].split()[1] if "aside-marker" in c["source"] else c for c in nb["cells"]]
    assert kinds == ["start", first, body, code, "end", "start", second, body, bold_body, "end"]
    assert len({c["id"] for c in nb["cells"] if "id" in c}) == 4  # each marker cell its own id


def test_a_side_topic_and_a_source_aside_next_to_each_other_are_two_asides_of_their_kinds():
    def cell(tag, source):
        return {"cell_type": "markdown", "metadata": {"tags": [tag]}, "source": source}
    topic = cell("aside", "(aside-ch2-scoring)=\n**恰当评分规则 · Proper scoring rules**")
    topic_body = cell("aside", "Body.")
    source = cell("source-aside", "Told by a source.")  # no title cell of its own: a new aside all the same
    nb = {"cells": [topic, topic_body, source]}
    assert layout.mark_asides(nb) == 2
    markers = [c["source"].splitlines()[0].split()[1:] for c in nb["cells"] if "aside-marker" in c["source"]]
    assert markers == [["start", "aside"], ["end"], ["start", "source-aside"], ["end"]]


@pytest.mark.parametrize("tag, classes", [("aside", ["aside"]), ("source-aside", ["aside", "source-aside"])])
def test_an_aside_s_box_says_its_kind(tag, classes):
    doc = _aside_doctree(tag)
    layout.build_asides(_app("en"), doc)
    (aside,) = doc.findall(layout.source_aside)
    assert aside["classes"] == classes


def _aside_doctree(tag: str = "source-aside"):
    from docutils.frontend import get_default_settings
    from docutils.utils import new_document
    from myst_parser.parsers.docutils_ import Parser

    doc = new_document("page", get_default_settings(Parser))
    Parser().parse("(aside-ch5-test)=\n**关于原文：符号 · About the source: a sign**\n\nBody text.\n", doc)
    doc.insert(0, layout.aside_marker(kind="start", tag=tag))
    doc.append(layout.aside_marker(kind="end"))
    return doc


@pytest.mark.parametrize("edition, halves", [(None, ["zh", "en"]), ("both", ["zh", "en"]), ("zh", ["zh"]), ("en", ["en"])])
def test_an_aside_folds_under_its_title_in_the_edition_s_languages(edition, halves):
    doc = _aside_doctree()
    layout.build_asides(_app(edition), doc)
    (aside,) = doc.findall(layout.source_aside)
    assert "aside-ch5-test" in aside["ids"]  # the label still leads here
    summary = aside[0]
    assert isinstance(summary, layout.aside_summary)
    spans = list(summary.findall(layout.lang_span))
    assert [s["lang"] for s in spans] == halves
    text = {s["lang"]: s.astext() for s in spans}
    assert text.get("zh", "关于原文：符号") == "关于原文：符号" and text.get("en", "About the source: a sign") == "About the source: a sign"
    assert aside.astext().endswith("Body text.")
    assert not list(doc.findall(layout.aside_marker))


def test_chinese_punctuation_stays_with_the_maths_before_it():
    para = nodes.paragraph("", "", nodes.Text("设"), nodes.math("", "x"), nodes.Text("，则 "), nodes.math("", "y"), nodes.Text(" ok"))
    doc = nodes.document(None, None)
    doc += para
    layout.keep_punctuation_with_math(None, doc)
    groups = list(doc.findall(lambda n: isinstance(n, nodes.inline) and "nobr" in n["classes"]))
    assert len(groups) == 1 and groups[0].astext() == "x，"
    assert para.astext() == "设x，则 y ok"


def test_an_opening_bracket_stays_with_the_maths_after_it_and_no_comma_is_doubled():
    # "，" twice in the paragraph: each comma stays where it is, once (a Text is found by identity)
    para = nodes.paragraph("", "", nodes.Text("设（"), nodes.math("", "x"), nodes.Text("），"), nodes.math("", "y"),
                           nodes.Text("，"), nodes.math("", "z"), nodes.Text("，完"))
    doc = nodes.document(None, None)
    doc += para
    layout.keep_punctuation_with_math(None, doc)
    groups = [g.astext() for g in doc.findall(lambda n: isinstance(n, nodes.inline) and "nobr" in n["classes"])]
    assert groups == ["（x），", "y，", "z，"]
    assert para.astext() == "设（x），y，z，完"


def test_equations_are_renumbered_per_chapter():
    title = lambda text: nodes.title("", text)  # noqa: E731
    env = SimpleNamespace(
        titles={"chapters/04_net": title("4 三层网络 · A network"), "glossary": title("术语表 · Glossary"),
                "chapters/x": title("Untitled"), "chapters/07_app": title("附录A 梯度检验可信吗 · Appendix A Checks"),
                "chapters/08_app": title("Appendix B More")},
        toctree_includes={"intro": ["chapters/01", "chapters/x", "chapters/07_app", "chapters/08_app"]},
        config=SimpleNamespace(root_doc="intro"),
        toc_fignumbers={
            "chapters/04_net": {"displaymath": {"equation-b": (41,), "equation-a": (40,)}},
            "glossary": {"displaymath": {"equation-g": (48,)}},
            "chapters/x": {"displaymath": {"equation-x": (49,)}},
            "chapters/07_app": {"displaymath": {"equation-q": (51,), "equation-p": (50,)}},
            "chapters/08_app": {"displaymath": {"equation-r": (52,)}},
        },
    )
    changed = layout.number_equations_per_chapter(None, env)
    assert env.toc_fignumbers["chapters/04_net"]["displaymath"] == {"equation-a": (4, 1), "equation-b": (4, 2)}
    assert env.toc_fignumbers["glossary"]["displaymath"] == {"equation-g": (1,)}
    assert env.toc_fignumbers["chapters/x"]["displaymath"] == {"equation-x": (2, 1)}  # second chapter in the TOC
    # an appendix is numbered by its letter: A.1, A.2 (Sphinx joins the parts with "."), by either title
    assert env.toc_fignumbers["chapters/07_app"]["displaymath"] == {"equation-p": ("A", 1), "equation-q": ("A", 2)}
    assert env.toc_fignumbers["chapters/08_app"]["displaymath"] == {"equation-r": ("B", 1)}
    assert set(changed) == {"chapters/04_net", "glossary", "chapters/x", "chapters/07_app", "chapters/08_app"}


# --- Code in one language per edition (_ext/codefold.py) ----------------------------

import codefold  # noqa: E402

_HAN_IN_CODE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")

_PAIRS = '''ax.set_xlabel(t("带权输入z", "weighted input z"))
lines = [cb.Bilingual(f"起点 {start}", f"start {start}"), "η = 0.15"]
for name, y in ((("干净", "clean"), y_clean),):
    print(cb.Bilingual("模型：" + ("是" if ok else "否"), f"model: {ok}"))
x = ("C1", "-", "二次代价", "quadratic")
lines.append(cb.Bilingual(f"  {D}个隐藏层",
                          f"  {D} hidden"))
y = t("甲", "a", size=3)
%matplotlib inline
z = W @ a + b  # 带权输入 · weighted input
    # 先算前向 · forward first, a · b
s = "# 不是注释 · not a comment"  # only English
'''


def test_a_bilingual_call_shows_its_own_language_and_a_pair_folds_the_other():
    assert codefold.visible_code(_PAIRS, "en") == '''ax.set_xlabel("weighted input z")
lines = [f"start {start}", "η = 0.15"]
for name, y in (((…, "clean"), y_clean),):
    print(f"model: {ok}")
x = ("C1", "-", …, "quadratic")
lines.append(f"  {D} hidden")
y = t(…, "a", size=3)
%matplotlib inline
z = W @ a + b  # weighted input
    # forward first, a · b
s = "# 不是注释 · not a comment"  # only English
'''
    assert codefold.visible_code(_PAIRS, "zh") == '''ax.set_xlabel("带权输入z")
lines = [f"起点 {start}", "η = 0.15"]
for name, y in ((("干净", …), y_clean),):
    print("模型：" + ("是" if ok else "否"))
x = ("C1", "-", "二次代价", …)
lines.append(f"  {D}个隐藏层")
y = t("甲", …, size=3)
%matplotlib inline
z = W @ a + b  # 带权输入
    # 先算前向
s = "# 不是注释 · not a comment"  # only English
'''
    assert codefold.visible_code(_PAIRS, "both") == _PAIRS
    folded, texts = codefold.fold_source(_PAIRS, "en")
    # a call hides its name and its other argument, unmarked; a pair's other string has a marker
    assert texts[:2] == [['t("带权输入z", ', False], [")", False]] and [t[1] for t in texts].count(True) == 3
    # what is hidden and what is shown make the source again, for the copy button
    assert re.sub("[\ue000-\uf8ff]", lambda m: texts[ord(m[0]) - codefold.FIRST_MARK][0], folded) == _PAIRS
    # each hidden span is one private-use character, so Pygments and the search index see no Chinese
    assert not _HAN_IN_CODE.search(folded.split("\ns = ")[0]) and folded.count("\ue000") == 1
    assert codefold.fold_source("this is not python (", "en") == ("this is not python (", [])


def _code_as_shown(path: Path, edition: str):
    """(index, code) of each code cell of a chapter, as the edition shows it."""
    import json

    for index, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        if cell["cell_type"] == "code":
            yield index, codefold.visible_code("".join(cell["source"]), edition)


def test_the_chinese_edition_folds_english_docstrings_and_a_listings_english_comments():
    source = 'def f(x):\n    """Sum of x."""\n    return x  # add nothing\n'
    assert codefold.visible_code(source, "zh") == 'def f(x):\n    """…"""\n    return x  # add nothing\n'
    assert codefold.visible_code(source, "zh", listing=True) == 'def f(x):\n    """…"""\n    return x  # …\n'
    assert codefold.visible_code(source, "en", listing=True) == source
    # a method listed as it sits in its class; a comment of symbols alone stays
    method = '    def g(self):\n        "Doc."\n        return 1  # (M, K)\n'
    assert codefold.visible_code(method, "zh", listing=True) == '    def g(self):\n        "…"\n        return 1  # (M, K)\n'
    assert codefold.visible_code('def h():\n    """中文的文档"""\n', "zh") == 'def h():\n    """中文的文档"""\n'
    assert codefold.visible_code('def k():\n    r"""x"""\n', "zh") == 'def k():\n    r"""…"""\n'  # a prefix and one word


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_a_chapters_code_shows_no_chinese_in_the_english_edition(path):
    """STYLE.md, "Code in two languages": every Chinese string in code is the first of a pair."""
    left = [f"cell {index}: {line.strip()[:80]}" for index, code in _code_as_shown(path, "en")
            for line in code.split("\n") if _HAN_IN_CODE.search(line)]
    assert not left, f"{path.name}: Chinese the English edition would show in code:\n  " + "\n  ".join(left)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_a_chapters_comments_speak_chinese_in_the_chinese_edition(path):
    """Every comment of a chapter's code, as the Chinese edition shows it, has Chinese in it."""
    import io
    import tokenize

    left = []
    for index, code in _code_as_shown(path, "zh"):
        for token in tokenize.generate_tokens(io.StringIO(codefold.blank_magics(code)).readline):
            if token.type == tokenize.COMMENT and not _HAN_IN_CODE.search(token.string):
                left.append(f"cell {index}: {token.string[:80]}")
    assert not left, f"{path.name}: comments the Chinese edition would show in English only:\n  " + "\n  ".join(left)


# --- Printed tables line up: the library pads by display width ----------------------

def test_tables_are_padded_by_display_width_in_each_language():
    import ce_backprop as cb

    assert cb.display_width("交叉熵") == 6 and cb.display_width("η = 0.5，a") == 10 and cb.display_width("ab") == 2
    assert cb.pad_to_width("交叉熵", 8) == "交叉熵  " and cb.pad_to_width("CE", 8, ">") == "      CE"
    assert cb.pad_to_width("轮数", 7, "^") == " 轮数  " and cb.pad_to_width("too long", 3) == "too long"
    cell = cb.pad_to_width(cb.Bilingual("二次代价", "quadratic"), 12)
    assert (cell.zh, cell.en) == ("二次代价    ", "quadratic   ")
    rows = [cb.pad_to_width(cb.Bilingual(zh, en), 14) + f"{v:7.3f}" for zh, en, v in
            [("交叉熵", "cross-entropy", 0.4), ("二次", "quadratic", 0.8)]]
    for lang in ("zh", "en"):
        widths = {cb.display_width(r.in_language(lang)) for r in rows}
        assert len(widths) == 1, (lang, [r.in_language(lang) for r in rows])
    with pytest.raises(ValueError):
        cb.pad_to_width("x", 3, "=")


# --- Page weight: the theme's stylesheet and the figures ----------------------------

def test_the_theme_stylesheet_loses_only_the_icon_font_glyphs():
    css = ('.a{color:red}.fa-rocket:before{content:"\\f135"}.fa-lg{font-size:1.25em}'
           '.fa-github:before,.fa-github-alt::before{content:"\\f09b"}.svg-inline--fa{height:1em}')
    assert layout._FA_GLYPH_RULE_RE.sub("", css) == ".a{color:red}.fa-lg{font-size:1.25em}.svg-inline--fa{height:1em}"


def test_a_figure_png_gets_smaller_and_stays_the_same_picture():
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from PIL import Image, ImageChops

    fig, ax = plt.subplots(figsize=(4, 3), dpi=150)
    x = np.linspace(0, 6, 400)
    for k in range(5):
        ax.plot(x, np.sin(x + k), lw=2, label=f"curve {k}")
    ax.legend()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    original = buf.getvalue()
    smaller = layout.smaller_png(original)
    assert smaller is not None and len(smaller) < 0.7 * len(original)
    a, b = Image.open(io.BytesIO(original)).convert("RGB"), Image.open(io.BytesIO(smaller)).convert("RGB")
    assert a.size == b.size
    diff = np.asarray(ImageChops.difference(a, b), dtype=float)
    assert diff.mean() < 1.0 and np.percentile(diff, 99.9) < 40  # the same picture to the eye
    assert layout.smaller_png(smaller) is None  # already a palette image: left as it is


# --- The built site in a browser ---------------------------------------------------


def _explorer_problems(page, path: str) -> list[str]:
    """An explorer is its saved figure plus links that open the chapter live."""
    stem = Path(path).stem
    notebook = ROOT / "chapters" / f"{stem}.ipynb"
    if not notebook.exists():
        return []
    source = notebook.read_text(encoding="utf-8")
    expected = source.count('"application/vnd.jupyter.widget-view+json"')
    explorers = page.locator(".tag_explorer-static")
    found = []
    if explorers.count() < expected:
        found.append(f"{expected} widget outputs but {explorers.count()} explorers shown as saved figures")
    for i in range(explorers.count()):
        cell = explorers.nth(i)
        if cell.locator(".cell_output img").count() < 1:
            found.append(f"explorer {i + 1} shows no saved figure")
        lite = cell.locator("a.explorer-lite")
        if lite.count() != 1 or lite.get_attribute("target") != "_blank" or not re.search(
                rf"lite/lab/index\.html\?path=(?:zh/|en/)?{re.escape(stem)}\.ipynb$", lite.get_attribute("href") or ""):
            found.append(f"explorer {i + 1} has no JupyterLite link opening {stem}.ipynb in a new tab")
        binder = cell.locator("a.explorer-binder")
        if binder.count() != 1 or not (binder.get_attribute("href") or "").endswith(f"chapters/{stem}.ipynb"):
            found.append(f"explorer {i + 1} has no Binder link")
    if page.locator("script[type='application/vnd.jupyter.widget-state+json']").count():
        found.append("the page carries saved widget state")
    return found


#: Asides inside asides, and aside titles that stayed bold paragraphs (two asides in a row
#: were once folded into one, the second's title a bold line in both languages).
ASIDES_NESTED = """() => ({
  nested: [...document.querySelectorAll("details.aside details.aside")].map(d => d.id),
  stray: [...document.querySelectorAll(".bd-article p > strong:only-child")]
    .filter(s => !s.closest("summary") && /^(关于原文|About the source)/.test(s.textContent.trim()))
    .map(s => s.textContent.trim().slice(0, 60)),
  titles: [...document.querySelectorAll("details.aside > summary")].map(s => ({
    text: s.textContent.trim(), langs: [...s.querySelectorAll("[lang]")].map(e => e.getAttribute("lang"))})),
})"""


def _aside_problems(page, edition: str = "", path: str = "") -> list[str]:
    """Asides (side topics and source asides) are folded, each on its own (none inside
    another), titled in the edition's languages only, one per label in the notebook, and
    open when linked to."""
    found = []
    shape = page.evaluate(ASIDES_NESTED)
    found += [f"the aside {i} is inside another aside" for i in shape["nested"]]
    found += [f"an aside's title is a bold line inside another aside: {t!r}" for t in shape["stray"]]
    for title in shape["titles"]:
        if edition == "en" and (re.search(HAN_RE, title["text"]) or "zh-Hans" in title["langs"]):
            found.append(f"Chinese in an English aside's title: {title['text'][:60]!r}")
        if edition == "zh" and "en" in title["langs"]:
            found.append(f"English in a Chinese aside's title: {title['text'][:60]!r}")
    notebook = ROOT / path.replace(".html", ".ipynb") if path else None
    if notebook is not None and notebook.exists():
        labels = re.findall(r"\((aside-[\w-]+)\)=", notebook.read_text(encoding="utf-8"))
        ids = set(page.eval_on_selector_all("details.aside", "ds => ds.map(d => d.id)"))
        found += [f"the aside {label} is not a folded aside of its own" for label in labels if label not in ids]
    asides = page.eval_on_selector_all("details.aside", "ds => ds.map(d => [d.id, d.open, d.querySelectorAll(':scope > summary [lang]').length])")
    for aside_id, is_open, halves in asides:
        if is_open:
            found.append(f"the aside {aside_id} is open before the reader opens it")
        if not halves:
            found.append(f"the aside {aside_id} has no title in the reader's language")
        if not aside_id.startswith("aside-"):
            found.append(f"an aside has no label (aside-chN-topic): {aside_id!r}")
            continue
        page.evaluate("(id) => { window.location.hash = id; }", aside_id)
        page.wait_for_function("(id) => document.getElementById(id).open", arg=aside_id)
        page.evaluate("(id) => { document.getElementById(id).open = false; history.replaceState(null, '', location.pathname + location.search); }", aside_id)
    return found


def _numbering_problems(page, path: str) -> list[str]:
    """Equations are numbered N.1, N.2, … in chapter N (A.1, A.2, … in appendix A), and {eq} links read the same numbers."""
    title = page.eval_on_selector(".bd-article h1", "h => h.textContent.trim()") if page.query_selector(".bd-article h1") else ""
    match = re.match(r"(?:(\d+)|(?:附录|Appendix\s+)([A-Z]))(?:\s|$)", title)
    numbers = page.eval_on_selector_all(".bd-article span.eqno", "es => es.map(e => e.firstChild.textContent.trim())")
    if not match and Path(path).stem[:1].isdigit() and numbers:
        return [f"a chapter page whose title names no chapter or appendix: {title[:40]!r}"]
    if not match or not numbers:
        return []
    chapter = match[1] or match[2]
    found = []
    if numbers != [f"({chapter}.{i})" for i in range(1, len(numbers) + 1)]:
        found.append(f"equation numbers are not ({chapter}.1), ({chapter}.2), …: {numbers[:6]}")
    anchors = dict(page.eval_on_selector_all(
        ".bd-article div.math[id^='equation-']",
        "ds => ds.map(d => [d.id, d.querySelector('span.eqno').firstChild.textContent.trim()])",
    ))
    refs = page.eval_on_selector_all(
        ".bd-article a[href*='#equation-']:not(.headerlink)",
        "as => as.map(a => [a.getAttribute('href').split('#')[1], a.textContent.trim()])",
    )
    for target, text in refs:
        if target in anchors and text != anchors[target]:
            found.append(f"a reference to {target} reads {text}, the equation {anchors[target]}")
    return found


@pytest.mark.parametrize("edition, path", CASES, ids=[f"{e or 'site'}-{Path(p).stem}" for e, p in CASES])
def test_page_fits_and_does_not_pretend(page, base_url, edition, path):
    url = f"{base_url}{edition + '/' if edition else ''}{path}"
    _open(page, url)
    problems: list[str] = []

    # Weight: everything this fresh context loaded for the page.
    entries = page.evaluate(PAGE_BYTES)
    total = sum(size for _, size in entries)
    if total > PAGE_BUDGET:
        heaviest = sorted(entries, key=lambda e: -e[1])[:6]
        problems.append(f"page weighs {total / 1e6:.2f} MB > {PAGE_BUDGET / 1e6} MB; heaviest: "
                        + ", ".join(f"{name.rsplit('/', 1)[-1]} {size // 1000} kB" for name, size in heaviest))
    if any("embed-amd" in name or "html-manager" in name for name, _ in entries):
        problems.append("the page loads the widget manager, but the static site has no live widget")

    # Desktop.
    scroll = page.evaluate(PAGE_SCROLL)
    if scroll > 0:
        problems.append(f"at {DESKTOP} px the page scrolls sideways by {scroll} px")
    for kind, items in page.evaluate(CLIPPED).items():
        problems += [f"at {DESKTOP} px a clipped {kind[:-1]}: {item}" for item in items]
    exercises = page.evaluate(EXERCISE_OUTPUTS_SHOWN)
    problems += [f"an exercise solution's output shows before it is opened: {t!r}" for t in exercises["shown"]]
    problems += [f"an enabled widget control on the static site: {c}" for c in page.evaluate(LIVE_CONTROLS)]
    problems += [f"at {DESKTOP} px a line starts with punctuation: {t!r}" for t in page.evaluate(PUNCTUATION_AT_LINE_START)]
    scales = page.evaluate(INLINE_MATH_SCALE)
    big = [s for s in scales if s > 1.08]
    if big:
        problems.append(f"{len(big)} inline formulas are larger than the text (up to {max(big):.0%})")
    problems += [f"literal ** in the text: {t!r}" for t in page.evaluate(LITERAL_STARS)]
    boxes = page.evaluate(SEARCH_BOXES)
    if boxes != 1:
        problems.append(f"{boxes} search boxes on the page (one expected)")
    for fig in page.evaluate(FIGURES):
        dpi = 150
        tick_px = TICK_PT * dpi / 72 * fig["shown"] / fig["natural"]
        if tick_px < MIN_TICK_PX:
            problems.append(f"figure …{fig['src']} is shown at {fig['shown']:.0f} of {fig['natural']} px: "
                            f"tick labels about {tick_px:.1f} px")
    problems += _aside_problems(page, edition, path)
    problems += _explorer_problems(page, path)
    problems += _numbering_problems(page, path)
    _shot(page, edition, path, DESKTOP)

    # Phone: the same page at 390 px, its maths laid out again for that width.
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.wait_for_function(f"() => document.documentElement.clientWidth === {PHONE}")
    evaluate_within(page, "() => window.MathJax && MathJax.rerenderPromise ? MathJax.rerenderPromise().then(() => true) : null")
    scroll = page.evaluate(PAGE_SCROLL)
    if scroll > 0:
        problems.append(f"at {PHONE} px the page scrolls sideways by {scroll} px")
    problems += [f"at {PHONE} px a line starts with punctuation: {t!r}" for t in page.evaluate(PUNCTUATION_AT_LINE_START)]
    _shot(page, edition, path, PHONE)

    assert page.errors == [], page.errors
    assert not problems, f"{path} ({edition or 'site'}):\n  " + "\n  ".join(problems)


def test_jupyterlite_opens_a_clean_notebook(page, base_url):
    """The chapter opens in JupyterLite unmodified: no 'changed' mark before the reader edits."""
    notebook = CHAPTERS[0].name
    lite = next((f"{e}/lite/" if e else "lite/" for e in ["", *editions()]
                 if (HTML / e / "lite" / "lab" / "index.html").exists()), None)
    if lite is None:
        pytest.fail("JupyterLite is not built: run `make build` (tools/build_lite.py)")
    page.goto(f"{base_url}{lite}lab/index.html?path={notebook}", wait_until="load")
    page.wait_for_selector(".jp-Notebook .jp-MarkdownOutput h1", timeout=90000)
    # The session has settled on JupyterLite's kernel: the moment a mismatch would mark it changed.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-Toolbar-kernelName')].some(e => /Pyodide/.test(e.textContent))",
        timeout=60000,
    )
    page.wait_for_load_state("networkidle")
    assert page.locator(".jp-mod-dirty").count() == 0, "the notebook is marked as modified on opening"


# --- What a reader sees on a phone (390 px), box by box ------------------------------

PHONE_BOXES = """async () => {
  // each box laid out before it is measured: one in a section far from the screen, that
  // content-visibility skips, is brought on screen first (and its scroll cue set, layout.js)
  // two frames, so what was scrolled to is laid out; at most 250 ms, since a headless page
  // now and then stops drawing frames and would otherwise hold the test for ever
  const frames = () => new Promise(r => { requestAnimationFrame(() => requestAnimationFrame(r)); setTimeout(r, 250); });
  const skipped = box => !box.checkVisibility || (box.checkVisibility() && !box.checkVisibility({contentVisibilityAuto: true}));
  for (const box of document.querySelectorAll(".bd-article .scroll-box, .bd-article table")) {
    if (!skipped(box)) continue;
    box.scrollIntoView({block: "center"});
    await frames();
  }
  await frames();
  window.scrollTo(0, 0);
  const shown = e => e.offsetParent !== null && e.getClientRects().length > 0;
  const text = e => (e.innerText || e.textContent || "").replace(/\\s+/g, " ").trim().slice(0, 50);
  const cue = box => {
    const frame = box.closest(".scroll-frame");
    if (!frame || !(frame.getAttribute("data-overflow") || "").includes("right")) return false;
    const arrow = getComputedStyle(frame, "::after");
    return arrow.content !== "none" && arrow.display !== "none" && parseFloat(arrow.width) > 0;
  };
  const wide = box => box.scrollWidth > box.clientWidth + 1;
  const found = {broken: [], equations: [], tables: [], outputs: [], cards: []};
  for (const d of document.querySelectorAll(".bd-article div.math-display")) {
    if (!shown(d)) continue;
    if (d.querySelector("mjx-linebox, mjx-linestack, [linebreak]")) found.broken.push(text(d));
    const box = d.querySelector(".scroll-box");
    if (!box) { found.equations.push("not in a scroll box: " + text(d)); continue; }
    box.scrollLeft = 0;
    if (wide(box) && !cue(box)) found.equations.push(`${text(d)} (${box.scrollWidth} px in ${box.clientWidth} px, no cue)`);
    const number = d.querySelector(":scope > .eqno");
    if (number) {  // beside its formula, at least 12 px from it, or under it (a wide one)
      const n = number.getBoundingClientRect(), b = box.getBoundingClientRect();
      const gap = n.left - b.right;
      if (gap < 12 && n.top < b.bottom - 1) found.equations.push(`${number.firstChild.textContent.trim()} only ${gap.toFixed(0)} px from its formula`);
    }
  }
  for (const t of document.querySelectorAll(".bd-article table")) {
    if (!shown(t)) continue;
    // the glossary and the errata always as cards; another table only if it does not fit
    if (t.classList.contains("cards-always") || t.classList.contains("as-cards")) {
      if (getComputedStyle(t.querySelector("tr")).display !== "block") found.cards.push("not cards: " + text(t));
      const box = t.closest(".pst-scrollable-table-container") || t;
      if (wide(box) || t.getBoundingClientRect().right > document.documentElement.clientWidth + 1) found.cards.push("wider than the screen: " + text(t));
      if (t.classList.contains("as-cards")) {
        t.classList.remove("as-cards");
        const fits = t.offsetWidth <= (t.closest(".pst-scrollable-table-container") || t.parentElement).clientWidth + 1;
        t.classList.add("as-cards");
        if (fits) found.cards.push("cards, though it fits as a table: " + text(t));
      }
      continue;
    }
    const box = t.closest(".scroll-box") || t;
    box.scrollLeft = 0;
    if (wide(box) && !cue(box)) found.tables.push(`${text(t)} (${box.scrollWidth} px in ${box.clientWidth} px, no cue)`);
  }
  // a printed table in a closed fold (an exercise's solution) is measured as a reader sees
  // it: with the fold opened (its scroll cue is set once it is laid out), then closed again
  // (its lines: layout.js's span.line each, else the text's lines)
  const linesOf = pre => pre.querySelector(":scope > .line") ? [...pre.querySelectorAll(":scope > .line")].map(l => l.textContent) : pre.textContent.split("\\n");
  const tabular = pre => linesOf(pre).filter(l => /\\S {2,}\\S/.test(l.trim())).length >= 2;
  const folds = [];
  for (const pre of document.querySelectorAll(".bd-article .cell_output pre")) {
    if (!tabular(pre)) continue;
    for (let d = pre.closest("details:not([open])"); d; d = d.parentElement.closest("details:not([open])")) folds.push(d);
  }
  folds.forEach(d => { d.open = true; });
  const settled = pre => pre.scrollWidth <= pre.clientWidth + 1 || pre.parentElement.hasAttribute("data-overflow");
  for (const pre of document.querySelectorAll(".bd-article .cell_output pre.scroll-box")) {
    if (!folds.some(d => d.contains(pre))) continue;
    pre.scrollIntoView({block: "center"});  // laid out (content-visibility), as when a reader scrolls to it
    for (let i = 0; i < 30 && !settled(pre); i++) await frames();
  }
  window.scrollTo(0, 0);
  for (const pre of document.querySelectorAll(".bd-article .cell_output pre")) {
    // a printed table (two rows or more of columns lined up with spaces) keeps its rows:
    // a row that wraps loses its columns
    const rows = linesOf(pre).filter(l => /\\S {2,}\\S/.test(l.trim())).length;
    if (shown(pre) && rows >= 2 && !pre.closest('div[class*="highlight-python"]')) {
      const wrapped = [...pre.querySelectorAll(":scope > .line")].filter(l => /\\S {2,}\\S/.test(l.textContent.trim()))
        .filter(l => { const st = getComputedStyle(l), lh = parseFloat(st.lineHeight) || 1.2 * parseFloat(st.fontSize);
                       return l.getBoundingClientRect().height > 1.5 * lh; });
      if (wrapped.length || !pre.querySelector(":scope > .line")) found.tables.push(`a printed table's rows wrap: ${text(wrapped[0] || pre)}`);
    }
    // a code listing (cb.show_source) and a printed table keep their lines: they may scroll, with the cue
    if ((pre.closest('div[class*="highlight-python"]') || rows >= 2) && cue(pre)) continue;
    if (shown(pre) && wide(pre)) found.outputs.push(`${text(pre)} (${pre.scrollWidth} px in ${pre.clientWidth} px)`);
  }
  folds.forEach(d => { d.open = false; });
  return found;
}"""


def _phone_context(browser):
    """A fresh browser context as a 390 px phone sees the site (touch, mobile viewport)."""
    return offline_context(browser, viewport={"width": PHONE, "height": 844}, is_mobile=True, has_touch=True)


#: What a phone shows of each page, measured once per page and run (by the first of the
#: tests below that needs it; a page's tests run in one worker, tests/conftest.py).
_PHONE_VIEWS: dict[tuple[str, str], dict] = {}


def _phone_view(browser, base_url: str, edition: str, path: str) -> dict:
    """The page at 390 px in a fresh phone context: its boxes (PHONE_BOXES), its figures
    (FIGURES) and its errors; a full-page screenshot goes to _build/screenshots/phone/."""
    key = (edition, path)
    if key not in _PHONE_VIEWS:
        context = _phone_context(browser)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        _open(page, f"{base_url}{edition + '/' if edition else ''}{path}")
        page.wait_for_function("() => document.querySelectorAll('.bd-article .scroll-frame').length > 0 || !document.querySelector('.bd-article div.math-display')")
        found = evaluate_within(page, PHONE_BOXES)
        figures = page.evaluate(FIGURES)
        shots = SHOTS / "phone" / (edition or "site")
        shots.mkdir(parents=True, exist_ok=True)
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=str(shots / f"{Path(path).stem}.png"), full_page=True)
        context.close()
        _PHONE_VIEWS[key] = {"boxes": found, "figures": figures, "errors": errors}
    return _PHONE_VIEWS[key]


def _phone_cases(cases):
    return [pytest.param(e, p, id=f"{e or 'site'}-{Path(p).stem}") for e, p in cases]


@pytest.mark.parametrize("edition, path", _phone_cases(CASES))
def test_on_a_phone_every_box_is_whole_or_says_it_scrolls(browser, base_url, edition, path):
    """At 390 px: no display equation broken inside a formula, none wider than its box
    without a visible cue, numbers at least 12 px from their formula; no table hiding
    columns without a cue (the glossary and errata as cards); every output fits or wraps.
    A full-page screenshot of each page goes to _build/screenshots/phone/."""
    view = _phone_view(browser, base_url, edition, path)
    problems = [f"{kind}: {item}" for kind, items in view["boxes"].items() for item in items]
    assert view["errors"] == [], view["errors"]
    assert not problems, f"{path} ({edition or 'site'}) at {PHONE} px:\n  " + "\n  ".join(problems)


#: The smallest text in a figure as a reader sees it on a phone (issue 22).
MIN_PHONE_TEXT_PX = 11


@pytest.mark.parametrize("edition, path", _phone_cases(CASES[: len(CASES) - 2]))
def test_figure_text_is_readable_on_a_phone(browser, base_url, edition, path):
    """Tick labels are 10 pt at 150 dpi in the figure's pixels; as rendered at 390 px they
    must be at least 11 css px (the figure's shown width over its natural width)."""
    small = []
    for fig in _phone_view(browser, base_url, edition, path)["figures"]:
        text_px = TICK_PT * 150 / 72 * fig["shown"] / fig["natural"]
        if text_px < MIN_PHONE_TEXT_PX:
            small.append(f"…{fig['src']}: {fig['shown']:.0f} of {fig['natural']} px wide, text about {text_px:.1f} px")
    assert not small, "\n  ".join(small)


# --- What the last review found, page by page, in every edition ---------------------

ALL_PAGES = ["intro.html", "glossary.html", "errata.html"] + [f"chapters/{p.stem}.html" for p in CHAPTERS]
EVERY_PAGE = [(edition, page) for edition in editions() for page in ALL_PAGES]
_IDS = [f"{e or 'site'}-{Path(p).stem}" for e, p in EVERY_PAGE]

LOAD_EVERYTHING = """async () => {
  // scrolled to the end and back, so that anything loaded on demand is loaded and counted
  // two frames, so what was scrolled to is laid out; at most 250 ms, since a headless page
  // now and then stops drawing frames and would otherwise hold the test for ever
  const frames = () => new Promise(r => { requestAnimationFrame(() => requestAnimationFrame(r)); setTimeout(r, 250); });
  for (let y = 0, steps = 0; y < document.documentElement.scrollHeight && steps < 500; y += window.innerHeight, steps++) { window.scrollTo(0, y); await frames(); }
  window.scrollTo(0, 0);
}"""

#: Side by side: the first two shown panels of each figure of several panels share a row.
PANELS = """() => [...document.querySelectorAll(".bd-article .cell_output")].map(out => {
    const panels = [...out.querySelectorAll(":scope > a.image-reference, :scope > img")].filter(e => e.offsetParent !== null);
    if (panels.length < 2) return null;
    const [a, b] = panels.map(e => e.getBoundingClientRect());
    return {src: (panels[0].getAttribute("href") || panels[0].getAttribute("src") || "").slice(-16),
            sameRow: Math.abs(a.top - b.top) < 2, widths: [Math.round(a.width), Math.round(b.width)]};
  }).filter(Boolean)"""

#: Where each output's figures sit: the room left and right of them in the output's box.
FIGURE_PLACES = """() => [...document.querySelectorAll(".bd-article .cell_output")].map(out => {
    const imgs = [...out.querySelectorAll(":scope > a.image-reference > img, :scope > img")].filter(e => e.offsetParent !== null && e.naturalWidth > 0);
    if (!imgs.length) return null;
    const box = out.getBoundingClientRect(), rects = imgs.map(e => e.getBoundingClientRect());
    return {src: imgs[0].getAttribute("src").slice(-16), left: Math.min(...rects.map(r => r.left)) - box.left,
            right: box.right - Math.max(...rects.map(r => r.right)), column: box.width};
  }).filter(Boolean)"""

#: Code, in a cell or a listing (cb.show_source): never wrapped; wider than the box only
#: with the cue.
LISTINGS = """() => [...document.querySelectorAll('.bd-article .cell_input pre, .bd-article .cell_output div[class*="highlight-python"] pre')]
  .filter(e => e.offsetParent !== null && e.checkVisibility()).map(pre => {  // not in a closed fold
    const frame = pre.closest(".scroll-frame");
    return {text: pre.textContent.trim().slice(0, 40), whiteSpace: getComputedStyle(pre).whiteSpace,
            wide: pre.scrollWidth > pre.clientWidth + 1,
            cue: !!frame && (frame.getAttribute("data-overflow") || "").includes("right")};
  })"""

#: Each run of Chinese in a printed table as wide as two columns per character.
WIDE_RUNS = """() => {
  const found = [];
  for (const pre of document.querySelectorAll(".bd-article .cell_output pre.lines.columns")) {
    if (pre.offsetParent === null) continue;
    const runs = pre.querySelectorAll(".w2");
    if (!runs.length) continue;
    // one column: the width of an ASCII character printed in the same block (as laid out,
    // with whatever text autosizing a phone applies to it)
    let column = 0;
    const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node && !column; node = walker.nextNode()) {
      if (node.parentElement.closest(".w2")) continue;
      const i = node.data.search(/[!-~]/);
      if (i < 0) continue;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getBoundingClientRect();
      if (rect.width > 0) column = rect.width;
    }
    if (!column) continue;
    for (const run of runs) {
      const rects = run.getClientRects();
      if (rects.length !== 1) continue;  // wrapped across lines: not a table cell
      const chars = [...run.textContent].length;
      const width = rects[0].width;
      if (Math.abs(width - 2 * chars * column) > 0.6 * chars) found.push(`"${run.textContent}" is ${width.toFixed(1)} px, 2 × ${chars} columns are ${(2 * chars * column).toFixed(1)} px`);
    }
  }
  return found;
}"""

#: What the code shows (folds as their marker) and what its copy button copies.
CODE_SHOWN_AND_COPIED = """async () => {
  // what sphinx-copybutton copies: the block without the nodes its exclude setting names
  const script = document.querySelector('script[src*="copybutton.js"]');
  const source = script ? await (await fetch(script.src)).text() : "";
  const exclude = (/let exclude = '([^']*)'/.exec(source) || [0, ".linenos"])[1];
  return [...document.querySelectorAll(".bd-article .cell_input pre, .bd-article .cell_output div[class*='highlight-python'] pre")]
  .map(pre => {
    const shown = pre.cloneNode(true);
    shown.querySelectorAll(".lang-fold-text").forEach(e => e.remove());
    const copied = pre.cloneNode(true);
    if (exclude) copied.querySelectorAll(exclude).forEach(e => e.remove());
    return {shown: shown.textContent, copied: copied.innerText, folds: pre.querySelectorAll(".lang-fold-text").length,
            listing: !!pre.closest(".cell_output")};
  });
}"""

FOOTER = """() => { const f = document.querySelector(".bd-footer-content"); return f ? f.innerText.trim() : ""; }"""


@pytest.mark.parametrize("edition, path", EVERY_PAGE, ids=_IDS)
def test_what_the_review_found_on_a_desktop(page, base_url, edition, path):
    """At 1280 px: the page and all it loads weigh at most 2.5 MB; a figure's panels sit side
    by side, and its images are centred in the column; code keeps its lines (wider ones scroll, with the cue); Chinese in
    a printed table is two columns wide; the English edition's code shows no Chinese and its copy
    button copies the code whole; the footer is the edition's own."""
    url = f"{base_url}{edition + '/' if edition else ''}{path}"
    _open(page, url)
    evaluate_within(page, LOAD_EVERYTHING)
    page.wait_for_load_state("networkidle")
    problems: list[str] = []
    total = sum(size for _, size in page.evaluate(PAGE_BYTES))
    if total > PAGE_BUDGET:
        problems.append(f"the page and what it loads weigh {total / 1e6:.2f} MB > {PAGE_BUDGET / 1e6} MB")
    for fig in page.evaluate(PANELS):
        if not fig["sameRow"]:
            problems.append(f"the panels of figure …{fig['src']} are stacked on a desktop ({fig['widths']} px)")
    for fig in page.evaluate(FIGURE_PLACES):
        if abs(fig["left"] - fig["right"]) > 2:
            problems.append(f"figure …{fig['src']} is not centred: {fig['left']:.0f} px left of it, {fig['right']:.0f} px right")
    for listing in page.evaluate(LISTINGS):
        if listing["whiteSpace"] != "pre":
            problems.append(f"the code {listing['text']!r} wraps (white-space: {listing['whiteSpace']})")
        if listing["wide"] and not listing["cue"]:
            problems.append(f"the code {listing['text']!r} is wider than its box without a cue")
    problems += [f"a printed table's Chinese: {t}" for t in page.evaluate(WIDE_RUNS)]
    if edition in ("zh", "en"):
        notebook = ROOT / path.replace(".html", ".ipynb")
        sources = set()
        if notebook.exists():
            import json

            cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
            sources = {"".join(c["source"]).strip() for c in cells if c["cell_type"] == "code"}
            for cell in cells:  # the library's listings (cb.show_source), as printed
                for output in cell.get("outputs", []):
                    listing = "".join(output.get("data", {}).get("text/markdown", ""))
                    if listing.startswith("```python"):
                        sources.add(listing.split("\n", 1)[1].rsplit("```", 1)[0].strip())
        for code in evaluate_within(page, CODE_SHOWN_AND_COPIED):
            if edition == "en" and re.search(HAN_RE, code["shown"]):
                problems.append(f"Chinese in the English edition's code: {code['shown'].strip()[:60]!r}")
            if edition == "zh" and re.search(r"\"\"\"[A-Za-z]{3}" + (r"|# ?[A-Za-z]{3}" if code["listing"] else ""), code["shown"]):
                problems.append(f"English words in the Chinese edition's listing: {code['shown'].strip()[:60]!r}")
            if code["folds"] and sources and code["copied"].strip() not in sources:
                problems.append(f"the copy button would not copy the cell as it runs: {code['copied'].strip()[:60]!r}")
    footer = page.evaluate(FOOTER)
    expected = {"zh": "这是中文版", "en": "This is the English edition", "both": "这是中英对照版"}.get(edition)
    if "作者" in footer or "By " in footer or (expected and expected not in footer):
        problems.append(f"the footer is not the edition's own: {footer[:80]!r}")
    if edition == "en" and re.search(HAN_RE, footer):
        problems.append(f"Chinese in the English edition's footer: {footer[:80]!r}")
    assert not problems, f"{path} ({edition or 'site'}) at {DESKTOP} px:\n  " + "\n  ".join(problems)


HAN_RE = r"[\u3400-\u4dbf\u4e00-\u9fff]"

#: The article header's controls on a phone: one row, none overlapping, all on screen.
HEADER = """() => {
  const bar = document.querySelector(".bd-header-article .header-article-items");
  if (!bar) return {height: 0, controls: []};
  const controls = [...bar.querySelectorAll("a, button")].filter(e => e.offsetParent !== null && e.getBoundingClientRect().width > 0
      && !e.closest(".dropdown-menu"));
  const rects = controls.map(e => e.getBoundingClientRect());
  const overlaps = [];
  for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) {
    const a = rects[i], b = rects[j];
    if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
      overlaps.push(`${controls[i].className} / ${controls[j].className}`);
  }
  return {height: bar.getBoundingClientRect().height, rows: new Set(rects.map(r => Math.round(r.top / 8))).size,
          controls: controls.map(e => e.getAttribute("aria-label") || e.textContent.trim() || e.className),
          offscreen: rects.filter(r => r.right > window.innerWidth + 1 || r.left < -1).length, overlaps};
}"""

#: The explorer's note on a phone: its settings one a line, at a readable size.
EXPLORER_NOTE = """() => [...document.querySelectorAll(".bd-article .explorer-live")].filter(e => e.offsetParent !== null).map(note => ({
    text: parseFloat(getComputedStyle(note.querySelector(".explorer-say")).fontSize),
    settings: [...note.querySelectorAll(".explorer-settings > li")].map(li => ({
        size: parseFloat(getComputedStyle(li).fontSize), lines: Math.round(li.getBoundingClientRect().height / parseFloat(getComputedStyle(li).lineHeight))})),
    links: [...note.querySelectorAll(".explorer-links a")].map(a => a.getBoundingClientRect().right <= note.getBoundingClientRect().right + 1),
  }))"""


@pytest.mark.parametrize("edition, path", EVERY_PAGE, ids=_IDS)
def test_what_the_review_found_on_a_phone(browser, base_url, edition, path):
    """At 390 px: the header keeps to one uncrowded row (☰, the edition switch, run, search,
    contents); the explorer's settings read one a line at no less than 13 px; code listings
    keep their lines; Chinese in a printed table is two columns wide."""
    context = _phone_context(browser)
    page = context.new_page()
    _open(page, f"{base_url}{edition + '/' if edition else ''}{path}")
    problems: list[str] = []
    header = page.evaluate(HEADER)
    if header["height"] > 56 or header.get("rows", 1) > 1:
        problems.append(f"the header takes {header['height']:.0f} px in {header.get('rows')} rows: {header['controls']}")
    if len(header["controls"]) > 9:  # ☰, three edition buttons, run, search, contents (+ slack)
        problems.append(f"{len(header['controls'])} controls crowd the header: {header['controls']}")
    if header.get("overlaps"):
        problems.append(f"header controls overlap: {header['overlaps']}")
    if header.get("offscreen"):
        problems.append(f"{header['offscreen']} header controls are off the screen")
    for note in page.evaluate(EXPLORER_NOTE):
        if note["text"] < 14:
            problems.append(f"the explorer's note is {note['text']} px")
        for item in note["settings"]:
            if item["size"] < 13 or item["lines"] > 2:
                problems.append(f"an explorer setting is {item['size']} px on {item['lines']} lines")
        if not all(note["links"]):
            problems.append("an explorer's links stick out of its note")
    for listing in page.evaluate(LISTINGS):
        if listing["whiteSpace"] != "pre" or (listing["wide"] and not listing["cue"]):
            problems.append(f"the code {listing['text']!r} wraps or hides its end without a cue")
    problems += [f"a printed table's Chinese: {t}" for t in page.evaluate(WIDE_RUNS)]
    context.close()
    assert not problems, f"{path} ({edition or 'site'}) at {PHONE} px:\n  " + "\n  ".join(problems)


#: Each fold's toggle as drawn: the text before and after its label, and the browser's own
#: marker (shown unless the summary's list-style is none).
FOLD_TOGGLES = """() => [...document.querySelectorAll(".bd-article details.hide > summary, .bd-article details.aside > summary")]
  .map(summary => {
    const label = summary.closest("details.hide") ? summary.querySelector("p") : summary;
    const pseudo = (e, which) => getComputedStyle(e, which).content;
    return {kind: summary.parentElement.className, before: pseudo(label, "::before"), after: pseudo(label, "::after"),
            marker: getComputedStyle(summary).listStyleType, open: summary.parentElement.open};
  })"""


@pytest.mark.parametrize("edition", ["zh", "en"])
def test_every_fold_opens_with_the_same_one_triangle(page, base_url, edition):
    """A hidden cell's "Show code" and an aside's title: one triangle, before the label,
    ▸ while shut (no second glyph after the label, no browser marker besides)."""
    _open(page, f"{base_url}{edition}/chapters/01_single_neuron.html")
    toggles = page.evaluate(FOLD_TOGGLES)
    kinds = {t["kind"].split()[0] for t in toggles}
    assert {"admonition", "aside"} <= kinds, kinds  # the page has both kinds of fold
    for toggle in toggles:
        assert not toggle["open"] and toggle["before"] == '"▸\xa0"', toggle
        assert toggle["after"] in ("none", "normal") and toggle["marker"] == "none", toggle


@pytest.mark.parametrize("edition", ["zh", "en"])
def test_a_code_marker_shows_what_it_folds_when_tapped(page, base_url, edition):
    """Phones have no hover: tapping a "…" marker in code shows the other language's text
    beside it, and tapping again folds it; the keyboard does the same (Enter)."""
    page.set_viewport_size({"width": PHONE, "height": 844})
    _open(page, f"{base_url}{edition}/chapters/04_backprop_three_layer.html")
    marker = page.locator(".bd-article .highlight .lang-fold").first
    text = page.locator(".bd-article .highlight .lang-fold + .lang-fold-text").first
    marker.scroll_into_view_if_needed()
    assert text.is_hidden() and marker.get_attribute("aria-expanded") == "false"
    marker.click()
    page.wait_for_function("m => m.getAttribute('aria-expanded') === 'true'", arg=marker.element_handle())
    assert text.is_visible() and text.inner_text().strip()
    marker.press("Enter")
    page.wait_for_function("m => m.getAttribute('aria-expanded') === 'false'", arg=marker.element_handle())
    assert text.is_hidden()


# --- What the r22 phone review found (items 5, 8, 9, 11, 12), measured as laid out ------

def _phone_page(browser, base_url: str, edition: str, path: str):
    """A fresh phone context on the page, everything laid out (no section skipped by
    content-visibility), so that line boxes far down the page can be measured."""
    context = _phone_context(browser)
    page = context.new_page()
    _open(page, f"{base_url}{edition + '/' if edition else ''}{path}")
    page.add_style_tag(content="* { content-visibility: visible !important; }")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return context, page


#: Where each line of an element's own text starts and ends: its characters' boxes grouped
#: into lines (a new line where a character's box starts below the one before it).
LINE_BOXES_JS = """
const lineBoxes = (root, skip) => {
  const chars = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (skip && node.parentElement.closest(skip)) continue;
    for (let i = 0; i < node.data.length; i++) {
      const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
      const rect = [...r.getClientRects()].pop();
      if (rect && rect.height > 0) chars.push({c: node.data[i], top: rect.top, bottom: rect.bottom, left: rect.left, right: rect.right});
    }
  }
  const lines = [];
  for (const ch of chars) {
    const last = lines[lines.length - 1];
    if (!last || ch.top >= last.bottom - 2) lines.push({text: ch.c, top: ch.top, bottom: ch.bottom, left: ch.left, chars: [ch]});
    else { last.text += ch.c; last.chars.push(ch); last.bottom = Math.max(last.bottom, ch.bottom); }
  }
  return lines;
};
"""

CARD_VALUES = "() => {" + LINE_BOXES_JS + """
  const prose = [...document.querySelectorAll(".bd-article p")].find(p => !p.closest("table, .cell_output, .glossary-index, .admonition") && p.textContent.trim().length > 40);
  const body = getComputedStyle(prose).fontFamily;
  const found = {gaps: [], fonts: [], cards: 0};
  for (const table of document.querySelectorAll(".bd-article table.table-cards")) {
    if (getComputedStyle(table).display !== "block") continue;  // not cards at this width
    found.cards++;
    const font = getComputedStyle(table.querySelector("tbody td")).fontFamily;
    if (font !== body) found.fonts.push(`${font.slice(0, 40)} (the prose: ${body.slice(0, 40)})`);
    for (const td of table.querySelectorAll("tbody td:not(:first-child):not(.card-empty)")) {
      const value = td.querySelector(":scope > p") || td;
      const lineHeight = parseFloat(getComputedStyle(value).lineHeight);
      const lines = lineBoxes(value, ".card-label, mjx-container");
      for (let i = 1; i < lines.length; i++) {
        const gap = lines[i].top - lines[i - 1].top;
        if (gap > lineHeight + 3) found.gaps.push(`"${lines[i - 1].text.trim()}" / "${lines[i].text.trim()}": ${gap.toFixed(1)} px apart, line height ${lineHeight} px`);
      }
    }
  }
  return found;
}"""


@pytest.mark.parametrize("edition, path", [("en", "chapters/03_softmax_cross_entropy.html"), ("zh", "chapters/06_autodiff.html"),
                                           ("zh", "glossary.html"), ("en", "glossary.html")])
def test_a_card_value_that_wraps_keeps_its_line_height_and_the_body_font(browser, base_url, edition, path):
    """Tables shown as cards on a phone: a value that wraps continues one line height
    below (not a row's height, under its label), and the cards use the prose's font."""
    if edition not in editions():
        pytest.skip(f"no {edition} edition built")
    context, page = _phone_page(browser, base_url, edition, path)
    found = page.evaluate(CARD_VALUES)
    context.close()
    assert found["cards"], "no table is shown as cards at 390 px"
    assert not found["gaps"] and not found["fonts"], found



def test_english_in_the_side_by_side_edition_is_set_in_a_latin_font(browser, base_url):
    """In both/ (a Chinese page) an English paragraph's font is not the CJK one, whose
    apostrophe is full width ("factor’ s")."""
    if "both" not in editions():
        pytest.skip("no both edition built")
    context, page = _phone_page(browser, base_url, "both", "chapters/02_quadratic_vs_cross_entropy.html")
    fonts = page.evaluate("""() => [...document.querySelectorAll('.bd-article [lang="en"] p')]
        .filter(p => p.checkVisibility()).slice(0, 20).map(p => getComputedStyle(p).fontFamily)""")
    context.close()
    assert fonts, "no English paragraph found"
    assert not [f for f in fonts if "CJK" in f.split(",")[0] or "Han" in f.split(",")[0]], fonts

INLINE_CODE_LINE_ENDS = "() => {" + LINE_BOXES_JS + """
  const found = [];
  for (const code of document.querySelectorAll(".bd-article code.literal")) {
    if (!code.checkVisibility()) continue;
    const lines = lineBoxes(code);
    for (let i = 0; i + 1 < lines.length; i++) {
      if (/\\.\\s*$/.test(lines[i].text)) found.push(`"${lines[i].text}" / "${lines[i + 1].text}"`);
    }
  }
  return found;
}"""


@pytest.mark.parametrize("edition, path", [("en", "chapters/04_backprop_three_layer.html"), ("en", "chapters/05_deep_networks.html"),
                                           ("zh", "chapters/03_softmax_cross_entropy.html"), ("zh", "chapters/06_autodiff.html")])
def test_inline_code_never_ends_a_line_after_a_dot(browser, base_url, edition, path):
    """At 390 px no line of inline code ends in "cb." or "torch.": a qualified name stays
    whole, and a long call breaks after "(" or ","."""
    if edition not in editions():
        pytest.skip(f"no {edition} edition built")
    context, page = _phone_page(browser, base_url, edition, path)
    found = page.evaluate(INLINE_CODE_LINE_ENDS)
    context.close()
    assert not found, "\n  ".join(found)


OUTPUT_WRAPS = "() => {" + LINE_BOXES_JS + """
  const found = {wrapped: 0, problems: []};
  for (const line of document.querySelectorAll(".bd-article .cell_output pre.lines > .line:not(.tabular)")) {
    if (!line.checkVisibility()) continue;
    const boxes = lineBoxes(line);
    if (boxes.length < 2) continue;
    found.wrapped++;
    const ch = boxes[0].chars.find(c => c.c !== " ");
    const column = boxes[0].chars[0].right - boxes[0].chars[0].left;
    const start = ch ? ch.left : boxes[0].left;
    for (let i = 1; i < boxes.length; i++) {
      const first = boxes[i].chars.find(c => c.c !== " ");
      if (first && Math.abs(first.left - (start + 3 * column)) > 1.5)
        found.problems.push(`"${boxes[i].text.trim().slice(0, 30)}" starts ${((first.left - start) / column).toFixed(1)} columns in from its line's text, not 3`);
      if (/=\\s*$/.test(boxes[i - 1].text)) found.problems.push(`"${boxes[i - 1].text.trim().slice(-30)}" / "${boxes[i].text.trim().slice(0, 20)}": a key parted from its value`);
    }
  }
  return found;
}"""


@pytest.mark.parametrize("edition, path", [("en", "chapters/07_gradient_checks.html"), ("en", "chapters/05_deep_networks.html"),
                                           ("zh", "chapters/07_gradient_checks.html")])
def test_a_printed_line_that_wraps_hangs_under_its_own_text(browser, base_url, edition, path):
    """At 390 px a printed output line that wraps continues 3 columns in from where its own
    text starts (after its leading spaces), the same for every line, and never between a
    short key and its value ("g̃ =" / "3.059e-07")."""
    if edition not in editions():
        pytest.skip(f"no {edition} edition built")
    context, page = _phone_page(browser, base_url, edition, path)
    found = page.evaluate(OUTPUT_WRAPS)
    context.close()
    assert not found["problems"], "\n  ".join(found["problems"])


GLOSSARY_ENTRIES = """() => [...document.querySelectorAll(".bd-article table.table-entries tbody tr")].map(tr => {
  const box = tr.getBoundingClientRect(), left = box.left + parseFloat(getComputedStyle(tr).paddingLeft) + parseFloat(getComputedStyle(tr).borderLeftWidth);
  const cells = [...tr.children].slice(0, 3);
  const first = cells[0].getClientRects()[0];
  const textRects = td => { const r = document.createRange(); r.selectNodeContents(td.querySelector(":scope > p") || td); return [...r.getClientRects()].filter(x => x.width > 0); };
  // a separator "·" (a cell's ::before or ::after) that begins a line: a ::before of a cell
  // whose first box starts a line below the entry's first, or an ::after whose cell's last
  // box lies below its text's last box (the separator alone on a line)
  const separatorFirst = [];
  cells.forEach((td, i) => {
    if (td.classList.contains("card-empty")) return;
    const boxes = td.getClientRects(), text = textRects(td);
    if (!boxes.length || !text.length) return;
    if (i > 0 && getComputedStyle(td, "::before").content.includes("·") && boxes[0].top > first.top + 2 && Math.abs(boxes[0].left - left) < 2)
      separatorFirst.push(td.textContent.trim());
    if (getComputedStyle(td, "::after").content.includes("·") && boxes[boxes.length - 1].top > text[text.length - 1].top + 2)
      separatorFirst.push(td.textContent.trim());
  });
  const link = cells[2].querySelector("a[href]");
  return {term: cells[0].textContent.trim(), separatorFirst: separatorFirst.map(i => cells[i].textContent.trim()),
          chapter: cells[2].textContent.trim(), href: link ? link.getAttribute("href") : null};
})"""


@pytest.mark.parametrize("edition", ["zh", "en", "both"])
def test_no_glossary_line_starts_with_a_separator_and_chapters_are_links(browser, base_url, edition):
    """The glossary on a phone: no line of an entry begins with the "·" that separates its
    names and chapter; each chapter it names is a link to that chapter."""
    if edition not in editions():
        pytest.skip(f"no {edition} edition built")
    context, page = _phone_page(browser, base_url, edition, "glossary.html")
    entries = page.evaluate(GLOSSARY_ENTRIES)
    context.close()
    assert len(entries) > 100
    starts = [f"{e['term']}: a line starts with \"· {e['separatorFirst'][0]}\"" for e in entries if e["separatorFirst"]]
    unlinked = [f"{e['term']}: {e['chapter']}" for e in entries
                if re.search(r"第\d章|Ch\. \d|附录A|App\. A", e["chapter"]) and not (e["href"] or "").startswith("chapters/0")]
    assert not starts, "\n  ".join(starts)
    assert not unlinked, f"{len(unlinked)} chapters not linked, e.g.\n  " + "\n  ".join(unlinked[:5])


EQUATION_NUMBERS_BELOW = """() => [...document.querySelectorAll(".bd-article div.math-display.math-numbered")]
  .filter(d => d.offsetParent !== null).map(d => {
    const formula = d.querySelector("mjx-math").getBoundingClientRect(), number = d.querySelector(":scope > .eqno"), n = number.getBoundingClientRect();
    // the number's glyphs, not its line box
    const r = document.createRange(); r.selectNodeContents(number); const glyphs = [...r.getClientRects()].filter(x => x.width > 0);
    const top = Math.min(...glyphs.map(x => x.top));
    const frame = d.querySelector(".scroll-frame[data-overflow]");
    return {number: number.textContent.trim(), below: d.classList.contains("number-below"), gap: top - formula.bottom,
            strip: frame ? parseFloat(getComputedStyle(frame).paddingBottom) : 0,
            besideGap: n.left - formula.right, right: d.getBoundingClientRect().right - n.right};
  })"""


@pytest.mark.parametrize("edition, path", [("zh", "chapters/06_autodiff.html"), ("en", "chapters/06_autodiff.html"),
                                           ("zh", "chapters/03_softmax_cross_entropy.html"), ("en", "chapters/05_deep_networks.html"),
                                           ("en", "chapters/07_gradient_checks.html")])
def test_an_equation_number_under_its_formula_sits_right_under_its_last_line(browser, base_url, edition, path):
    """At 390 px an equation number that cannot sit beside its formula is right under the
    formula's last line (its glyphs at most 8 px below the formula's, or below the scroll cue's strip when it scrolls),
    right-aligned."""
    if edition not in editions():
        pytest.skip(f"no {edition} edition built")
    context, page = _phone_page(browser, base_url, edition, path)
    found = page.evaluate(EQUATION_NUMBERS_BELOW)
    context.close()
    below = [e for e in found if e["below"]]
    # a formula that scrolls has the cue's strip (with its arrow, at the right) under it
    far = [f"{e['number']}: {e['gap'] - e['strip']:.0f} px below its formula" for e in below if not -4 <= e["gap"] - e["strip"] <= 8]
    off = [f"{e['number']}: {e['right']:.0f} px from the right edge" for e in below if abs(e["right"]) > 2]
    assert not far and not off, "\n  ".join(far + off)
