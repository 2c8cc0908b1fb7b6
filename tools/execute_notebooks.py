"""Re-execute chapter notebooks in place, the way their committed outputs are made.

    python tools/execute_notebooks.py                      # every chapter
    python tools/execute_notebooks.py chapters/01_*.ipynb  # some

Runs each notebook top to bottom in a fresh kernel from the chapters folder,
stores the widget state (so the static site can render the explorers), and
writes the notebook back. nbval then checks that a later run prints the same.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,
    )
    client.execute()
    # The execution timestamps would make every run a diff; drop them.
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or sorted((ROOT / "chapters").glob("*.ipynb"))
    for path in paths:
        seconds = execute(path)
        print(f"executed {path} in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
