"""Shared helpers for the course's tests."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
PAGES = [ROOT / "intro.md", ROOT / "glossary.md", ROOT / "errata.md"]
HAN = re.compile(r"[\u4e00-\u9fff]")


def load_cells(path: Path) -> list[dict]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        src = cell.get("source", "")
        cell["text"] = "".join(src) if isinstance(src, list) else src
        cell["tags"] = set(cell.get("metadata", {}).get("tags", []))
    return cells


def prose(path: Path, lang: str) -> str:
    """All prose of one language in a chapter notebook."""
    return "\n".join(c["text"] for c in load_cells(path) if lang in c["tags"])


def markdown_table(text: str, header_start: str) -> list[list[str]]:
    """Rows (as cell lists) of the first Markdown table whose header starts with ``header_start``."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith(header_start):
            rows = []
            for row in lines[i + 2 :]:
                if not row.strip().startswith("|"):
                    break
                rows.append([c.strip() for c in row.strip().strip("|").split("|")])
            return rows
    raise AssertionError(f"no table with header {header_start!r}")


def glossary_terms() -> list[tuple[str, str]]:
    """(English, 中文) pairs from glossary.md."""
    rows = markdown_table((ROOT / "glossary.md").read_text(encoding="utf-8"), "| 英文 · English | 中文 · Chinese |")
    return [(r[0], r[1]) for r in rows]


def banned_terms() -> list[tuple[str, str]]:
    """(English, banned Chinese rendering) pairs from glossary.md (its Chinese-only table of renderings not used)."""
    rows = markdown_table((ROOT / "glossary.md").read_text(encoding="utf-8"), "| 英文 | 不要用 |")
    return [(r[0], r[1]) for r in rows]


def glossary_chapters() -> dict[str, str]:
    """English term -> the part that introduces it ("1" ... "6", "A"), from the glossary's "首次出现 · First used" column."""
    rows = markdown_table((ROOT / "glossary.md").read_text(encoding="utf-8"), "| 英文 · English | 中文 · Chinese |")
    found = {}
    for r in rows:
        match = re.search(r"第(\d+)章|附录([A-Z])", r[2])
        assert match, f"glossary: no chapter in {r[2]!r} ({r[0]})"
        found[r[0]] = match[1] or match[2]
    return found


from hypothesis import settings  # noqa: E402

# CI and `make test` are reproducible: the same examples on every run, and no
# per-example deadline (a busy 2-core machine is slow, not wrong).
# HYPOTHESIS_PROFILE=thorough explores far more random examples.
settings.register_profile("course", derandomize=True, deadline=None, max_examples=100)
settings.register_profile("thorough", deadline=None, max_examples=2000)
settings.load_profile(__import__("os").environ.get("HYPOTHESIS_PROFILE", "course"))


#: The parts of the book (Sphinx docnames) written to the conventions of STYLE.md: the
#: notation, the glossary, the prose lint, one language per edition in outputs, figures
#: and equations. A chapter joins when its rewrite lands; by the end this is the whole book.
REWRITTEN_PARTS: tuple[str, ...] = ("intro", "glossary", "errata", "chapters/01_single_neuron", "chapters/02_quadratic_vs_cross_entropy", "chapters/03_softmax_cross_entropy", "chapters/04_backprop_three_layer", "chapters/05_deep_networks", "chapters/06_autodiff", "chapters/07_gradient_checks")


def rewritten_chapters() -> list[Path]:
    """The chapter notebooks among REWRITTEN_PARTS."""
    return [p for p in CHAPTERS if f"chapters/{p.stem}" in REWRITTEN_PARTS]
