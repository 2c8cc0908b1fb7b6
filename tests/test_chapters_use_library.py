"""The chapters and the library agree: what a chapter shows is what the library runs."""

from __future__ import annotations

import inspect
import re

import pytest

import ce_backprop as cb
from conftest import CHAPTERS, load_cells

SHOW = re.compile(r"^cb\.show_source\(cb\.([\w.]+)\)\s*$")


def _resolve(dotted: str):
    obj = cb
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def _show_cells():
    for path in CHAPTERS:
        for i, cell in enumerate(load_cells(path)):
            m = SHOW.match(cell["text"].strip()) if cell["cell_type"] == "code" else None
            if m:
                yield pytest.param(path, i, cell, m.group(1), id=f"{path.stem}-{m.group(1)}")


@pytest.mark.parametrize("path, index, cell, name", list(_show_cells()))
def test_shown_source_is_the_library_source(path, index, cell, name):
    source = inspect.getsource(_resolve(name))
    shown = [o for o in cell["outputs"] if "data" in o]
    assert shown, f"{path.name} cell {index}: show_source has no stored output"
    assert "".join(shown[0]["data"]["text/plain"]) == source.rstrip("\n")
    assert "".join(shown[0]["data"]["text/markdown"]) == f"```python\n{source}```"


def test_every_chapter_shows_library_source():
    shown = {p.stem for p, *_ in (param.values for param in _show_cells())}
    assert shown == {p.stem for p in CHAPTERS}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebooks_do_not_redefine_library_functions(path):
    public = set(cb.__all__)
    for i, cell in enumerate(load_cells(path)):
        if cell["cell_type"] == "code":
            for name in re.findall(r"^\s*def\s+(\w+)", cell["text"], re.M):
                assert name not in public, f"{path.name} cell {i} redefines cb.{name}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebook_setup_is_one_import_and_nothing_else(path):
    code = [c for c in load_cells(path) if c["cell_type"] == "code"]
    assert "import ce_backprop as cb" in code[0]["text"]
    for i, cell in enumerate(code):
        for forbidden in ("sys.path", "font_manager", "rcParams", "font.family"):
            assert forbidden not in cell["text"], f"{path.name} code cell {i}: {forbidden}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebooks_are_executed_in_order_with_outputs(path):
    code = [c for c in load_cells(path) if c["cell_type"] == "code" and c["text"].strip()]
    counts = [c.get("execution_count") for c in code]
    assert counts == list(range(1, len(code) + 1)), "run the notebook top to bottom in a fresh kernel (make execute)"
    for c in code:
        for out in c.get("outputs", []):
            assert out["output_type"] != "error", f"{path.name}: a stored error output"
            data = out.get("data", {})
            # A figure's display carries "<Figure size …>" as its plain-text fallback beside the PNG.
            plain = "" if "image/png" in data else "".join(data.get("text/plain", ""))
            text = "".join(out.get("text", "")) + plain
            assert not re.search(r"0x[0-9a-f]{6,}|<Figure size|<matplotlib\.", text), f"{path.name}: an object repr leaked"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_output_comparison_is_skipped_only_for_widgets(path):
    for i, cell in enumerate(load_cells(path)):
        if "nbval-ignore-output" in cell["tags"] or "nbval-skip" in cell["tags"]:
            varies = ("explorer(", "perf_counter", "timeit")  # live widgets and wall-clock timings
            assert any(v in cell["text"] for v in varies), (
                f"{path.name} cell {i}: only interactive widgets and timings may skip nbval"
            )
