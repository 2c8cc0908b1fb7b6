"""Build the JupyterLite site under _build/html/lite: the chapters run in the browser.

    python tools/build_lite.py

The contents are every chapter notebook plus the course package's source
folder beside them, so that `import ce_backprop` works in Pyodide from the
notebook's own folder; the package is also offered as a wheel to piplite
(`%pip install ce-backprop`). The Pyodide runtime itself (and NumPy and
Matplotlib for it) is loaded by the reader's browser from the Pyodide CDN.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "_build" / "html" / "lite"


def main() -> int:
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        contents = tmp / "contents"
        contents.mkdir()
        for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
            shutil.copy(notebook, contents / notebook.name)
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
