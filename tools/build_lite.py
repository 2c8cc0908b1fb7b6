"""Build the JupyterLite site under _build/html/lite: the chapters run in the browser.

    python tools/build_lite.py

The contents are every chapter notebook plus the course package's source
folder beside them, so that `import ce_backprop` works in Pyodide from the
notebook's own folder; the package is also offered as a wheel to piplite
(`%pip install ce-backprop`). The Pyodide runtime itself (and NumPy and
Matplotlib for it) is loaded by the reader's browser from the Pyodide CDN.

Each edition has its own notebooks: the bilingual ones at the top (the
side-by-side edition's), and in zh/ and en/ the notebooks of one language
(:func:`edition_notebook`): only that language's prose cells, the shared
headings cut at their " · ", the words in equations (``\\zhen``) and the stored
outputs (results, printed lines, figures) in that language, and a first cell
that makes the library speak it (``ce_backprop.set_language``). Each folder holds
a copy of the package, so that ``import ce_backprop`` works from it.

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
sys.path.insert(0, str(ROOT / "_ext"))
from bilingual import (  # noqa: E402
    FIGURE_METADATA_KEY, LANGS, OUTPUT_MIME_TYPE, resolve_marks, resolve_words, split_text,
)

#: The folders of the single-language notebooks (the bilingual ones are at the top).
EDITION_FOLDERS = tuple(LANGS)
#: The first cell of an edition's notebook.
SET_LANGUAGE = {
    "zh": "# 本笔记本是本书的中文版：库的输出和图也用中文。\nimport ce_backprop\nce_backprop.set_language(\"zh\")",
    "en": "# This notebook is the book's English edition: the library's outputs and figures are in English too.\nimport ce_backprop\nce_backprop.set_language(\"en\")",
}
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


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _shared_markdown(text: str, lang: str) -> str:
    """A shared (untagged) markdown cell in one language: headings cut at their " · ",
    words in equations resolved."""
    lines = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("#"):
            marks, _, title = line.partition(" ")
            line = f"{marks} {split_text(title, lang)}"
        elif stripped.startswith("**") and stripped.endswith("**") and len(stripped) > 4:  # an aside's title
            line = f"**{split_text(stripped[2:-2], lang)}**"
        elif stripped.startswith("|") and not set(stripped) <= set("|-: "):  # a table row: each cell
            line = "|".join(f" {split_text(cell.strip(), lang)} " if i and cell.strip() else cell for i, cell in enumerate(line.split("|")))
        lines.append(line)
    return resolve_words("\n".join(lines), lang)[0]


def _edition_outputs(outputs: list[dict], lang: str) -> list[dict]:
    kept = []
    for output in outputs:
        output = json.loads(json.dumps(output))
        data = output.get("data") or {}
        figure = (output.get("metadata") or {}).get(FIGURE_METADATA_KEY) or {}
        if figure.get("lang") not in (None, lang):
            continue  # the other language's rendering of a figure
        if OUTPUT_MIME_TYPE in data:
            try:
                payload = json.loads("".join(data[OUTPUT_MIME_TYPE]) if isinstance(data[OUTPUT_MIME_TYPE], list) else data[OUTPUT_MIME_TYPE])
                data["text/plain"] = payload[lang]
                del data[OUTPUT_MIME_TYPE]  # its other language has no place in this notebook
            except (ValueError, KeyError, TypeError):
                pass
        if "text/plain" in data:
            text = "".join(data["text/plain"]) if isinstance(data["text/plain"], list) else data["text/plain"]
            data["text/plain"] = resolve_marks(text, lang)
        if output.get("output_type") == "stream":
            text = "".join(output["text"]) if isinstance(output.get("text"), list) else output.get("text", "")
            output["text"] = resolve_marks(text, lang)
        kept.append(output)
    return kept


def edition_notebook(text: str, lang: str) -> str:
    """A bilingual chapter notebook as one edition's notebook (see the module docstring)."""
    nb = json.loads(text)
    cells = []
    for cell in nb["cells"]:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell.get("cell_type") == "markdown":
            if tags & set(LANGS) - {lang}:
                continue
            source = _source(cell)
            cell["source"] = resolve_words(source, lang)[0] if lang in tags else _shared_markdown(source, lang)
        elif cell.get("cell_type") == "code":
            cell["outputs"] = _edition_outputs(cell.get("outputs", []), lang)
        cells.append(cell)
    first = {"cell_type": "code", "execution_count": None, "id": f"set-language-{lang}",
             "metadata": {"tags": ["hide-input"]}, "outputs": [], "source": SET_LANGUAGE[lang]}
    nb["cells"] = [first, *cells]
    nb["metadata"]["language_info"] = nb["metadata"].get("language_info", {})
    return json.dumps(nb, ensure_ascii=False)


def main() -> int:
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        contents = tmp / "contents"
        contents.mkdir()
        for folder in (contents, *(contents / lang for lang in EDITION_FOLDERS)):
            folder.mkdir(exist_ok=True)
            shutil.copytree(
                ROOT / "code" / "ce_backprop", folder / "ce_backprop",
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
        for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
            text = notebook.read_text(encoding="utf-8")
            (contents / notebook.name).write_text(clean_notebook(text), encoding="utf-8")
            for lang in EDITION_FOLDERS:
                (contents / lang / notebook.name).write_text(clean_notebook(edition_notebook(text, lang)), encoding="utf-8")
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
