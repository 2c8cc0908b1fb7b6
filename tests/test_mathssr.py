"""Maths typeset when the book is built (_ext/mathssr.py, _ext/mathjax_ssr.mjs), without a build."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

import mathssr

PAGE = """<p>Let <span class="math notranslate nohighlight">\\(a &lt; b\\)</span> hold.</p>
<div class="math notranslate nohighlight" id="equation-ch2-ce">
<span class="eqno">(2.1)<a class="headerlink" href="#equation-ch2-ce" title="Link to this equation">#</a></span>\\[
C = -\\frac{1}{n}\\sum_x \\bigl[\\,y\\ln a + (1-y)\\ln(1-a)\\,\\bigr]
\\]</div>
<div class="math notranslate nohighlight">
\\[\\begin{aligned} a &amp;= b \\\\ c &amp;= d \\end{aligned}\\]</div>
"""


def test_the_formulas_of_a_page_are_found_with_their_tex():
    found = mathssr.find_maths(PAGE)
    assert found[0] == ("a < b", False)
    assert found[1][1] and found[1][0].startswith("C = -\\frac{1}{n}")
    assert found[2] == ("\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}", True)


needs_node = pytest.mark.skipif(
    mathssr.node_executable() is None or not (mathssr.ASSETS / "node-main.mjs").exists(),
    reason="node or the vendored MathJax (make assets) is missing",
)


@needs_node
def test_one_node_process_typesets_a_page_whole_and_accessible():
    items = mathssr.find_maths(PAGE) + [("\\undefinedmacro x", False)]
    answer = mathssr.run_worker(items)
    assert len(answer["html"]) == len(items)
    assert [i for i, _ in answer["errors"]] == [3]  # the undefined macro, and only it
    typeset = dict(zip(items, answer["html"]))
    page = mathssr.replace_maths(PAGE, typeset)
    assert "\\(" not in page and "\\[" not in page
    # each formula carries its MathML, hidden, for screen readers (and "find in page")
    assert page.count("<mjx-container") == 3 and page.count("<math") == 3
    assert re.search(r'<math display="block"><mi>C</mi><mo>=</mo>', page)
    assert page.count(' aria-hidden="true"') == 3  # the glyphs are not read out as well
    assert 'data-tex="C = -\\frac{1}{n}' in page  # a display keeps its TeX (search snippets)
    # a display is never broken into lines: one box that scrolls, the number beside it
    display = page[page.index('id="equation-ch2-ce"') - 80:]
    assert "math-display math-numbered" in display and '<div class="scroll-box math-scroll">' in display
    assert "mjx-linebox" not in page and 'overflow="linebreak"' not in page
    assert re.search(r'<span class="eqno">\(2\.1\)', page)
    # the stylesheet's fonts are the vendored ones, relative to _static/
    fonts = re.findall(r'url\("([^"]+)"\)', answer["css"])
    assert fonts and all((ROOT / ".site-assets" / f).exists() for f in fonts), fonts[:3]
