"""One language everywhere a reader looks: the cells' outputs and figures in each edition.

The library prints its words as ``cb.Bilingual`` (a result in both languages, or
printed between invisible marks) and draws each figure once per language
(``cb.show_figure``); _ext/bilingual.py keeps the edition's. Unit tests on the
functions, a small synthetic book built in each edition, then the built site.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from docutils import nodes

from conftest import CHAPTERS, HAN, ROOT

import bilingual
from bilingual import EDITIONS, edition_outputs, output_languages, resolve_marks

import ce_backprop as cb  # noqa: E402
from ce_backprop import lang as cb_lang  # noqa: E402
from ce_backprop.plotting import figure_outputs  # noqa: E402



# --- the library and the extension agree ---------------------------------------------------

def test_the_extension_knows_the_librarys_mime_type_marks_and_metadata_key():
    from ce_backprop import plotting

    assert bilingual.OUTPUT_MIME_TYPE == cb_lang.MIME_TYPE
    assert bilingual.OUTPUT_MARKS == cb_lang.MARKS
    assert bilingual.FIGURE_METADATA_KEY == plotting.METADATA_KEY


@pytest.mark.parametrize(
    "edition, expected",
    [
        ("zh", "测试准确率：97.56%\n全部通过 (3)"),
        ("en", "test accuracy: 97.56%\nall passed (3)"),
        ("both", "测试准确率：97.56%\ntest accuracy: 97.56%\n全部通过\nall passed (3)"),
    ],
)
def test_a_printed_bilingual_keeps_the_editions_language_and_the_rest_of_the_line(edition, expected):
    cb.set_language(None)
    printed = "\n".join([
        str(cb.Bilingual("测试准确率：97.56%", "test accuracy: 97.56%")),
        f"{cb.Bilingual('全部通过', 'all passed')} (3)",
    ])
    assert resolve_marks(printed, edition) == expected
    assert resolve_marks("no marks: 1.0", edition) == "no marks: 1.0"


def _notebook_with_outputs():
    b = cb.Bilingual("测试准确率：0.97", "test accuracy: 0.97")

    def draw(t):
        fig, ax = cb.subplots()
        ax.plot([0, 1], [0, 1])
        ax.set_xlabel(t("轮数", "epoch"))
        return fig

    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    result = code("b")
    result.outputs = [nbformat.v4.new_output("execute_result", data=b._repr_mimebundle_(), execution_count=1)]
    printed = code("print(b)")
    printed.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"{cb.Bilingual('梯度检验通过', 'gradient check passed')}: 1.2e-05\n")]
    figure = code("cb.show_figure(draw)")
    figure.outputs = [
        nbformat.v4.new_output("display_data", data=o["data"], metadata=o["metadata"])
        for o in figure_outputs(draw, langs=("zh", "en"))
    ]
    return [
        md("# 标题 · Title"),
        md("见下面的结果。", metadata={"tags": ["zh"]}),
        md("See the results below.", metadata={"tags": ["en"]}),
        md(r"$$\tilde g = g + \underbrace{O(h^2)}_{\zhen{截断误差}{truncation}}$$ (t-words)"),
        result,
        printed,
        figure,
        md("**图1.1** 代价随轮数下降。", metadata={"tags": ["zh"]}),
        md("**Figure 1.1** The cost falls with the epochs.", metadata={"tags": ["en"]}),
    ]


def test_output_languages_finds_bilingual_results_and_figures_per_language():
    cells = json.loads(nbformat.writes(nbformat.v4.new_notebook(cells=_notebook_with_outputs())))["cells"]
    found = output_languages(cells)
    assert sorted(found) == [4, 6]
    (text,) = found[4]
    assert (text["kind"], text["zh"], text["en"]) == ("text", "测试准确率：0.97", "test accuracy: 0.97")
    zh, en = found[6]
    assert (zh["lang"], en["lang"]) == ("zh", "en") and zh["sha256"] != en["sha256"]
    assert (zh["alt"], en["alt"]) == ("图1.1 代价随轮数下降。", "Figure 1.1 The cost falls with the epochs.")


def _cell(index: int, *outputs: nodes.Element) -> nodes.container:
    return nodes.container("", nodes.container("", *outputs, nb_element="cell_code_output"), nb_element="cell_code", cell_index=index)


def _bundle(mime: str, node: nodes.Element) -> nodes.container:
    return nodes.container("", nodes.container("", node, mime_type=mime), nb_element="mime_bundle")


@pytest.mark.parametrize("edition", ["zh", "en", "both"])
def test_edition_outputs_on_a_document_tree(edition):
    notes = {0: [{"kind": "text", "plain": "中\nen", "zh": "中", "en": "en"},
                 {"kind": "image", "sha256": "aaa", "lang": "zh", "alt": "中文图"},
                 {"kind": "image", "sha256": "bbb", "lang": "en", "alt": "English figure"}]}
    doc = nodes.section("", _cell(
        0,
        _bundle("text/plain", nodes.literal_block("", "中\nen")),
        _bundle("image/png", nodes.image(uri="build/aaa.png")),
        _bundle("image/png", nodes.image(uri="build/bbb.png")),
        nodes.literal_block("", "\u2062通过\n\u2063passed\u2064 ✓", classes=["output", "stream"]),
    ))
    edition_outputs(doc, edition, notes)
    images = {i["uri"]: i for i in doc.findall(nodes.image)}
    texts = [b.astext() for b in doc.findall(nodes.literal_block)]
    if edition == "zh":
        assert list(images) == ["build/aaa.png"] and images["build/aaa.png"]["alt"] == "中文图"
        assert texts == ["中", "通过 ✓"]
    elif edition == "en":
        assert list(images) == ["build/bbb.png"] and images["build/bbb.png"]["alt"] == "English figure"
        assert texts == ["en", "passed ✓"]
    else:
        assert [i["classes"] for i in images.values()] == [["lang-zh"], ["lang-en"]]
        assert [(o["lang"], o.astext()) for o in doc.findall(bilingual.lang_output)] == [("zh", "中"), ("en", "en")]
        assert texts == ["中", "en", "通过\npassed ✓"]
    if edition == "both":  # course_both_figures = "zh": the side-by-side edition's figures in Chinese only
        doc = nodes.section("", _cell(0, _bundle("image/png", nodes.image(uri="build/aaa.png")), _bundle("image/png", nodes.image(uri="build/bbb.png"))))
        edition_outputs(doc, "both", notes, both_figures="zh")
        assert [i["uri"] for i in doc.findall(nodes.image)] == ["build/aaa.png"]


# --- a small book, built in each edition ------------------------------------------------------

def _build_mini_book(root: Path, edition: str) -> Path:
    book = root / edition
    book.mkdir(parents=True)
    shutil.copytree(ROOT / "_ext", book / "_ext")
    (book / ".site-assets").symlink_to(ROOT / ".site-assets")
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["sphinx"]["config"].update(course_edition=edition, language=EDITIONS[edition]["language"])
    (book / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    (book / "_toc.yml").write_text("format: jb-book\nroot: page\nchapters:\n  - file: other\n", encoding="utf-8")
    (book / "other.md").write_text("# 另一页 · Another page\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook(cells=_notebook_with_outputs())
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, book / "page.ipynb")
    jb = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jb), "build", str(book), "--all", "-W", "-n", "--keep-going"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return book / "_build" / "html"


@pytest.fixture(scope="module")
def mini(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("outputs")
    return {edition: _build_mini_book(root, edition) for edition in EDITIONS}


def _article(html: str) -> str:
    return html.split('<article class="bd-article">', 1)[1].split("</article>", 1)[0]


def test_the_english_mini_book_has_no_chinese_in_outputs_alt_texts_maths_or_search(mini):
    html = (mini["en"] / "page.html").read_text(encoding="utf-8")
    article = _article(html)
    assert not HAN.search(article), HAN.findall(article)[:10]
    assert "test accuracy: 0.97" in article and "gradient check passed: 1.2e-05" in article
    assert r"\text{truncation}" in article
    (img,) = re.findall(r"<img [^>]*>", article)
    assert 'alt="Figure 1.1 The cost falls with the epochs."' in img
    assert not HAN.search((mini["en"] / "searchindex.js").read_text(encoding="utf-8"))


def test_the_chinese_mini_book_prints_no_english(mini):
    article = _article((mini["zh"] / "page.html").read_text(encoding="utf-8"))
    assert "测试准确率：0.97" in article and "梯度检验通过: 1.2e-05" in article
    for english in ("test accuracy", "gradient check passed", "truncation", "Figure 1.1", "The cost"):
        assert english not in article
    (img,) = re.findall(r"<img [^>]*>", article)
    assert 'alt="图1.1 代价随轮数下降。"' in img
    index = (mini["zh"] / "searchindex.js").read_text(encoding="utf-8").lower()
    assert "accuracy" not in index and "passed" not in index


def test_the_side_by_side_mini_book_shows_both_and_marks_each(mini):
    article = _article((mini["both"] / "page.html").read_text(encoding="utf-8"))
    assert '<div class="lang-output lang-zh" lang="zh-Hans">' in article
    assert '<div class="lang-output lang-en" lang="en">' in article
    assert r"\text{截断误差 / truncation}" in article
    imgs = re.findall(r"<img [^>]*>", article)
    assert len(imgs) == 2 and 'class="lang-zh"' in imgs[0] and 'class="lang-en"' in imgs[1]
    assert "\u2062" not in article and "\u2064" not in article


def test_each_edition_keeps_its_own_figure(mini):
    zh, en = (re.search(r'src="_images/(\w+)\.png"', _article((mini[e] / "page.html").read_text(encoding="utf-8")))[1] for e in ("zh", "en"))
    assert zh != en


# --- JupyterLite: each edition's own notebook ----------------------------------------------

def test_an_editions_jupyterlite_notebook_speaks_its_language():
    from build_lite import clean_notebook, edition_notebook

    md = nbformat.v4.new_markdown_cell
    cells = [
        md("# 1 标题 · Title"),
        md("| 量 · quantity | 说明 · meaning |\n|---|---|\n| $x$ · $x$ | 输入 · the input |"),
        md("**关于原文：符号 · About the source: the sign**"),
        *_notebook_with_outputs()[1:],
    ]
    text = nbformat.writes(nbformat.v4.new_notebook(cells=cells))
    for lang, other in (("zh", "en"), ("en", "zh")):
        nb = json.loads(clean_notebook(edition_notebook(text, lang)))
        first, *rest = nb["cells"]
        assert first["cell_type"] == "code" and f'set_language("{lang}")' in "".join(first["source"])
        markdown = "\n".join("".join(c["source"]) for c in rest if c["cell_type"] == "markdown")
        outputs = json.dumps([c.get("outputs", []) for c in rest], ensure_ascii=False)
        assert not any(other in c.get("metadata", {}).get("tags", []) for c in rest)
        assert " · " not in markdown and r"\zhen" not in markdown
        figures = [o for c in rest for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
        assert [o["metadata"]["ce_backprop"]["lang"] for o in figures] == [lang]
        assert "\\u2062" not in outputs and "\u2062" not in outputs
        if lang == "en":
            assert not HAN.search(markdown) and not HAN.search(outputs.replace("\\u", ""))
            assert "# 1 Title" in markdown and r"\text{truncation}" in markdown and "About the source: the sign" in markdown
        else:
            assert "# 1 标题" in markdown and "test accuracy" not in outputs and "gradient check passed" not in outputs


# --- the built site (`make build`; `make edition-zh edition-en` is enough) ---------------

from html.parser import HTMLParser  # noqa: E402

#: Every chapter, by its file name.
STEMS = [p.stem for p in CHAPTERS]
#: Three English words in a row (each of two letters or more): a sentence, not a symbol or a name.
ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z]{2,}(?:[ ,;:'’-]+[A-Za-z]{2,}){2,}\b")
#: What may stay English in the Chinese edition's outputs: Python's own messages and names.
ENGLISH_ALLOWED = re.compile(r"(?m)^\s*(?:Traceback|[A-Z]\w*(?:Error|Warning|Exception)\b).*$|\b(?:True|False|None|nan|inf)\b")


class _Outputs(HTMLParser):
    """The text of a page's cell outputs (code listings that an output shows left out),
    and the alt texts of the article's images."""

    def __init__(self):
        super().__init__()
        self.depth, self.skip, self.in_article = 0, 0, False
        self.texts, self.alts, self.stack = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "article":
            self.in_article = True
        if tag == "img" and self.in_article:
            self.alts.append(attrs.get("alt") or "")
        if tag in ("img", "br", "hr", "input", "meta", "link"):
            return
        entering_output = "cell_output" in classes
        listing = self.depth and any(c.startswith("highlight-") and c not in ("highlight-none", "highlight-myst-ansi", "highlight-text") for c in classes)
        self.stack.append((entering_output, listing))
        self.depth += entering_output
        self.skip += bool(listing)

    def handle_endtag(self, tag):
        if tag == "article":
            self.in_article = False
        if tag in ("img", "br", "hr", "input", "meta", "link") or not self.stack:
            return
        entering_output, listing = self.stack.pop()
        self.depth -= entering_output
        self.skip -= bool(listing)

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.texts.append(data)


def _page_outputs(site: Path, edition: str, stem: str) -> _Outputs:
    parser = _Outputs()
    parser.feed((site / edition / "chapters" / f"{stem}.html").read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("stem", STEMS)
def test_the_english_edition_shows_no_chinese_in_outputs_or_alt_texts(site, stem):
    found = _page_outputs(site, "en", stem)
    chinese = [t.strip()[:60] for t in found.texts if HAN.search(t)]
    assert chinese == [], chinese[:8]
    assert [a for a in found.alts if HAN.search(a)] == []


@pytest.mark.parametrize("stem", STEMS)
def test_the_chinese_edition_prints_no_english_sentences(site, stem):
    text = ENGLISH_ALLOWED.sub("", "".join(_page_outputs(site, "zh", stem).texts))
    sentences = ENGLISH_SENTENCE.findall(text)
    assert sentences == [], sentences[:8]


def test_the_english_search_index_holds_no_chinese(site):
    index = (site / "en" / "searchindex.js").read_text(encoding="utf-8")
    chinese = sorted(set(HAN.findall(index)))[:20]
    assert chinese == []


@pytest.mark.parametrize("stem", STEMS)
def test_each_edition_shows_the_figures_drawn_in_its_language(site, stem):
    """A figure drawn per language (cb.show_figure) appears in its own edition only."""
    import base64
    import hashlib

    cells = json.loads((ROOT / "chapters" / f"{stem}.ipynb").read_text(encoding="utf-8"))["cells"]
    by_lang = {"zh": set(), "en": set()}
    for cell in cells:
        for out in cell.get("outputs", []):
            lang = (out.get("metadata") or {}).get("ce_backprop", {}).get("lang")
            if lang in by_lang and "image/png" in out.get("data", {}):
                png = out["data"]["image/png"]
                by_lang[lang].add(hashlib.sha256(base64.b64decode("".join(png) if isinstance(png, list) else png)).hexdigest())
    for edition, other in (("zh", "en"), ("en", "zh")):
        page = (site / edition / "chapters" / f"{stem}.html").read_text(encoding="utf-8")
        shown = set(re.findall(r'src="[^"]*?([0-9a-f]{64})\.png"', page))
        assert by_lang[edition] <= shown, f"{edition}: {len(by_lang[edition] - shown)} of its figures missing"
        assert not (by_lang[other] & shown), f"{edition} shows {len(by_lang[other] & shown)} figures drawn in {other}"


def test_alt_texts_keep_no_latex_commands():
    from bilingual import _plain

    text = _plain(r"**Figure 5.2** $\operatorname{softmax}(z)$ and $\lVert \partial C/\partial W^{(\ell)} \rVert$ per layer")
    assert text == "Figure 5.2 softmax(z) and ‖ ∂ C/∂ W^(ℓ) ‖ per layer"
    assert not re.search(r"operatorname|\bell\b|lVert", text)
