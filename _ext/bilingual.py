"""Bilingual (简体中文 / English) prose blocks for the course book.

Authors mark prose by language:

* in a chapter notebook, a markdown cell tagged ``zh`` followed by its English
  partner tagged ``en``;
* on a Markdown page, a ``{lang} zh`` block followed by a ``{lang} en`` block.

On ``source-read`` (the event that hands myst-nb the notebook text) every
tagged cell is wrapped in a ``{lang}`` directive, so the ``.ipynb`` on disk and
its download stay clean. The directive renders ``<div lang="zh-Hans">`` or
``<div lang="en">``; a zh block and its en partner are wrapped together in a
``lang-pair`` container, which the language switch in ``_ext/static`` shows or
hides. The extension warns (and so fails a ``-W`` build) when a tagged block
holds a heading or a labelled equation, or when a zh block has no en partner
or the reverse.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

LANGS = {"zh": "zh-Hans", "en": "en"}
#: Course terms (交叉熵, 反向传播, …) that jieba must keep whole in the search index.
SEARCH_DICT = Path(__file__).with_name("zh_search_dict.txt")
#: The language switch (bilingual.js, bilingual.css). Not in the book's _static,
#: which Jupyter Book would include a second time.
STATIC = Path(__file__).with_name("static")
#: MathJax, RequireJS and the widget manager, unpacked by tools/vendor_assets.py.
ASSETS = ".site-assets"
#: RequireJS reads this global before it loads. The widget manager locates its icon
#: fonts next to its own module, which without this mapping would resolve to a CDN
#: layout beside the page; with it, to _static/widgets of this site.
WIDGET_PATHS = (
    'var require = {paths: {"@jupyter-widgets/html-manager/dist": '
    'document.documentElement.dataset.content_root + "_static/widgets"}};'
)
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
}


def _plain(markdown: str) -> str:
    """Caption Markdown (with inline TeX) as plain text for an alt attribute."""
    text = re.sub(r"\{\w+\}`([^`]*)`", r"\1", markdown)  # {eq}`x` → x
    text = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2", text)
    text = re.sub(r"\\([A-Za-z]+)", lambda m: _TEX_WORDS.get(m.group(1), m.group(1)), text)
    text = re.sub(r"[*_`${}\\]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def add_figure_alt_texts(cells: list[dict]) -> list[str]:
    """Give every figure (a code cell with an image output) alt text in both languages.

    The alt text is the zh/en caption pair that follows the figure, so a screen
    reader in either language hears the caption. Returns the figures that have
    no caption pair after them.
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
        alt = f"{_plain(texts[0])} / {_plain(texts[1])}"
        options = cell.setdefault("metadata", {}).setdefault("mystnb", {}).setdefault("image", {})
        options.setdefault("alt", alt)
    return missing


def wrap_notebook(text: str) -> tuple[str, list[str]] | None:
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
    problems = _tag_problems(nb["cells"]) + add_figure_alt_texts(nb["cells"])
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
    result = wrap_notebook(source[0])
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


def configure(app: Sphinx, config) -> None:
    """Serve the switch and the front-end assets, and teach jieba the course's terms."""
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    use_local_assets(app, config)
    options = dict(config.html_search_options or {})
    options.setdefault("dict", str(SEARCH_DICT))
    config.html_search_options = options


#: The widget manager typesets widget labels with MathJax 2's MathJax.Hub.Queue;
#: the site runs MathJax 3, so that call would throw. Route it to MathJax 3.
MATHJAX2_SHIM = """(function () {
  var hub = {
    Queue: function () {
      var nodes = [];
      for (var i = 0; i < arguments.length; i++) {
        var job = arguments[i];
        if (Array.isArray(job) && job[0] === "Typeset" && job[2]) nodes.push(job[2]);
      }
      var mj = window.MathJax;
      var ready = mj.startup && mj.startup.promise ? mj.startup.promise : Promise.resolve();
      ready.then(function () { if (mj.typesetPromise) return mj.typesetPromise(nodes); });
    },
  };
  var config = (window.MathJax = window.MathJax || {});
  config.Hub = hub;  // before MathJax 3 has loaded
  config.startup = config.startup || {};
  var userReady = config.startup.ready;
  config.startup.ready = function () {  // MathJax 3 replaces window.MathJax when it loads
    if (userReady) userReady(); else window.MathJax.startup.defaultReady();
    window.MathJax.Hub = hub;
  };
})();"""


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


#: Inline scripts only the widget manager needs (WIDGET_PATHS, MATHJAX2_SHIM).
_WIDGET_ONLY_SCRIPTS = (WIDGET_PATHS, MATHJAX2_SHIM)


def drop_duplicate_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Emit each script once: sphinx-thebe registers its inline set-up twice under Jupyter Book,
    and a second `const THEBE_JS_URL` is a JavaScript error on every page. A page that
    does not load the widget manager gets none of the inline set-up written for it."""
    scripts = context.get("script_files")
    if not scripts:
        return
    names = [getattr(script, "filename", str(script)) or "" for script in scripts]
    widgets = any("embed-amd" in name or "html-manager" in name for name in names)
    seen, unique = set(), []
    for script in scripts:
        # filename (None and "" both mean inline) and attributes (an inline body is one)
        filename = getattr(script, "filename", str(script)) or ""
        attributes = getattr(script, "attributes", {})
        if not widgets and not filename and attributes.get("body") in _WIDGET_ONLY_SCRIPTS:
            continue
        key = (filename, tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique  # in place: the builder and later handlers hold the same list


def setup(app: Sphinx):
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)  # after the others add theirs
    app.add_js_file(None, body=WIDGET_PATHS, priority=400)
    app.add_js_file(None, body=MATHJAX2_SHIM, priority=999)  # after the MathJax configuration
    app.connect("config-inited", configure)
    app.add_node(lang_block, html=(visit_lang_block_html, depart_div_html))
    app.add_node(lang_pair, html=(visit_lang_pair_html, depart_div_html))
    app.add_directive("lang", LangDirective)
    app.connect("source-read", on_source_read)
    app.connect("doctree-read", pair_blocks)
    app.add_css_file("bilingual.css")
    # In <head>, before the body renders, so the chosen language never flashes.
    app.add_js_file("bilingual.js", priority=200)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
