"""Figures for every chapter: one call that draws a figure once per language.

A chapter's setup cell calls :func:`setup_figures` once (fonts that cover
Chinese, the course's sizes). Importing ``ce_backprop`` changes nothing in
Matplotlib, and neither does reading ``cb.CJK_FONT``.

A figure is a function ``draw(t)`` that builds it, with ``t(zh, en)`` for every
word in it, handed to :func:`show_figure`::

    def draw(t):
        fig, ax = cb.subplots()
        ax.plot(z, cb.sigmoid(z), label="σ(z)")
        ax.set_xlabel(t("带权输入 z", "weighted input z"))
        ax.legend()
        return fig

    cb.show_figure(draw, alt=cb.Bilingual("σ(z)从0升到1。", "σ(z) rises from 0 to 1."))

``show_figure`` renders it in each language the library speaks
(:func:`ce_backprop.lang.language`: both for the book, one in an edition's
JupyterLite notebook), at the width of the book's column, and displays each
rendering with its language in the output's metadata; the book's build keeps
the edition's. A figure of several panels (``cb.subplots(1, 2)``) becomes one
image per panel, which the book sets side by side where they fit and one
under the other on a phone.
"""

from __future__ import annotations

import base64
import io
import itertools
import warnings
from typing import Callable, Iterable, Sequence

import matplotlib
from matplotlib import font_manager

from .lang import Bilingual, Labels, languages

#: Resolution of every figure (inline in a notebook and saved): sharp on high-density screens.
FIGURE_DPI = 150

#: Width and height of one panel, in inches, labels included. Shown at 96 px to the inch,
#: a panel is 403 px wide: on a 390 px phone (a 358 px column) it shrinks to the column
#: and its smallest text stays above 11 px; two panels side by side in the 688 px desktop
#: column keep the same size (the book's CSS lays them out).
PANEL_WIDTH, PANEL_HEIGHT = 4.2, 3.0

#: The course's font size, and the smallest text a figure may hold (both in points).
FONT_SIZE, MIN_TEXT_PT = 10.5, 10.0

#: How wide a panel is shown: css pixels per inch of the figure.
CSS_PX_PER_INCH = 96

#: The key of a figure output's metadata that the book's build reads.
METADATA_KEY = "ce_backprop"

#: CJK fonts in order of preference (family names as Matplotlib reports them).
CJK_FONT_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "SimHei",
)

FONT_HELP = (
    "No font with Chinese glyphs was found, so Chinese labels would show as boxes. "
    "Install one, e.g. `apt-get install fonts-noto-cjk` on Debian/Ubuntu "
    "(`make fonts` in the course repository does this), then restart the kernel."
)

#: File names of CJK fonts, to find one installed after Matplotlib cached its font list.
_CJK_FILE_HINTS = ("notosanscjk", "notosanssc", "sourcehansans", "wqy", "msyh", "pingfang", "simhei")


def _first_known_family() -> str | None:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FONT_FAMILIES if family in installed), None)


def _cjk_font_files() -> list[str]:
    """CJK font files on the system, by file name (for fonts Matplotlib has not cached)."""
    found = []
    for path in font_manager.findSystemFonts():
        name = path.replace("-", "").replace("_", "").lower().rsplit("/", 1)[-1]
        if any(hint in name for hint in _CJK_FILE_HINTS):
            found.append(path)
    return sorted(found)


def cjk_font() -> str | None:
    """The family name of the first CJK font of ``CJK_FONT_FAMILIES`` on this machine, or None.

    Only looks: Matplotlib's font list is not changed (see :func:`setup_figures`).
    """
    family = _first_known_family()
    if family is not None:
        return family
    names = set()
    for path in _cjk_font_files():
        try:
            names.add(font_manager.FontProperties(fname=path).get_name())
        except Exception:  # an unreadable font file is not ours to report
            continue
    return next((family for family in CJK_FONT_FAMILIES if family in names), None)


def find_cjk_font() -> str | None:
    """Like :func:`cjk_font`, and add a CJK font installed after Matplotlib cached its
    font list to that list (so that it can be used)."""
    family = _first_known_family()
    if family is None:
        for path in _cjk_font_files():
            font_manager.fontManager.addfont(path)
        family = _first_known_family()
    return family


def course_rc(cjk: str | None) -> dict:
    """The course's Matplotlib settings (rcParams), with ``cjk`` as the fallback for Chinese."""
    return {
        # Concrete families, not the "sans-serif" alias: Matplotlib falls back glyph by
        # glyph only along the font.family list itself.
        "font.family": ["DejaVu Sans"] + ([cjk] if cjk else []),
        "axes.unicode_minus": True,
        "figure.figsize": (PANEL_WIDTH, PANEL_HEIGHT),
        # Jupyter's inline figures use figure.dpi, saved files savefig.dpi.
        "figure.dpi": FIGURE_DPI,
        "savefig.dpi": FIGURE_DPI,
        "font.size": FONT_SIZE,
        "xtick.labelsize": FONT_SIZE,
        "ytick.labelsize": FONT_SIZE,
        "legend.fontsize": FONT_SIZE,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "svg.hashsalt": "ce-backprop",  # deterministic SVG ids
    }


def setup_figures() -> None:
    """Set Matplotlib up for the course: a CJK font for Chinese, the course's sizes.

    Each chapter's setup cell calls this once, after ``import ce_backprop as cb``.
    Warns when no CJK font is installed (Chinese labels would show as boxes).
    """
    cjk = find_cjk_font()
    matplotlib.rcParams.update(course_rc(cjk))
    if cjk is None:
        warnings.warn(FONT_HELP, stacklevel=2)


def configure_matplotlib() -> str | None:
    """:func:`setup_figures`, returning the CJK family in use (the older name of it)."""
    setup_figures()
    return _first_known_family()


def subplots(ncols: int = 1, nrows: int = 1, *, height: float | None = None, **kwargs):
    """``plt.subplots(nrows, ncols)`` at the course's panel size: each panel is
    ``PANEL_WIDTH`` wide and ``height`` (default ``PANEL_HEIGHT``) tall.

    Note the order: ``cb.subplots(2)`` is two panels side by side.
    """
    import matplotlib.pyplot as plt

    for name, value in (("ncols", ncols), ("nrows", nrows)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if height is not None and not height > 0:
        raise ValueError(f"height must be a positive number of inches, got {height!r}")
    size = (PANEL_WIDTH * ncols, (height or PANEL_HEIGHT) * nrows)
    return plt.subplots(nrows, ncols, figsize=size, **kwargs)


# --- Rendering ---------------------------------------------------------------------------

_figure_numbers = itertools.count(1)


def _texts(fig):
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _raise_small_text(fig) -> None:
    """Every text at least ``MIN_TEXT_PT``: tick labels through their axis (ticks are
    made again when a figure is laid out), the rest one by one."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for which in ("major", "minor"):
                labels = [t for t in axis.get_ticklabels(which=which) if t.get_text().strip()]
                if labels and min(t.get_fontsize() for t in labels) < MIN_TEXT_PT:
                    axis.set_tick_params(which=which, labelsize=MIN_TEXT_PT)
    for text in _texts(fig):
        if text.get_fontsize() < MIN_TEXT_PT:
            text.set_fontsize(MIN_TEXT_PT)


def _panel_groups(fig) -> list[list]:
    """The figure's axes grouped into panels: one per grid cell (twins and colorbars of a
    cell join it), in reading order. Axes outside the grid join the panel they sit on."""
    groups: dict[tuple[int, int], list] = {}
    loose = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        spec = ax.get_subplotspec()
        if spec is None:
            loose.append(ax)
            continue
        top = spec.get_topmost_subplotspec()
        groups.setdefault((top.rowspan.start, top.colspan.start), []).append(ax)
    ordered = [groups[key] for key in sorted(groups)]
    for ax in loose:
        x, y = ax.get_position().x0, ax.get_position().y0
        home = next((g for g in ordered if any(a.get_position().contains(x, y) for a in g)), None)
        if home is None:
            raise ValueError("an axes outside the figure's grid sits on no panel: pass panels=False")
        home.append(ax)
    return ordered


def _png(fig, bbox_inches=None) -> bytes:
    """The figure (or the part ``bbox_inches``) as a compact PNG: 256 colours, no dithering."""
    from PIL import Image

    raw = io.BytesIO()
    fig.savefig(raw, format="png", dpi=FIGURE_DPI, bbox_inches=bbox_inches, facecolor="white",
                metadata={"Software": None})
    image = Image.open(io.BytesIO(raw.getvalue())).convert("RGB")
    small = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="png", optimize=True)
    return out.getvalue()


def _text_px(fig, texts, region) -> float | None:
    """The smallest text inside ``region`` (display pixels), in pixels of the saved image."""
    renderer = fig.canvas.get_renderer()
    sizes = [t.get_fontsize() for t in texts if region is None or region.overlaps(t.get_window_extent(renderer))]
    return round(min(sizes) * FIGURE_DPI / 72, 1) if sizes else None


def render_figure(fig, *, panels: bool = True) -> list[dict]:
    """The figure as PNG images: one per panel (``panels``), else one.

    Each is ``{"png": bytes, "width": css px, "text_px": smallest text in image px}``.
    Text smaller than ``MIN_TEXT_PT`` is raised to it first; a figure of several panels
    is laid out again at ``PANEL_WIDTH`` per column.
    """
    from matplotlib.transforms import Bbox

    fig.set_dpi(FIGURE_DPI)
    groups = _panel_groups(fig) if panels else []
    if len(groups) > 1:
        if fig.legends or [t for t in fig.texts if t.get_visible() and t.get_text().strip()] or getattr(fig, "_suptitle", None):
            raise ValueError(
                "a figure-level legend or title (fig.legend, fig.suptitle, fig.text) belongs to no panel: "
                "put it on an axes, or pass panels=False"
            )
        ncols = groups[0][0].get_subplotspec().get_topmost_subplotspec().get_gridspec().ncols
        fig.set_size_inches(PANEL_WIDTH * ncols, fig.get_size_inches()[1])
    fig.canvas.draw()  # creates the tick labels, so that they are counted too
    _raise_small_text(fig)
    if fig.get_layout_engine() is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "not compatible with tight_layout": drawn as it is
            fig.tight_layout()
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = _texts(fig)
    if len(groups) <= 1:
        box = fig.get_tightbbox(renderer).padded(0.05)
        png = _png(fig, bbox_inches=box)
        return [{"png": png, "width": round(box.width * CSS_PX_PER_INCH), "text_px": _text_px(fig, texts, None)}]
    boxes = [Bbox.union([a.get_tightbbox(renderer) for a in g]) for g in groups]
    rows: dict[int, list[int]] = {}
    for i, g in enumerate(groups):
        rows.setdefault(g[0].get_subplotspec().get_topmost_subplotspec().rowspan.start, []).append(i)
    images = []
    for i, (group, box) in enumerate(zip(groups, boxes)):
        row = next(r for r in rows.values() if i in r)  # panels of a row: one height
        y0, y1 = min(boxes[j].y0 for j in row), max(boxes[j].y1 for j in row)
        region = Bbox([[box.x0, y0], [box.x1, y1]])
        hidden = [a for g in groups if g is not group for a in g]
        for a in hidden:
            a.set_visible(False)
        try:
            inches = region.transformed(fig.dpi_scale_trans.inverted()).padded(0.05)
            png = _png(fig, bbox_inches=inches)
        finally:
            for a in hidden:
                a.set_visible(True)
        images.append({"png": png, "width": round(inches.width * CSS_PX_PER_INCH), "text_px": _text_px(fig, texts, region)})
    return images


AltText = "str | Bilingual | Callable[[Labels], str] | None"


def _alt_for(alt, t: Labels) -> str | None:
    if alt is None:
        return None
    if callable(alt) and not isinstance(alt, (str, Bilingual)):
        alt = alt(t)
    if isinstance(alt, Bilingual):
        return alt.in_language(t.lang)
    if isinstance(alt, str):
        return alt
    raise ValueError(f"alt must be a str, a Bilingual or a function of t, got {type(alt).__name__}")


def _panel_alts(alt, t: Labels, count: int) -> list[str | None]:
    if isinstance(alt, (list, tuple)):
        if len(alt) != count:
            raise ValueError(f"alt has {len(alt)} texts for {count} panels: give one, or one per panel")
        return [_alt_for(a, t) for a in alt]
    text = _alt_for(alt, t)
    if text is None or count == 1:
        return [text] * count
    return [text + t(f"（第{i}幅，共{count}幅）", f" (panel {i} of {count})") for i in range(1, count + 1)]


def figure_outputs(draw: Callable[[Labels], object], *, alt=None, panels: bool = True,
                   langs: Iterable[str] | None = None) -> list[dict]:
    """What :func:`show_figure` displays, as a list of ``{"data": …, "metadata": …}``.

    ``draw(t)`` is called once per language in ``langs`` (default: the languages the
    library speaks now) inside the course's Matplotlib settings, and returns its figure
    (or None: the current figure). When every language's rendering is the same image
    (no words in it), it is kept once, for every language.
    """
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    if not callable(draw):
        raise ValueError(f"draw must be a function draw(t) that builds a figure, got {type(draw).__name__}")
    langs = tuple(langs) if langs is not None else languages()
    number = next(_figure_numbers)
    rendered = {}
    for lang in langs:
        t = Labels(lang)
        before = set(plt.get_fignums())
        try:
            with matplotlib.rc_context(course_rc(cjk_font())):
                fig = draw(t)
                if fig is None:
                    fig = plt.gcf()
                if not isinstance(fig, Figure):
                    raise ValueError(f"draw(t) must return a Matplotlib figure or None, got {type(fig).__name__}")
                images = render_figure(fig, panels=panels)
        finally:
            for num in set(plt.get_fignums()) - before:
                plt.close(num)
        rendered[lang] = (images, _panel_alts(alt, t, len(images)))
    pngs = [[im["png"] for im in images] for images, _ in rendered.values()]
    shared = len(pngs) > 1 and all(p == pngs[0] for p in pngs)
    outputs = []
    for lang, (images, alts) in rendered.items():
        for i, (image, alt_text) in enumerate(zip(images, alts)):
            meta = {"figure": number, "panel": i + 1, "panels": len(images), "text_px": image["text_px"]}
            if not shared:
                meta["lang"] = lang
            if alt_text:
                meta["alt"] = alt_text
            plain = alt_text or Labels(lang)(f"图（第{i + 1}幅，共{len(images)}幅）", f"Figure (panel {i + 1} of {len(images)})")
            outputs.append({
                "data": {"image/png": base64.b64encode(image["png"]).decode("ascii"), "text/plain": plain},
                "metadata": {"image/png": {"width": image["width"]}, METADATA_KEY: meta},
            })
        if shared:
            break
    return outputs


def show_figure(draw: Callable[[Labels], object], *, alt=None, panels: bool = True) -> None:
    """Draw a figure once per language the library speaks and display the renderings.

    ``draw(t)`` builds the figure with ``t(zh, en)`` for each word and returns it
    (``cb.subplots`` gives the course's panel size). ``alt`` describes the figure for a
    screen reader: a ``cb.Bilingual``, a function of ``t``, a ``str`` with no words
    (a formula), or one of these per panel; without it the book uses the caption that
    follows the figure. ``panels=False`` keeps a figure of several panels in one image.
    """
    from IPython.display import display

    for output in figure_outputs(draw, alt=alt, panels=panels):
        display(output["data"], raw=True, metadata=output["metadata"])
