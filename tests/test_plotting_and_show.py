"""Figures render Chinese glyphs; show_source shows the library's own text; explorers run.

The figure set-up is one explicit call (cb.setup_figures()): importing the package and
reading cb.CJK_FONT change nothing in Matplotlib (checked in a fresh interpreter).
"""

from __future__ import annotations

import inspect
import io
import json
import subprocess
import sys
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import ce_backprop as cb  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def course_figures():
    """The chapters' setup cell: cb.setup_figures(); the rcParams are restored afterwards."""
    with matplotlib.rc_context():
        cb.setup_figures()
        yield


def test_a_cjk_font_is_configured():
    assert cb.CJK_FONT in cb.plotting.CJK_FONT_FAMILIES, cb.plotting.FONT_HELP
    assert matplotlib.rcParams["font.family"] == ["DejaVu Sans", cb.CJK_FONT]


IMPORT_SIDE_EFFECTS = """
import json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager
def state():
    return (json.dumps({k: repr(v) for k, v in matplotlib.rcParams.items()}, sort_keys=True),
            sorted(f.fname for f in font_manager.fontManager.ttflist))
before = state()
import ce_backprop as cb
after_import = state()
font = cb.CJK_FONT
after_font = state()
cb.show_figure  # the figure module, imported on first use
after_module = state()
print(json.dumps({"font": font, "import": after_import == before, "font_read": after_font == before,
                  "module": after_module == before}))
"""


def test_importing_the_package_and_reading_the_font_change_nothing_in_matplotlib():
    """issue 23: `import ce_backprop` left rcParams changed when Matplotlib was loaded first."""
    run = subprocess.run([sys.executable, "-c", IMPORT_SIDE_EFFECTS], capture_output=True, text=True, check=True)
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen == {"font": seen["font"], "import": True, "font_read": True, "module": True}, seen
    assert seen["font"] in cb.plotting.CJK_FONT_FAMILIES


def test_setup_figures_is_the_one_call_that_configures():
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        assert matplotlib.rcParams["figure.dpi"] == 100
        assert cb.setup_figures() is None  # a setup cell ending with it shows nothing
        assert matplotlib.rcParams["figure.dpi"] == cb.plotting.FIGURE_DPI
        assert matplotlib.rcParams["font.family"] == ["DejaVu Sans", cb.CJK_FONT]


def test_bilingual_labels_render_without_missing_glyphs():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="二次代价 quadratic")
    ax.set_xlabel("轮次 epoch")
    ax.set_ylabel("代价 cost C, σ′(z) − 1")
    ax.set_title("学习变慢 · learning slowdown")
    ax.legend()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" would raise here
        fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


def test_show_source_is_the_source():
    listing = cb.show_source(cb.sigmoid)
    source = inspect.getsource(cb.sigmoid)
    assert repr(listing) == source.rstrip("\n")
    assert listing._repr_markdown_() == f"```python\n{source}```"
    with pytest.raises(ValueError, match="no source"):
        cb.show_source(len)


def test_neuron_explorer_builds_and_redraws():
    box = cb.neuron_explorer()
    controls, output = box.children
    sliders = {w.description.split()[0]: w for w in controls.children}
    assert sliders["w₀"].value == 0.6 and sliders["b₀"].value == 0.9 and sliders["η"].value == 0.15
    sliders["w₀"].value = 2.0  # redraws through the same code path as a learner's drag
    plt.close("all")


def test_figures_are_sharp_on_high_density_screens():
    """150 dpi inline and saved; a 9.5 in figure is 1425 px wide."""
    assert matplotlib.rcParams["figure.dpi"] >= 150  # Jupyter's inline PNGs use the figure's dpi
    assert matplotlib.rcParams["savefig.dpi"] >= 150
    fig, ax = plt.subplots(figsize=(9.5, 3.6))
    ax.plot([0, 1], [0, 1])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    width = int.from_bytes(buffer.getvalue()[16:20], "big")  # the PNG header's IHDR width
    assert width == round(9.5 * matplotlib.rcParams["savefig.dpi"])


def test_tick_labels_stay_readable_when_a_figure_fills_the_column():
    """Tick labels of at least 10 pt: a 9.5 in figure scaled into the site's ~690 px column
    keeps them about 10 px tall (the browser test checks the shown sizes)."""
    from matplotlib.font_manager import FontProperties

    for key in ("xtick.labelsize", "ytick.labelsize"):
        assert FontProperties(size=matplotlib.rcParams[key]).get_size_in_points() >= 10
