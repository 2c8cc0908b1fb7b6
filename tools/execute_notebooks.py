"""Re-execute chapter notebooks in place, the way their committed outputs are made.

    python tools/execute_notebooks.py                      # every chapter
    python tools/execute_notebooks.py chapters/01_*.ipynb  # some

Runs each notebook top to bottom in a fresh kernel from the chapters folder,
stores the widget state (so the static site can render the explorers), and
writes the notebook back. nbval then checks that a later run prints the same.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent

#: The committed outputs come from OpenBLAS's Haswell kernels. Wider kernels (AVX-512)
#: round matrix products in another order, and a chaotic run (a diverging ReLU network,
#: a float32 gradient check) then prints other digits. The kernels that make the outputs,
#: and the ones strict nbval re-runs them with (tests/conftest.py), are therefore pinned:
#: the same arithmetic on every x86-64 machine.
SAME_ARITHMETIC = {"OPENBLAS_CORETYPE": "Haswell"}


def execute(path: Path) -> float:
    os.environ.update(SAME_ARITHMETIC)  # the kernel inherits it
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
