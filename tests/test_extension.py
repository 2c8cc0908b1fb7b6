"""The bilingual Sphinx extension: its checks, and a build that they fail."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

from conftest import ROOT

from bilingual import problems_in_block, wrap_notebook


def test_problems_in_block_finds_headings_and_labels():
    assert problems_in_block(["Plain text with $x$ and {eq}`ch1-a`."]) == []
    assert len(problems_in_block(["## 小节"])) == 1
    assert len(problems_in_block(["Title", "-----"])) == 1  # setext heading
    assert len(problems_in_block(["$$", "a = b", "$$ (eq-a)"])) == 1
    assert len(problems_in_block(["$$a = b$$ (eq-a)"])) == 1
    assert len(problems_in_block([r"\begin{equation}\label{x}"])) == 1
    assert len(problems_in_block(["```{math}", ":label: x", "```"])) == 0  # inside a fence: code, not parsed
    assert problems_in_block(["```python", "# a comment, not a heading", "```"]) == []
    assert problems_in_block(["| a | b |", "|---|---|"]) == []


def test_wrap_notebook_wraps_only_tagged_markdown_cells():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# T · T"),
        nbformat.v4.new_markdown_cell("中文段落", metadata={"tags": ["zh"]}),
        nbformat.v4.new_markdown_cell("English", metadata={"tags": ["en", "hide-input"]}),
        nbformat.v4.new_code_cell("1 + 1", metadata={"tags": ["zh"]}),
    ]
    text, problems = wrap_notebook(json.dumps(nb))
    cells = json.loads(text)["cells"]
    assert problems == ["cell 4 is a code cell tagged ['zh']; only prose cells are tagged"]
    assert cells[0]["source"] == "# T · T"
    # the tagged cells are wrapped (what the wrapping renders to: test_a_well_formed_page_builds_cleanly)
    assert cells[1]["source"] != "中文段落" and cells[2]["source"] != "English"
    assert cells[3]["source"] == "1 + 1"
    assert wrap_notebook("# not json") is None


def _mini_book(tmp_path: Path, cells, **sphinx_config) -> Path:
    book = tmp_path / "book"
    book.mkdir()
    shutil.copytree(ROOT / "_ext", book / "_ext")
    (book / ".site-assets").symlink_to(ROOT / ".site-assets")
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["sphinx"]["config"].update(sphinx_config)
    (book / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    # a second page: the theme's sidebar (and so the 404 page) needs a book with a TOC
    (book / "_toc.yml").write_text("format: jb-book\nroot: page\nchapters:\n  - file: other\n", encoding="utf-8")
    (book / "other.md").write_text("# 另一页 · Another page\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = cells
    nbformat.write(nb, book / "page.ipynb")
    return book


def _build(book: Path) -> subprocess.CompletedProcess:
    jb = Path(sys.executable).with_name("jupyter-book")
    return subprocess.run(
        [str(jb), "build", str(book), "--all", "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_well_formed_page_builds_cleanly(tmp_path):
    md = nbformat.v4.new_markdown_cell
    book = _mini_book(
        tmp_path,
        [
            md("# 标题 · Title"),
            md("见 {eq}`t-a`。", metadata={"tags": ["zh"]}),
            md("See {eq}`t-a`.", metadata={"tags": ["en"]}),
            md("$$\na = b\n$$ (t-a)"),
        ],
    )
    result = _build(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    html = (book / "_build" / "html" / "page.html").read_text(encoding="utf-8")
    assert 'lang="zh-Hans"' in html and '<div class="lang-pair">' in html


def test_the_build_fails_on_each_bilingual_mistake(tmp_path):
    md = nbformat.v4.new_markdown_cell
    book = _mini_book(
        tmp_path,
        [
            md("# 标题 · Title"),
            md("## 小节\n一个带标题的中文段落。", metadata={"tags": ["zh"]}),
            md("A paragraph.", metadata={"tags": ["en"]}),
            md("没有英文伙伴的段落。", metadata={"tags": ["zh"]}),
            md("Text.\n\n$$\na = b\n$$ (t-b)", metadata={"tags": ["en"]}),
            md("A lone English paragraph.", metadata={"tags": ["en"]}),
        ],
    )
    result = _build(book)
    log = result.stdout + result.stderr
    assert result.returncode != 0
    assert "a 'zh' block holds a heading" in log
    assert "an 'en' block holds a labelled equation" in log
    assert "an 'en' block has no 'zh' partner right before it" in log


def test_the_english_edition_of_a_page(tmp_path):
    md = nbformat.v4.new_markdown_cell
    book = _mini_book(
        tmp_path,
        [
            md("# 标题 · Title"),
            md("(sec-t-part)=\n## 1.2 一节 · A section"),
            md("见 {ref}`sec-t-part`。", metadata={"tags": ["zh"]}),
            md("See {ref}`sec-t-part`.", metadata={"tags": ["en"]}),
            md("| 量 · quantity | 中文 | English |\n|---|---|---|\n| $x$ · the input | 输入 | input |"),
            md('<p><span class="lang-zh">中文片段</span><span class="lang-en">English fragment</span></p>'),
        ],
        course_edition="en",
        language="en",
    )
    result = _build(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    html = (book / "_build" / "html" / "page.html").read_text(encoding="utf-8")
    article = html.split('<article class="bd-article">', 1)[1].split("</article>", 1)[0]
    assert '<html lang="en"' in html and "<title>Title" in html
    assert 'lang-block lang-en' in article and "lang-block lang-zh" not in article and "见" not in article
    assert "1.2 A section" in article and "一节" not in article
    assert 'id="sec-t-part"' in article  # the label, as in every edition
    assert re.search(r'<span class="std std-ref">1\.2 A section</span>', article)  # the reference's text, in English
    assert "<th" in article and "quantity" in article and "量" not in article and "中文" not in article
    assert "English fragment" in article and "中文片段" not in article
    assert 'hreflang="zh-Hans"' in html
