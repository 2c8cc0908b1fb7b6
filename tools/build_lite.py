"""Build the JupyterLite site under _build/html/lite: the chapters run in the browser.

    python tools/build_lite.py

The contents are every chapter notebook plus the course package's source
folder beside them, so that `import ce_backprop` works in Pyodide from the
notebook's own folder; the package is also offered as a wheel to piplite
(`%pip install ce-backprop`). The Pyodide runtime itself (and NumPy and
Matplotlib for it) is loaded by the reader's browser from the Pyodide CDN.

The notebooks are copied clean, so that JupyterLite opens them unmodified: the
kernel is JupyterLite's own ("python", Pyodide) instead of "python3", which
JupyterLab would otherwise switch at once and so mark the notebook as changed;
the widget state saved for the static site is dropped (the explorers run live
here), and so are the outputs that only displayed it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "_build" / "html" / "lite"
#: JupyterLite's Python kernel (Pyodide), as its kernel spec names it.
LITE_KERNELSPEC = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def clean_notebook(text: str) -> str:
    """A chapter notebook as JupyterLite should open it: its kernel, no saved widget state.

    Every cell keeps its id (nbformat 4.5), so nothing is added on load either.
    """
    nb = json.loads(text)
    nb["metadata"]["kernelspec"] = dict(LITE_KERNELSPEC)
    nb["metadata"].pop("widgets", None)
    nb["nbformat"], nb["nbformat_minor"] = 4, max(5, nb.get("nbformat_minor", 0))
    for i, cell in enumerate(nb["cells"]):
        cell.setdefault("id", f"cell-{i}")
        if cell.get("cell_type") == "code":
            # An explorer's output is a view of the saved state: without the state it
            # would read "model not found" until the cell runs; running it draws it live.
            cell["outputs"] = [o for o in cell.get("outputs", []) if WIDGET_VIEW not in o.get("data", {})]
    return json.dumps(nb, ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        contents = tmp / "contents"
        contents.mkdir()
        for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
            (contents / notebook.name).write_text(clean_notebook(notebook.read_text(encoding="utf-8")), encoding="utf-8")
        shutil.copytree(
            ROOT / "code" / "ce_backprop", contents / "ce_backprop",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
        wheels = tmp / "wheels"
        source = shutil.copytree(  # build from a copy: setuptools writes build/ into its source
            ROOT / "code", tmp / "code", ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__")
        )
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(source)],
            check=True,
        )
        (wheel,) = wheels.glob("*.whl")
        if OUT.exists():
            shutil.rmtree(OUT)
        subprocess.run(
            [str(bin_dir / "jupyter"), "lite", "build", "--lite-dir", str(tmp),
             "--contents", str(contents), "--piplite-wheels", str(wheel), "--output-dir", str(OUT)],
            check=True, cwd=tmp, capture_output=True, text=True,
        )
    print(f"JupyterLite: {OUT.relative_to(ROOT)} ({sum(1 for _ in OUT.rglob('*'))} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
