"""Matplotlib set-up shared by every chapter: fonts that cover Chinese, fixed sizes.

Importing ``ce_backprop`` calls ``configure_matplotlib()`` once, so a notebook
needs no font code of its own. Latin text and mathematics use DejaVu Sans;
Chinese characters fall back to the first CJK font found on the machine.
"""

from __future__ import annotations

import warnings

import matplotlib
from matplotlib import font_manager

#: Resolution of every figure (inline in a notebook and saved): sharp on high-density screens.
FIGURE_DPI = 150

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


def find_cjk_font() -> str | None:
    """The family name of the first installed CJK font of ``CJK_FONT_FAMILIES``, or None.

    Matplotlib caches the system's font list; a font installed after that
    cache was written is found by its file name and added.
    """
    family = _first_known_family()
    if family is None:
        for path in font_manager.findSystemFonts():
            name = path.replace("-", "").replace("_", "").lower()
            if any(hint in name.rsplit("/", 1)[-1] for hint in _CJK_FILE_HINTS):
                font_manager.fontManager.addfont(path)
        family = _first_known_family()
    return family


def configure_matplotlib() -> str | None:
    """Set fonts and figure defaults for the course; return the CJK family in use."""
    cjk = find_cjk_font()
    rc = matplotlib.rcParams
    # Concrete families, not the "sans-serif" alias: Matplotlib falls back glyph by
    # glyph only along the font.family list itself.
    rc["font.family"] = ["DejaVu Sans"] + ([cjk] if cjk else [])
    rc["axes.unicode_minus"] = True
    rc["figure.figsize"] = (7.0, 4.0)
    # 150 dpi: sharp on high-density screens. Jupyter's inline figures use figure.dpi,
    # saved files savefig.dpi. The site scales a figure to its column, and at these
    # sizes tick labels stay at least 9 px tall on a 1280 px screen.
    rc["figure.dpi"] = FIGURE_DPI
    rc["savefig.dpi"] = FIGURE_DPI
    rc["font.size"] = 10
    rc["xtick.labelsize"] = rc["ytick.labelsize"] = 10
    rc["axes.grid"] = True
    rc["grid.alpha"] = 0.3
    rc["svg.hashsalt"] = "ce-backprop"  # deterministic SVG ids
    if cjk is None:
        warnings.warn(FONT_HELP, stacklevel=2)
    return cjk
