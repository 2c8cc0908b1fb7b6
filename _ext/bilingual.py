"""Bilingual (简体中文 / English) prose blocks for the course book.

Authors mark prose by language:

* in a chapter notebook, a markdown cell tagged ``zh`` followed by its English
  partner tagged ``en``;
* on a Markdown page, a ``{lang} zh`` block followed by a ``{lang} en`` block.

On ``source-read`` (the event that hands myst-nb the notebook text) every
tagged cell is wrapped in a ``{lang}`` directive, so the ``.ipynb`` on disk and
its download stay clean. The directive renders ``<div lang="zh-Hans">`` or
``<div lang="en">``; a zh block and its en partner are wrapped together in a
``lang-pair`` container, which the side-by-side edition shows one above the
other. The extension warns (and so fails a ``-W`` build) when a
tagged block holds a heading or a labelled equation, or when a zh block has no
en partner or the reverse.

Editions
--------
The config value ``course_edition`` ("zh", "en" or "both", default "both")
selects the edition that one Sphinx run builds; the Makefile runs one
``sphinx-build`` per edition, each with its own ``language`` (``EDITIONS``, from
the table of editions, editions.json).
"both" is the side-by-side book. In "zh" and "en" the other language is
removed from the document tree while it is read (so from the pages, the
sidebar, the page titles, cross-reference texts and the search index):

* ``{lang}`` blocks of the other language, and *any* element carrying the class
  ``lang-zh`` / ``lang-en`` of the other language (other extensions mark their
  bilingual fragments that way; raw HTML fragments too);
* shared headings, table-of-contents captions, the book's title and author:
  "中文 · English" is split at the first " · ". A leading number ("1.2 ",
  "3. ") stays in both editions. Section ids come from the unsplit source,
  so they are the same in every edition;
* figure alt texts: only that language's caption;
* tables bilingual by columns (the authoring rule):

  - a header cell in Chinese only (Han characters, no Latin letters) marks a
    Chinese column; one in English only (Latin letters, no Han characters)
    an English column; maths and code in a header are not counted. When a
    table has as many Chinese columns as English columns (at least one each),
    each single-language edition drops the other language's columns. A table
    whose counts differ keeps all its columns (so a lone "English" term column,
    or a "float32" column, is never dropped by accident);
  - a header cell "中文 · English" marks a split column: in each
    single-language edition every cell of that column (the header included)
    is cut at its first " · ", Chinese before, English after. A cell without
    " · " (a symbol, a number, a term) is kept whole in both editions. So a
    split-column cell holds exactly one " · ", between its Chinese and its
    English text;
  - any other header ("#", a symbol) marks a shared column, kept whole.

  The separator is the first " · " outside brackets (（…）, (…), […], 【…】), so
  "a ± b（广播 · broadcast）· a ± b (broadcast)" is cut after the closing "）"; after a
  full-width closing bracket the space before the dot may be left out.
* words inside formulas: ``\\zhen{中文}{English}`` in any formula (display or inline) becomes
  ``\\text{中文}`` (zh), ``\\text{English}`` (en) or ``\\text{中文 / English}`` (both), before
  the maths is rendered (STYLE.md §2);
* the cells' outputs (:func:`edition_outputs`): a result that is a ``ce_backprop.Bilingual``
  (MIME type ``application/vnd.ce-backprop.bilingual``) shows its edition's language, and
  in the side-by-side edition a zh and an en block (``lang_output``); a printed
  ``Bilingual`` (between the invisible marks :data:`OUTPUT_MARKS`) keeps its edition's
  half and the rest of its line; a figure that ``cb.show_figure`` drew in the other
  language is removed, and each figure gets its own language's alt text. The search
  index, built from the same tree, so holds one language too.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

#: The editions (editions.json, the one table of them): Sphinx's ``language`` (the
#: theme's strings and <html lang>), the search language (jieba for Chinese, the
#: English stemmer for English; Sphinx's Chinese search also stems the English words
#: of the side-by-side edition), the hreflang that search engines are told, and the
#: switch's label and title.
SITE = json.loads(Path(__file__).with_name("editions.json").read_text(encoding="utf-8"))
EDITIONS: dict[str, dict] = SITE["editions"]
#: The two languages and their BCP 47 tags.
LANGS = {edition: info["lang"] for edition, info in EDITIONS.items() if edition != "both"}
#: Chinese before, English after: headings, captions and split table cells.
SEPARATOR: str = SITE["separator"]
#: Course terms (交叉熵, 反向传播, …) that jieba must keep whole in the search index.
SEARCH_DICT = Path(__file__).with_name("zh_search_dict.txt")
#: The language switch (bilingual.js, bilingual.css). Not in the book's _static,
#: which Jupyter Book would include a second time.
STATIC = Path(__file__).with_name("static")
#: MathJax and its font, unpacked by tools/vendor_assets.py.
ASSETS = ".site-assets"
#: Long enough never to clash with a fence inside a cell.
FENCE = ":" * 12

_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
_SETEXT_RE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_LABEL_RES = (
    re.compile(r"\$\$\s*\([^)]+\)\s*$"),  # $$ … $$ (label)
    re.compile(r"^\s*:label:"),  # {math} directive option
    re.compile(r"\\label\{"),  # amsmath label
)


def problems_in_block(lines: list[str]) -> list[str]:
    """What a zh/en block must not contain: headings and labelled equations."""
    found = []
    in_code = False
    previous = ""
    for line in lines:
        if _FENCE_RE.match(line):
            in_code = not in_code
            previous = ""
            continue
        if in_code:
            continue
        if _HEADING_RE.match(line) or (_SETEXT_RE.match(line) and previous.strip() and "|" not in previous):
            found.append(f"a heading ({line.strip()[:40]!r}); headings are shared: put it in an untagged cell")
        for pattern in _LABEL_RES:
            if pattern.search(line):
                found.append(
                    f"a labelled equation ({line.strip()[:40]!r}); labelled equations are shared: "
                    "put it in an untagged cell"
                )
                break
        previous = line
    return found


class lang_block(nodes.container):
    """A prose block in one language."""


class lang_pair(nodes.container):
    """A Chinese block and its English partner."""


class lang_output(nodes.container):
    """One language's version of a cell's output (the side-by-side edition)."""


def visit_lang_output_html(self, node: lang_output) -> None:
    lang = node["lang"]
    self.body.append(f'<div class="lang-output lang-{lang}" lang="{LANGS[lang]}">\n')


def visit_lang_block_html(self, node: lang_block) -> None:
    lang = node["lang"]
    self.body.append(f'<div class="lang-block lang-{lang}" lang="{LANGS[lang]}">\n')


def visit_lang_pair_html(self, node: lang_pair) -> None:
    self.body.append('<div class="lang-pair">\n')


def depart_div_html(self, node) -> None:
    self.body.append("</div>\n")


class LangDirective(SphinxDirective):
    """``{lang} zh`` / ``{lang} en``: one language's version of a prose block."""

    required_arguments = 1
    has_content = True
    option_spec = {"class": directives.class_option}

    def run(self):
        lang = self.arguments[0].strip()
        if lang not in LANGS:
            logger.warning(
                f"unknown language {lang!r} in a lang block; use 'zh' or 'en'",
                location=self.get_location(),
                type="bilingual",
            )
            lang = "en"
        for problem in problems_in_block(list(self.content)):
            logger.warning(
                f"{'an' if lang == 'en' else 'a'} '{lang}' block holds {problem}", location=self.get_location(), type="bilingual"
            )
        node = lang_block(lang=lang, classes=["lang-block", f"lang-{lang}"])
        self.set_source_info(node)
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


_TEX_WORDS = {
    "sigma": "σ", "delta": "δ", "eta": "η", "partial": "∂", "varepsilon": "ε", "epsilon": "ε",
    "to": "→", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "times": "×", "cdot": "·",
    "infty": "∞", "approx": "≈", "ne": "≠", "odot": "⊙", "top": "ᵀ", "sum": "Σ", "quad": " ",
    "ell": "ℓ", "alpha": "α", "beta": "β", "gamma": "γ", "theta": "θ", "lambda": "λ", "mu": "μ",
    "pi": "π", "psi": "ψ", "nabla": "∇", "prod": "∏", "in": "∈", "pm": "±", "mid": "|", "qquad": " ",
    "lVert": "‖", "rVert": "‖", "Vert": "‖", "left": "", "right": "", "bigl": "", "bigr": "", "Bigl": "", "Bigr": "",
    # formatting commands: their argument is the text
    "operatorname": "", "mathrm": "", "text": "", "mathbf": "", "mathcal": "", "boldsymbol": "", "textrm": "", "mathit": "",
    "tilde": "", "bar": "", "hat": "",
}


def _plain(markdown: str) -> str:
    """Caption Markdown (with inline TeX) as plain text for an alt attribute."""
    text = re.sub(r"\{\w+\}`([^`]*)`", r"\1", markdown)  # {eq}`x` → x
    text = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2", text)
    text = re.sub(r"\\zhen\{([^{}]*)\}\{([^{}]*)\}", r"\1 / \2", text)
    text = re.sub(r"\\([A-Za-z]+)", lambda m: _TEX_WORDS.get(m.group(1), m.group(1)), text)
    text = re.sub(r"[*_`${}\\]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def add_figure_alt_texts(cells: list[dict], edition: str = "both") -> list[str]:
    """Give every figure (a code cell with an image output) alt text in the edition's languages.

    The alt text is the zh/en caption pair that follows the figure (in the zh or
    en edition only that language's caption), so a screen reader hears the
    caption. Returns the figures that have no caption pair after them.
    """
    missing = []
    for i, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        if not any("image/png" in out.get("data", {}) for out in cell.get("outputs", [])):
            continue
        pair = cells[i + 1 : i + 3]
        tags = [set(c.get("metadata", {}).get("tags", [])) for c in pair]
        if len(pair) < 2 or "zh" not in tags[0] or "en" not in tags[1]:
            missing.append(f"cell {i + 1} draws a figure but no zh/en caption pair follows it")
            continue
        texts = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in pair]
        alt = {"zh": _plain(texts[0]), "en": _plain(texts[1])}.get(edition, f"{_plain(texts[0])} / {_plain(texts[1])}")
        options = cell.setdefault("metadata", {}).setdefault("mystnb", {}).setdefault("image", {})
        options.setdefault("alt", alt)
    return missing


def wrap_notebook(text: str, edition: str = "both") -> tuple[str, list[str]] | None:
    """The notebook JSON with each tagged markdown cell wrapped in a lang directive,
    and the problems found in its cells (wrong tags, figures without a caption pair).

    Returns None when ``text`` is not a notebook. Tags other than zh/en are
    left alone; a cell tagged both ways keeps its text and is reported.
    """
    try:
        nb = json.loads(text)
    except ValueError:
        return None
    if not isinstance(nb, dict) or "cells" not in nb:
        return None
    problems = _tag_problems(nb["cells"]) + add_figure_alt_texts(nb["cells"], edition)
    for cell in nb["cells"]:
        tags = set(cell.get("metadata", {}).get("tags", []))
        langs = tags & set(LANGS)
        if cell.get("cell_type") != "markdown" or len(langs) != 1:
            continue
        (lang,) = langs
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        cell["source"] = f"{FENCE}{{lang}} {lang}\n{source.rstrip()}\n{FENCE}\n"
    return json.dumps(nb, ensure_ascii=False), problems


def on_source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    result = wrap_notebook(source[0], app.config.course_edition)
    if result is None:
        return
    source[0], problems = result
    for problem in problems:
        logger.warning(problem, location=docname, type="bilingual")


def _tag_problems(cells: list[dict]) -> list[str]:
    found = []
    for i, cell in enumerate(cells, start=1):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags >= {"zh", "en"}:
            found.append(f"cell {i} is tagged both 'zh' and 'en'; a prose cell has one language")
        elif tags & {"zh", "en"} and cell.get("cell_type") != "markdown":
            found.append(f"cell {i} is a {cell.get('cell_type')} cell tagged {sorted(tags & {'zh', 'en'})}; only prose cells are tagged")
    return found


def pair_blocks(app: Sphinx, doctree: nodes.document) -> None:
    """Check that every zh block is followed by its en partner, and wrap each pair."""
    docname = app.env.docname
    for node in list(doctree.findall(lang_block)):
        parent = node.parent
        if parent is None or node not in parent.children:
            continue  # already moved into a pair
        index = parent.index(node)
        following = parent.children[index + 1] if index + 1 < len(parent.children) else None
        if node["lang"] == "zh":
            if isinstance(following, lang_block) and following["lang"] == "en":
                pair = lang_pair(classes=["lang-pair"])
                pair.source, pair.line = node.source, node.line
                parent.replace(node, pair)
                parent.remove(following)
                pair += [node, following]
            else:
                logger.warning(
                    "a 'zh' block has no 'en' partner right after it",
                    location=node, type="bilingual",
                )
        elif not isinstance(parent, lang_pair):
            # A paired en block was moved into its lang_pair when its zh partner was seen.
            logger.warning(
                "an 'en' block has no 'zh' partner right before it", location=node, type="bilingual"
            )


# --- Editions -------------------------------------------------------------------------

_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
#: A heading's own number ("1.2 ", "3. ", "4 ", the appendix's "A.1 "), kept in both single-language editions.
_NUMBER = re.compile(r"^\s*(?:[A-Z](?:\.\d+)+|\d+(?:\.\d+)*)\.?\s+")


_OPENING, _CLOSING = "(（[【", ")）]】"


def find_separator(text: str, depth: int = 0) -> tuple[int, int, int]:
    """Where the first " · " of ``text`` outside brackets (（…）, (…), […], 【…】) starts and
    ends, (-1, -1) if there is none, and the bracket depth at the end of ``text``
    (``depth``: the depth at its start). After a full-width closing bracket the space
    before the dot may be left out: "反向规则（VJP）· backward rule (VJP)"."""
    start = end = -1
    for i, char in enumerate(text):
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth = max(depth - 1, 0)
        elif char == "·" and start < 0 and depth == 0 and text[i + 1 : i + 2] == " " and i > 0:
            if text[i - 1] == " ":
                start, end = i - 1, i + 2
            elif text[i - 1] in "）】":
                start, end = i, i + 2
    return start, end, depth


def split_text(text: str, lang: str) -> str:
    """One language of "中文 · English" (cut at the first " · " outside brackets); other text as it is."""
    if lang not in LANGS:
        return text
    start, end, _ = find_separator(text)
    if start < 0:
        return text
    zh, en = text[:start], text[end:]
    if lang == "zh":
        return zh.rstrip()
    number = _NUMBER.match(zh)
    return (number.group(0) if number else "") + en.lstrip()


def _outside_code(node: nodes.Node) -> bool:
    return not any(isinstance(a, (nodes.math, nodes.literal, nodes.raw)) for a in _ancestors(node))


def _ancestors(node: nodes.Node):
    while node is not None:
        yield node
        node = node.parent


def split_node(node: nodes.Element, lang: str) -> bool:
    """Keep one language of a bilingual "中文 · English" element (a title, a table cell).

    The cut is at the first " · " in the element's text outside maths and code;
    everything after it (zh) or before it (en, except a leading number) goes,
    whatever inline markup it sits in. Returns False when there is no " · ".
    """
    texts = [t for t in node.findall(nodes.Text) if _outside_code(t)]
    cut, depth, seen = None, 0, ""
    for text in texts:
        index, end, depth = find_separator(str(text), depth)
        if index >= 0:
            cut = text
            break
        seen += str(text)
    if cut is None:
        return False
    number = _NUMBER.match(node.astext())  # a leading number, if it stands before the cut
    number = number.group(0) if number and (seen + str(cut)[:index]).startswith(number.group(0).rstrip()) else ""
    before, after = str(cut)[:index], str(cut)[end:]
    keep_zh = lang == "zh"
    child = nodes.Text(before.rstrip() if keep_zh else after.lstrip())
    parent = cut.parent
    parent.replace(cut, child)
    current = child
    while current is not node:  # drop the other side, at every level up to node
        parent = current.parent
        index = parent.index(current)
        for sibling in parent.children[index + 1 :] if keep_zh else parent.children[:index]:
            parent.remove(sibling)
        current = parent
    if number and not keep_zh:
        node.insert(0, nodes.Text(number))
    return True


def _header_language(entry: nodes.Element) -> str:
    """"zh", "en", "split" or "shared" for a table's header cell (see the module docstring)."""
    text = "".join(str(t) for t in entry.findall(nodes.Text) if _outside_code(t))
    if find_separator(text)[0] >= 0:
        return "split"
    han, latin = bool(_HAN.search(text)), bool(_LATIN.search(text))
    if han and not latin:
        return "zh"
    if latin and not han:
        return "en"
    return "shared"


def edition_table(table: nodes.table, lang: str) -> None:
    """Keep one language of a table that is bilingual by columns (see the module docstring)."""
    for tgroup in table.findall(nodes.tgroup):
        if tgroup.parent is not table:
            continue
        thead = next(iter(tgroup.findall(nodes.thead)), None)
        if thead is None or not thead.children:
            continue
        rows = [row for part in tgroup.children if isinstance(part, (nodes.thead, nodes.tbody)) for row in part.children]
        width = len(thead.children[0].children)
        if any(len(row.children) != width or any(e.get("morecols") for e in row.children) for row in rows):
            continue  # spanning cells: leave the table as it is
        kinds = [_header_language(entry) for entry in thead.children[0].children]
        drop = []
        if 0 < kinds.count("zh") == kinds.count("en"):
            drop = [i for i, kind in enumerate(kinds) if kind == ("en" if lang == "zh" else "zh")]
        for row in rows:
            for i, kind in enumerate(kinds):
                if kind == "split":
                    for paragraph in row.children[i].children or [row.children[i]]:
                        if isinstance(paragraph, nodes.Element) and split_node(paragraph, lang):
                            break
            for i in reversed(drop):
                row.remove(row.children[i])
        colspecs = [c for c in tgroup.children if isinstance(c, nodes.colspec)]
        for i in reversed(drop):
            if i < len(colspecs):
                tgroup.remove(colspecs[i])
        if drop:
            tgroup["cols"] = width - len(drop)
            remaining = [c for c in tgroup.children if isinstance(c, nodes.colspec)]
            total = sum(c.get("colwidth", 1) for c in remaining) or 1
            for c in remaining:  # widths as percentages of what is left
                c["colwidth"] = round(100 * c.get("colwidth", 1) / total)


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _LanguageFilter(HTMLParser):
    """Re-emit an HTML fragment without the elements of class ``lang-<other>``,
    its headings cut to one language."""

    def __init__(self, lang: str):
        super().__init__(convert_charrefs=False)
        self.lang, self.drop = lang, "lang-" + ("en" if lang == "zh" else "zh")
        self.out: list[str] = []
        self.skip = 0
        self.heading = 0

    def handle_starttag(self, tag, attrs):
        dropped = self.drop in (dict(attrs).get("class") or "").split()
        if self.skip or dropped:
            if tag not in _VOID:
                self.skip += 1
            return
        self.heading += tag in {"h1", "h2", "h3", "h4", "h5", "h6", "title"}
        self.out.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        if not self.skip and self.drop not in (dict(attrs).get("class") or "").split():
            self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if self.skip:
            self.skip -= tag not in _VOID
            return
        self.heading -= tag in {"h1", "h2", "h3", "h4", "h5", "h6", "title"}
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(split_text(data, self.lang) if self.heading else data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")

    def handle_comment(self, data):
        if not self.skip:
            self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")


def keep_language(html: str, lang: str) -> str:
    """An HTML fragment in one edition: elements of class ``lang-zh``/``lang-en`` of the
    other language removed, "中文 · English" headings cut. "both" keeps it as it is."""
    if lang not in LANGS:
        return html
    parser = _LanguageFilter(lang)
    parser.feed(html)
    parser.close()
    return "".join(parser.out)


def make_edition(doctree: nodes.Element, lang: str) -> None:
    """Reduce a bilingual document tree to one language (see the module docstring)."""
    other = "en" if lang == "zh" else "zh"
    for node in list(doctree.findall(nodes.Element)):
        if node.parent is None and node is not doctree:
            continue  # inside a subtree removed already
        if (isinstance(node, lang_block) and node["lang"] == other) or f"lang-{other}" in node.get("classes", []):
            node.parent.remove(node)
    for node in list(doctree.findall(nodes.raw)):
        if "html" in node.get("format", "").split():
            html = keep_language(node.astext(), lang)
            node.children = []
            node += nodes.Text(html)
    for title in list(doctree.findall(lambda n: isinstance(n, (nodes.title, nodes.rubric)))):
        split_node(title, lang)
    for table in list(doctree.findall(nodes.table)):
        edition_table(table, lang)


#: Words inside a shared formula: ``\zhen{中文}{English}`` (STYLE.md §2).
WORDS_MACRO = "\\zhen"
#: How the side-by-side edition shows both words.
WORDS_BOTH = "{zh} / {en}"
_WORDS_RE = re.compile(r"\\zhen(?![A-Za-z])")


def _braced(tex: str, start: int) -> tuple[str, int] | None:
    """The text of the brace group at ``tex[start:]`` (after spaces) and the index after it."""
    i = start
    while i < len(tex) and tex[i] in " \t\n":
        i += 1
    if i >= len(tex) or tex[i] != "{":
        return None
    depth, j = 0, i
    while j < len(tex):
        char = tex[j]
        if char == "\\":
            j += 2  # an escaped character (\{, \}, \\) never opens or closes a group
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return tex[i + 1 : j], j + 1
        j += 1
    return None


def resolve_words(tex: str, edition: str) -> tuple[str, list[str]]:
    r"""A formula's ``\zhen{中文}{English}`` in the edition's language, and the problems found.

    zh: ``\text{中文}``; en: ``\text{English}``; both: ``\text{中文 / English}``.
    A ``\zhen`` without two brace groups, or with another ``\zhen`` inside, is left as
    it is and reported.
    """
    out, problems, pos = [], [], 0
    for match in _WORDS_RE.finditer(tex):
        if match.start() < pos:
            continue  # inside an argument already reported
        first = _braced(tex, match.end())
        second = first and _braced(tex, first[1])
        if not second:
            problems.append(rf"{WORDS_MACRO} needs two arguments, {WORDS_MACRO}{{中文}}{{English}}: {tex[match.start():match.start() + 40]!r}")
            continue
        zh, en = first[0], second[0]
        if _WORDS_RE.search(zh) or _WORDS_RE.search(en):
            problems.append(rf"a {WORDS_MACRO} inside a {WORDS_MACRO}: {tex[match.start():second[1]][:60]!r}")
            out.append(tex[pos : second[1]])
            pos = second[1]
            continue
        words = {"zh": zh, "en": en}.get(edition) or WORDS_BOTH.format(zh=zh, en=en)
        out.append(tex[pos : match.start()] + rf"\text{{{words}}}")
        pos = second[1]
    out.append(tex[pos:])
    return "".join(out), problems


def resolve_words_in_maths(doctree: nodes.Element, edition: str) -> None:
    r"""Every formula of the document (display and inline) with its ``\zhen`` resolved."""
    for node in list(doctree.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block)))):
        tex = node.astext()
        if WORDS_MACRO not in tex:
            continue
        resolved, problems = resolve_words(tex, edition)
        for problem in problems:
            logger.warning(problem, location=node, type="bilingual")
        node.children = []
        node += nodes.Text(resolved)


# --- Outputs: one language per edition ------------------------------------------------

#: A cell's bilingual result (ce_backprop.Bilingual): {"zh": ..., "en": ...} as JSON.
OUTPUT_MIME_TYPE = "application/vnd.ce-backprop.bilingual"
#: The key of a figure output's metadata (ce_backprop.plotting): {"lang": ..., "alt": ...}.
FIGURE_METADATA_KEY = "ce_backprop"
_OUTPUTS = "ce_backprop_outputs"


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def output_languages(cells: list[dict]) -> dict[int, list[dict]]:
    """What the edition build needs to know of each code cell's outputs, by cell index.

    * ``{"kind": "text", "plain": …, "zh": …, "en": …}`` for a bilingual result (its
      ``text/plain`` is what myst-nb renders; the transform finds it by that text);
    * ``{"kind": "image", "sha256": …, "lang": "zh" | "en" | None, "alt": … | None}`` for a
      figure that ``cb.show_figure`` drew (myst-nb names the image file by its sha256).
    """
    import base64
    import hashlib

    found: dict[int, list[dict]] = {}
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        captions = _caption_pair(cells[index + 1 : index + 3])
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            if OUTPUT_MIME_TYPE in data and "text/plain" in data:
                try:
                    payload = json.loads(_text(data[OUTPUT_MIME_TYPE]))
                    zh, en = str(payload["zh"]), str(payload["en"])
                except (ValueError, KeyError, TypeError):
                    continue
                found.setdefault(index, []).append({"kind": "text", "plain": _text(data["text/plain"]), "zh": zh, "en": en})
            meta = (output.get("metadata") or {}).get(FIGURE_METADATA_KEY)
            if isinstance(meta, dict) and "image/png" in data:
                try:
                    sha = hashlib.sha256(base64.b64decode(_text(data["image/png"]))).hexdigest()
                except ValueError:
                    continue
                lang = meta.get("lang") if meta.get("lang") in LANGS else None
                alt = meta.get("alt") or (captions.get(lang) if lang else None)
                found.setdefault(index, []).append({"kind": "image", "sha256": sha, "lang": lang, "alt": alt})
    return found


def _caption_pair(cells: list[dict]) -> dict[str, str]:
    """The plain text of the zh/en caption pair in ``cells`` (wrapped in lang fences or not)."""
    tags = [set(c.get("metadata", {}).get("tags", [])) for c in cells]
    if len(cells) < 2 or "zh" not in tags[0] or "en" not in tags[1]:
        return {}
    found = {}
    for lang, cell in zip(LANGS, cells):
        text = _text(cell.get("source", ""))
        if text.startswith(FENCE):
            text = text.split("\n", 1)[-1].rstrip().removesuffix(FENCE)
        found[lang] = _plain(text)
    return found


def read_notebook(app: Sphinx, docname: str, source: list[str]) -> dict | None:
    """The notebook a ``source-read`` handler was given, parsed, or None for any other document."""
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return None
    try:
        nb = json.loads(source[0])
    except ValueError:
        return None
    return nb if isinstance(nb, dict) and isinstance(nb.get("cells"), list) else None


def on_source_read_outputs(app: Sphinx, docname: str, source: list[str]) -> None:
    """Note the languages of a notebook's outputs for :class:`EditionTransform` (after layout.py
    has replaced the explorers' widgets by their saved outputs)."""
    app.env.temp_data.pop(_OUTPUTS, None)
    nb = read_notebook(app, docname, source)
    if nb is not None:
        app.env.temp_data[_OUTPUTS] = output_languages(nb["cells"])


#: Around a printed ce_backprop.Bilingual: before the Chinese, before the English, after it.
OUTPUT_MARKS = ("\u2062", "\u2063", "\u2064")
_MARKED = re.compile("\u2062(.*?)\n?\u2063(.*?)\u2064", re.S)


def resolve_marks(text: str, edition: str) -> str:
    """A printed output in the edition's language: each marked "中文\\nEnglish" (see
    ``ce_backprop.lang.MARKS``) becomes its Chinese or its English, or both lines
    (side by side edition); the marks go."""
    if not any(mark in text for mark in OUTPUT_MARKS):
        return text
    if edition in LANGS:
        text = _MARKED.sub(lambda m: m.group(1) if edition == "zh" else m.group(2), text)
    else:
        text = _MARKED.sub(lambda m: f"{m.group(1)}\n{m.group(2)}", text)
    return "".join(char for char in text if char not in OUTPUT_MARKS)


def _output_block(text: str, like: nodes.literal_block) -> nodes.literal_block:
    block = like.deepcopy()
    block.children = [nodes.Text(text)]
    block.rawsource = text
    return block


def _in_output(node: nodes.Node) -> bool:
    """Whether a node is part of a notebook cell's outputs."""
    return any(isinstance(a, nodes.container) and a.get("nb_element") in ("cell_code_output", "mime_bundle") for a in _ancestors(node))


def edition_outputs(doctree: nodes.Element, edition: str, outputs: dict[int, list[dict]], both_figures: str = "both") -> None:
    """Each notebook output in the edition's language (see :func:`output_languages`).

    zh / en: a bilingual result shows that language's text; a figure drawn in the other
    language is removed; a figure's alt text is its language's. both: a bilingual result
    becomes a zh block and an en block (``lang_output``, in a ``bilingual-output``); each figure keeps
    its own language's alt text and the class ``lang-zh`` / ``lang-en``, unless
    ``both_figures`` (the config value ``course_both_figures``) names one language: then
    the side-by-side edition shows that language's renderings only (lighter pages).
    """
    for cell in list(doctree.findall(nodes.container)) if outputs else []:
        if cell.get("nb_element") != "cell_code" or cell.get("cell_index") not in outputs:
            continue
        notes = outputs[cell["cell_index"]]
        texts = {n["plain"]: n for n in notes if n["kind"] == "text"}
        images = {n["sha256"]: n for n in notes if n["kind"] == "image"}
        for bundle in list(cell.findall(nodes.container)):
            if bundle.get("nb_element") != "mime_bundle" or bundle.parent is None:
                continue
            for image in list(bundle.findall(nodes.image)):
                uri = image.get("uri", "")
                note = next((n for sha, n in images.items() if sha in uri), None)
                if note is None:
                    continue
                lang = note["lang"]
                keep = edition if edition in LANGS else (both_figures if both_figures in LANGS else None)
                if keep and lang not in (None, keep):
                    bundle.parent.remove(bundle)
                    break
                if note["alt"]:
                    image["alt"] = note["alt"]
                if lang and edition not in LANGS:
                    image["classes"] = [*image.get("classes", []), f"lang-{lang}"]
            else:
                for block in list(bundle.findall(nodes.literal_block)):
                    note = texts.get(block.astext()) or texts.get(block.astext().rstrip("\n"))
                    if note is None or not isinstance(block.parent, nodes.Element):
                        continue
                    if edition in LANGS:
                        block.parent.replace(block, _output_block(note[edition], block))
                        continue
                    pair = nodes.container(classes=["bilingual-output"])
                    for lang in LANGS:
                        part = lang_output(lang=lang, classes=["lang-output", f"lang-{lang}"])
                        part += _output_block(note[lang], block)
                        pair += part
                    block.parent.replace(block, pair)
    for block in list(doctree.findall(nodes.literal_block)):
        if any(mark in block.astext() for mark in OUTPUT_MARKS) and _in_output(block):
            block.parent.replace(block, _output_block(resolve_marks(block.astext(), edition), block))


class EditionTransform(SphinxTransform):
    """Check the zh/en pairs, then make the document one edition's.

    It runs before Sphinx's domains record the section titles (priority 850), so
    that a cross-reference to a section shows the edition's title."""

    default_priority = 840

    def apply(self, **kwargs) -> None:
        pair_blocks(self.app, self.document)
        resolve_words_in_maths(self.document, self.config.course_edition)
        edition_outputs(self.document, self.config.course_edition, self.env.temp_data.get(_OUTPUTS) or {},
                        self.config.course_both_figures)
        if self.config.course_edition in LANGS:
            make_edition(self.document, self.config.course_edition)


def split_toctree_captions(app: Sphinx, doctree: nodes.document) -> None:
    """The sidebar's part captions ("章节 · Chapters"), inserted from _toc.yml after the transforms."""
    lang = app.config.course_edition
    if lang in LANGS:
        for toctree in doctree.findall(addnodes.toctree):
            if toctree.get("caption"):
                toctree["caption"] = split_text(toctree["caption"], lang)


def split_references_in_blocks(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """In the side-by-side edition, a cross-reference inside a zh or an en block shows
    its target's "中文 · English" title in that block's language only."""
    if app.config.course_edition in LANGS:
        return  # a single-language edition has one-language titles already
    for block in doctree.findall(lang_block):
        for ref in list(block.findall(nodes.reference)):
            if SEPARATOR in ref.astext():
                split_node(ref, block["lang"])


def configure(app: Sphinx, config) -> None:
    """Serve the switch and the front-end assets, teach jieba the course's terms,
    and set up the edition."""
    edition = config.course_edition
    if edition not in EDITIONS:
        logger.warning(f"course_edition must be one of {sorted(EDITIONS)}, not {edition!r}; building 'both'", type="bilingual")
        edition = config.course_edition = "both"
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    use_local_assets(app, config)
    config.html_search_language = EDITIONS[edition]["search"]
    options = dict(config.html_search_options or {})
    options.setdefault("dict", str(SEARCH_DICT))
    config.html_search_options = options
    if config.html_search_language == "zh":
        import logging as std_logging

        import jieba

        jieba.setLogLevel(std_logging.WARNING)  # not "Building prefix dict …" on every build
    if (config.language or "").startswith("zh"):
        for name, value in ZH_CONFIG_STRINGS.items():
            if name in config:
                config[name] = value
        # Jupyter Book sets the search box's placeholder in English.
        config.html_theme_options = {**(config.html_theme_options or {}), "search_bar_text": "搜索本书……"}
    set_footer(config, edition)
    if edition in LANGS:
        for name in ("html_title", "project", "author"):
            if isinstance(config[name], str):
                config[name] = split_text(config[name], edition)
        theme_options = dict(config.html_theme_options or {})
        if isinstance(theme_options.get("extra_footer"), str):
            theme_options["extra_footer"] = keep_language(theme_options["extra_footer"], edition)
        config.html_theme_options = theme_options
        context = dict(getattr(config, "notfound_context", None) or {})
        if context:
            context = {k: keep_language(v, edition) if k == "body" else split_text(v, edition) for k, v in context.items()}
            config.notfound_context = context
    prefix = getattr(config, "notfound_urls_prefix", None)
    if isinstance(prefix, str) and prefix:
        config.notfound_urls_prefix = prefix.rstrip("/") + f"/{edition}/"
    if config.html_baseurl:
        config.html_baseurl = config.html_baseurl.rstrip("/") + f"/{edition}/"
    # Before bilingual.js: the edition this page belongs to, and the table of editions.
    table = json.dumps({e: {k: info[k] for k in ("lang", "hreflang", "label", "title")} for e, info in EDITIONS.items()}, ensure_ascii=False)
    app.add_js_file(None, body=f"document.documentElement.dataset.edition = {json.dumps(edition)};"
                    f"document.documentElement.dataset.editions = {json.dumps(table, ensure_ascii=False)};"
                    f"document.documentElement.dataset.lite = {json.dumps(SITE['lite'])};", priority=150)


#: The footer of every page, per edition: what the book is, its licences, where its
#: sources are and which edition this is ({repo}: the repository's address).
FOOTER = {
    "zh": (
        '<p lang="zh-Hans">《交叉熵与反向传播》，2026年。文字以<a href="https://creativecommons.org/licenses/by-sa/4.0/deed.zh-hans">CC BY-SA 4.0</a>'
        '许可发布，代码以MIT许可发布。书的源文件、笔记本和代码在<a href="{repo}">GitHub</a>上，发现错误可以在那里提出。'
        '这是中文版；页首的按钮可以切换到英文版或中英对照版。</p>'
    ),
    "en": (
        '<p lang="en"><i>Cross-Entropy and Backpropagation</i>, 2026. Text under '
        '<a href="https://creativecommons.org/licenses/by-sa/4.0/">CC BY-SA 4.0</a>, code under the MIT licence. '
        'The book\'s sources, notebooks and code are on <a href="{repo}">GitHub</a>, where you can report a mistake. '
        'This is the English edition; the buttons at the top of the page switch to the Chinese or the side-by-side one.</p>'
    ),
    "both": (
        '<p lang="zh-Hans">《交叉熵与反向传播》，2026年。文字以<a href="https://creativecommons.org/licenses/by-sa/4.0/deed.zh-hans">CC BY-SA 4.0</a>'
        '许可发布，代码以MIT许可发布。源文件、笔记本和代码在<a href="{repo}">GitHub</a>上。这是中英对照版。</p>'
        '<p lang="en"><i>Cross-Entropy and Backpropagation</i>, 2026. Text under '
        '<a href="https://creativecommons.org/licenses/by-sa/4.0/">CC BY-SA 4.0</a>, code under the MIT licence. '
        'Sources, notebooks and code on <a href="{repo}">GitHub</a>. This is the side-by-side edition.</p>'
    ),
}


def set_footer(config, edition: str) -> None:
    """The page footer: the edition's own (FOOTER), instead of the theme's "By <author>"."""
    options = dict(config.html_theme_options or {})
    repo = html.escape(str(options.get("repository_url") or "https://github.com/"), quote=True)
    options["footer_content_items"] = ["extra-footer.html"]
    options["extra_footer"] = FOOTER[edition].replace("{repo}", repo)
    config.html_theme_options = options


#: The theme's strings in Simplified Chinese (a gettext catalog, kept by hand).
THEME_CATALOG = Path(__file__).parent / "locale" / "zh_CN.po"

#: Strings that other extensions take from their configuration, per language.
ZH_CONFIG_STRINGS = {
    "togglebutton_hint": "点击显示",
    "togglebutton_hint_hide": "点击隐藏",
}


def use_own_translations(app: Sphinx, config) -> None:
    """Put the book's catalog (THEME_CATALOG) ahead of Sphinx's and the themes' Chinese ones.

    ``app.add_message_catalog`` only adds a catalog behind the one already loaded, so
    the themes' own (partly Traditional) renderings would win; here ours comes first
    and theirs stay behind it for every other string. At config-inited: before the
    HTML builder hands Sphinx's translator to its templates.
    """
    if not (config.language or "").startswith("zh"):
        return
    import gettext
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from sphinx import locale

    with THEME_CATALOG.open("rb") as po:
        compiled = io.BytesIO()
        write_mo(compiled, read_po(po))
    for catalog in ("sphinx", "booktheme"):
        compiled.seek(0)
        ours = gettext.GNUTranslations(compiled)
        theirs = locale.translators.get(("general", catalog))
        if theirs is not None:
            ours.add_fallback(theirs)
        locale.translators[("general", catalog)] = ours
        if catalog == "sphinx":
            app.translator = ours


def translate_page_strings(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """myst-nb writes the label of a folded cell in English into the page body."""
    if (app.config.language or "").startswith("zh") and "body" in context:
        context["body"] = context["body"].replace('aria-label="Toggle hidden content"', 'aria-label="显示或隐藏内容"')

def add_alternates(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """<link rel="alternate" hreflang> to the same page in the other editions (absolute
    when html_baseurl is set, as search engines want), and x-default to the English one."""
    if doctree is None and pagename not in app.env.found_docs:
        return
    base = (app.config.html_baseurl or "").rstrip("/")
    site = base.rsplit("/", 1)[0] + "/" if base else "../" * (pagename.count("/") + 1)
    links = []
    for edition, info in EDITIONS.items():
        href = f"{site}{edition}/{pagename}.html"
        if info["hreflang"]:
            links.append(f'<link rel="alternate" hreflang="{info["hreflang"]}" href="{href}" />')
    links.append(f'<link rel="alternate" hreflang="x-default" href="{site}en/{pagename}.html" />')
    context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(links) + "\n"


def use_local_assets(app: Sphinx, config) -> None:
    """Serve MathJax from the site itself, not a CDN, and only the parts the pages use.

    tools/vendor_assets.py (run by `make`) unpacks it into .site-assets/; a
    build without it warns, and so fails under -W, rather than fall back to a CDN.
    Instead of an all-in-one bundle, MathJax's loader fetches only the TeX input
    (with the AMS environments), the CommonHTML output and the parts of its
    font that a page uses. No MathJax 2 shim is needed any more: nothing on the
    site calls MathJax 2's API. The widget manager is not served: on the static site the
    explorers show their saved figures (_ext/layout.py), and they run live in
    JupyterLite and on Binder.
    """
    assets = Path(app.srcdir) / ASSETS
    if not (assets / "mathjax" / "fonts" / "mathjax-newcm-font" / "chtml.js").exists():
        logger.warning(
            f"the site's front-end assets are missing in {assets}: run `make assets` "
            "(python tools/vendor_assets.py) so that the pages need no CDN",
            type="bilingual",
        )
        return
    config.html_static_path = [*config.html_static_path, str(assets)]
    config.mathjax_path = "mathjax/startup.js"
    mathjax = dict(config.mathjax3_config or {})
    mathjax["loader"] = {
        "load": ["input/tex", "output/chtml"],
        "paths": {"fonts": "[mathjax]/fonts"},  # the font package, vendored beside MathJax
        **mathjax.get("loader", {}),
    }
    mathjax["output"] = {
        "font": "mathjax-newcm",
        # A display equation wider than the column breaks into lines (MathJax 4);
        # one that cannot break scrolls in its own box (layout.css shows a cue).
        "displayOverflow": "linebreak",
        "linebreaks": {"inline": True, "width": "100%"},
        # Inline maths at the size of the text around it: matching the x-height of a
        # CJK font would set it about 25 % larger.
        "matchFontHeight": False,
        "scale": 1,
        **mathjax.get("output", {}),
    }
    config.mathjax3_config = mathjax
    config.nb_ipywidgets_js = {}


def drop_duplicate_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Emit each script once: sphinx-thebe registers its inline set-up twice under Jupyter Book,
    and a second `const THEBE_JS_URL` is a JavaScript error on every page."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        # filename (None and "" both mean inline) and attributes (an inline body is one)
        filename = getattr(script, "filename", str(script)) or ""
        attributes = getattr(script, "attributes", {})
        key = (filename, tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique  # in place: the builder and later handlers hold the same list


def setup(app: Sphinx):
    app.setup_extension("codefold")  # code in one language per edition (_ext/codefold.py)
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)  # after the others add theirs
    app.connect("config-inited", configure, priority=400)  # before myst-nb reads its settings
    app.add_node(lang_block, html=(visit_lang_block_html, depart_div_html))
    app.add_node(lang_pair, html=(visit_lang_pair_html, depart_div_html))
    app.add_node(lang_output, html=(visit_lang_output_html, depart_div_html))
    app.add_directive("lang", LangDirective)
    app.connect("source-read", on_source_read)
    app.connect("source-read", on_source_read_outputs, priority=700)  # after layout.py's explorers (600)
    app.add_config_value("course_edition", "both", "env", types=[str])
    # The side-by-side edition's figures drawn per language: "both" renderings, or only "zh" / "en".
    app.add_config_value("course_both_figures", "both", "env", types=[str])
    app.add_transform(EditionTransform)
    app.connect("doctree-read", split_toctree_captions)
    app.connect("doctree-resolved", split_references_in_blocks)
    app.connect("html-page-context", add_alternates)
    app.connect("html-page-context", translate_page_strings)
    app.connect("config-inited", use_own_translations)
    app.add_css_file("bilingual.css")
    # In <head>, before the body renders, so the chosen language never flashes.
    app.add_js_file("bilingual.js", priority=200)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
